"""Check what the steps beyond the guide did: cleaning up a repository, a credential helper, and
one image for every platform."""

from __future__ import annotations

import hashlib

from helpers import settings
from helpers.registry.container import Registry
from helpers.settings import GUIDE_ADDRESS as ADDRESS
from helpers.steps import credential_helper, local_state, set_up_records
from helpers.steps.check_support import digest_command, require, show
from helpers.steps.setups import CLEANUP_FILES

SAVED_MANIFEST = CLEANUP_FILES[0]
"""Where the clean-up step has the learner keep the manifest it deletes (in their home)."""

BLOBS_COMMAND = (
    f"for blob in $(grep -o 'sha256:[0-9a-f]*' ~/{SAVED_MANIFEST}); do echo \"$blob $(curl -s -I "
    f"-o /dev/null -w '%{{http_code}}' -u {settings.DEMO_USER}:{settings.DEMO_PASSWORD} "
    f'http://{ADDRESS}/v2/{settings.DEMO_REPOSITORY}/blobs/$blob)"; done'
)
"""The clean-up step's command that asks the registry for each blob the deleted manifest named."""


def check_cleanup(registry: Registry) -> str:
    """Requires, in order: no tags left in the demo repository; the saved manifest in the
    learner's home; that file being the very manifest the step deleted (its digest, which the
    set-up noted); the blobs only that manifest used gone; and those it shared with the base
    still served. Which blobs are which comes from the set-up's record, not from the file."""
    show(
        registry,
        f"curl -s -u {settings.DEMO_USER}:{settings.DEMO_PASSWORD} "
        f"http://{ADDRESS}/v2/{settings.DEMO_REPOSITORY}/tags/list",
    )
    require(
        registry.api.tags(settings.DEMO_REPOSITORY) == [],
        f"{settings.DEMO_REPOSITORY} still has tags: run the `curl -X DELETE` cell.",
    )
    saved = registry.kit.home / SAVED_MANIFEST
    require(
        saved.exists(),
        f"~/{SAVED_MANIFEST} is missing: run the cell that saves the manifest, before the "
        "one that deletes it.",
    )
    record = set_up_records.read(registry.kit, "cleanup")
    require(
        "sha256:" + hashlib.sha256(saved.read_bytes()).hexdigest() == record["digest"],
        f"~/{SAVED_MANIFEST} is not the manifest of 0.2.0 that this step deletes: run the "
        "notebook again from its first cell, and save the manifest before deleting it.",
    )
    show(registry, BLOBS_COMMAND)
    blobs, shared = record["blobs"], set(record["shared"])
    own = [blob for blob in blobs if blob not in shared]
    for blob in own:
        require(
            not registry.api.has_blob(settings.DEMO_REPOSITORY, blob),
            f"The registry still serves {blob}, which only the deleted manifest used: run "
            "the `registry garbage-collect` cell.",
        )
    require(
        all(registry.api.has_blob(settings.DEMO_REPOSITORY, blob) for blob in shared & set(blobs)),
        f"The layers shared with {settings.BASE_REPOSITORY} are gone too: push it again "
        "(run the notebook from its first cell).",
    )
    gone = len(own)
    return (
        f"{settings.DEMO_REPOSITORY} has no tags, the {gone} blobs only it used are gone, and "
        f"the {len(blobs) - gone} layers it shared with {settings.BASE_REPOSITORY} stay"
    )


def check_helper(registry: Registry) -> str:
    """Requires, in order: ``config.json`` naming ``pass`` as the credential store; a login
    kept by Docker in the password store; no login left in ``config.json`` or the store; and
    the key's GnuPG agent stopped."""
    kit = registry.kit
    show(registry, "cat ~/.docker/config.json")
    require(
        local_state.docker_config(kit).get("credsStore") == "pass",
        "~/.docker/config.json does not name pass as its credential store: run the cell that "
        "writes `credsStore`.",
    )
    show(registry, f"{credential_helper.HELPER} list")
    store = kit.home / ".password-store" / "docker-credential-helpers"
    require(
        store.is_dir(),
        "The password store holds nothing Docker put there: run the `docker login` cell.",
    )
    require(
        not local_state.logged_in(registry) and not any(store.iterdir()),
        f"Credentials for {registry.address} are still stored: run the `docker logout` cell.",
    )
    require(
        not credential_helper.agent_runs(kit.home, kit.command_path),
        "The GnuPG agent of the key still runs: run the `gpgconf --kill gpg-agent` cell.",
    )
    return (
        "Docker kept the login in pass, not in config.json, docker logout took it out of the "
        "store, and the key's agent is stopped"
    )


INDEX_TAG = "0.1.0"
"""The tag of the platforms step's index; each platform's own tag adds ``-<architecture>``."""


def check_platforms(registry: Registry) -> str:
    """Requires, in order: the index's tag in the registry; it naming an index, not one
    image; the index listing exactly linux/amd64 and linux/arm64, amd64 first; each entry
    being the manifest its platform's own tag names; and nobody logged in."""
    repository = settings.PLATFORMS_REPOSITORY
    index = registry.api.digest(repository, INDEX_TAG)
    show(registry, digest_command(repository, INDEX_TAG))
    require(
        index is not None,
        f"The registry has no {repository}:{INDEX_TAG}: run the `docker buildx imagetools "
        "create` cell.",
    )
    listed = registry.api.manifest(repository, INDEX_TAG).json().get("manifests")
    require(
        isinstance(listed, list),
        f"{repository}:{INDEX_TAG} names one image, not an index: run the `docker buildx "
        "imagetools create` cell.",
    )
    platforms = [
        (f"{entry['platform']['os']}/{entry['platform']['architecture']}", entry["digest"])
        for entry in listed
    ]
    wanted = [f"linux/{architecture}" for architecture in settings.PLATFORMS]
    require(
        [platform for platform, _ in platforms] == wanted,
        f"{repository}:{INDEX_TAG} lists {', '.join(p for p, _ in platforms) or 'nothing'}, "
        f"not {' and '.join(wanted)}: run the `docker buildx imagetools create` cell, naming "
        "the amd64 tag first.",
    )
    for architecture, (_, digest) in zip(settings.PLATFORMS, platforms, strict=True):
        tag = f"{INDEX_TAG}-{architecture}"
        show(registry, digest_command(repository, tag))
        require(
            registry.api.digest(repository, tag) == digest,
            f"The index's linux/{architecture} entry is not what {repository}:{tag} names: "
            "push both tags, then run the `docker buildx imagetools create` cell again.",
        )
    require(
        not local_state.logged_in(registry),
        f"Credentials for {registry.address} are still stored: run the `docker logout` cell.",
    )
    return (
        f"{repository}:{INDEX_TAG} names the index {index}, which lists linux/amd64 as "
        f"{platforms[0][1]} and linux/arm64 as {platforms[1][1]}, each its own tag's manifest"
    )
