"""Check what a tutorial step did, and show it as a terminal would.

A check shows what it looks at (the ``docker`` or ``curl`` commands it runs, after ``$ ``,
and what they print), then returns what it confirmed, or raises one sentence saying what is
missing. It never starts a registry.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from helpers import credential_helper, lesson, local_state, registry_api, settings, shell
from helpers.errors import StepIncomplete
from helpers.registry import Registry
from helpers.settings import DEMO_TAGS as TAGS
from helpers.settings import GUIDE_ADDRESS as ADDRESS
from helpers.settings import remote_name
from helpers.step_setups import CLEANUP_FILES


def _require(condition: bool, sentence: str) -> None:
    if not condition:
        raise StepIncomplete(sentence)


def _show(registry: Registry, command: str) -> str:
    """Run one of a check's commands and show it, and what it printed, as a terminal would."""
    result = shell.run(registry.kit, command, address=registry.address, expect=shell.EITHER)
    sys.stdout.write(f"{lesson.PROMPT}{command}\n{result.output}")
    sys.stdout.flush()
    return result.output


def _short(image_id: str | None) -> str:
    return (image_id or "").removeprefix("sha256:")[:12]


def _digest_command(repository: str, tag: str) -> str:
    return (
        f"curl -s -I -u {settings.DEMO_USER}:{settings.DEMO_PASSWORD} "
        f"-H 'Accept: {registry_api.DOCKER_MANIFEST}' -H 'Accept: {registry_api.OCI_MANIFEST}' "
        f"http://{ADDRESS}/v2/{repository}/manifests/{tag} | grep Docker-Content-Digest"
    )


def _check_concepts(registry: Registry) -> str:
    for name in (settings.BASE_IMAGE, settings.DEMO_IMAGE):
        _show(
            registry,
            f"docker image ls --format '{{{{.Repository}}}}:{{{{.Tag}}}} {{{{.ID}}}}' {name}",
        )
    for name in (settings.BASE_IMAGE, settings.DEMO_IMAGE):
        _require(
            local_state.local_image_id(registry.kit.client(), name) is not None,
            f"The image {name} is not on this machine: run the `docker load` cells.",
        )
    return f"{settings.DEMO_IMAGE} and {settings.BASE_IMAGE} are on this machine"


def _check_login(registry: Registry) -> str:
    _show(registry, f"grep -o '\"{ADDRESS}\"' ~/.docker/config.json")
    _require(
        local_state.logged_in(registry),
        f"No credentials for {ADDRESS} are stored: run the `docker login` cell.",
    )
    return f"credentials for {ADDRESS} are stored in ~/.docker/config.json"


def _check_tag(registry: Registry) -> str:
    _show(
        registry,
        "docker image ls --format '{{.Repository}}:{{.Tag}} {{.ID}}' "
        f"{ADDRESS}/{settings.DEMO_REPOSITORY}",
    )
    source = local_state.local_image_id(registry.kit.client(), settings.DEMO_IMAGE)
    for tag in TAGS:
        _require(
            local_state.local_image_id(
                registry.kit.client(), shell.mapped(remote_name(tag), registry.address)
            )
            == source,
            f"{remote_name(tag)} does not name the demo image: run its `docker tag` cell.",
        )
    return f"{' and '.join(TAGS)} both name {_short(source)}, the image of {settings.DEMO_IMAGE}"


def _check_push(registry: Registry) -> str:
    _show(registry, _digest_command(settings.BASE_REPOSITORY, "latest"))
    _require(
        registry.api.tags(settings.BASE_REPOSITORY) == ["latest"],
        f"The registry has no {settings.BASE_REPOSITORY}: run the cells that tag and push it.",
    )
    digests = {}
    for tag in TAGS:
        _show(registry, _digest_command(settings.DEMO_REPOSITORY, tag))
        digests[tag] = registry.api.digest(settings.DEMO_REPOSITORY, tag)
        _require(
            digests[tag] is not None,
            f"The registry has no tag {tag}: run the `docker push` cell for {tag}.",
        )
    _require(
        len(set(digests.values())) == 1,
        "The two tags point at different images: tag and push latest again.",
    )
    return f"{' and '.join(TAGS)} share {digests[TAGS[0]]}, and {settings.BASE_REPOSITORY} is there"


def _check_pull(registry: Registry) -> str:
    name = shell.mapped(remote_name("0.1.0"), registry.address)
    _show(registry, f"docker image ls -q {settings.DEMO_IMAGE}")
    _show(
        registry,
        "docker image ls --digests --format '{{.Repository}}:{{.Tag}} {{.Digest}}' "
        f"{ADDRESS}/{settings.DEMO_REPOSITORY}",
    )
    _require(
        local_state.local_image_id(registry.kit.client(), settings.DEMO_IMAGE) is None,
        f"{settings.DEMO_IMAGE} is still on this machine: run the `docker image rm` cell.",
    )
    remote = registry.api.digest(settings.DEMO_REPOSITORY, "0.1.0")
    pulled = [
        d.split("@", 1)[1] for d in local_state.local_repo_digests(registry.kit.client(), name)
    ]
    _require(
        bool(pulled),
        f"{remote_name('0.1.0')} is not on this machine: run the `docker run` cell.",
    )
    _require(remote in pulled, "The local image does not match the registry's: pull it again.")
    return f"0.1.0 came back from the registry as {remote}"


def _check_logout(registry: Registry) -> str:
    _show(registry, "cat ~/.docker/config.json")
    _require(
        not local_state.logged_in(registry),
        f"Credentials for {ADDRESS} are still stored: run the `docker logout` cell.",
    )
    return f"no credentials for {ADDRESS} are stored"


def _check_mistakes(registry: Registry) -> str:
    _show(registry, _digest_command(settings.DEMO_REPOSITORY, "0.2.0"))
    fixed = registry.api.digest(settings.DEMO_REPOSITORY, "0.2.0")
    first = registry.api.digest(settings.DEMO_REPOSITORY, "0.1.0")
    _require(
        fixed is not None and fixed == first,
        "The registry has no tag 0.2.0 of the demo image: run the cells that tag and push it.",
    )
    _show(registry, "cat ~/.docker/config.json")
    _require(
        not local_state.logged_in(registry),
        f"Credentials for {ADDRESS} are still stored: run the last `docker logout` cell.",
    )
    return "0.2.0 is in the registry as the same image as 0.1.0, and you are logged out"


SAVED_MANIFEST = CLEANUP_FILES[0]
"""Where the clean-up step has the learner keep the manifest it deletes (in their home)."""

BLOBS_COMMAND = (
    f"for blob in $(grep -o 'sha256:[0-9a-f]*' ~/{SAVED_MANIFEST}); do echo \"$blob $(curl -s -I "
    f"-o /dev/null -w '%{{http_code}}' -u {settings.DEMO_USER}:{settings.DEMO_PASSWORD} "
    f'http://{ADDRESS}/v2/{settings.DEMO_REPOSITORY}/blobs/$blob)"; done'
)
"""The clean-up step's command that asks the registry for each blob the deleted manifest named."""


def _blobs(manifest: dict[str, Any]) -> list[str]:
    """Return the digests of a manifest's image config and layers."""
    return [manifest["config"]["digest"], *(layer["digest"] for layer in manifest["layers"])]


def _check_cleanup(registry: Registry) -> str:
    _show(
        registry,
        f"curl -s -u {settings.DEMO_USER}:{settings.DEMO_PASSWORD} "
        f"http://{ADDRESS}/v2/{settings.DEMO_REPOSITORY}/tags/list",
    )
    _require(
        registry.api.tags(settings.DEMO_REPOSITORY) == [],
        f"{settings.DEMO_REPOSITORY} still has tags: run the `curl -X DELETE` cell.",
    )
    saved = registry.kit.home / SAVED_MANIFEST
    _require(
        saved.exists(),
        f"~/{SAVED_MANIFEST} is missing: run the cell that saves the manifest, before the "
        "one that deletes it.",
    )
    _show(registry, BLOBS_COMMAND)
    shared = set(_blobs(registry.api.manifest(settings.BASE_REPOSITORY, "latest").json()))
    blobs = _blobs(json.loads(saved.read_text()))
    own = [blob for blob in blobs if blob not in shared]
    for blob in own:
        _require(
            not registry.api.has_blob(settings.DEMO_REPOSITORY, blob),
            f"The registry still serves {blob}, which only the deleted manifest used: run "
            "the `registry garbage-collect` cell.",
        )
    _require(
        all(registry.api.has_blob(settings.DEMO_REPOSITORY, blob) for blob in shared & set(blobs)),
        f"The layers shared with {settings.BASE_REPOSITORY} are gone too: push it again "
        "(run the notebook from its first cell).",
    )
    gone = len(own)
    return (
        f"{settings.DEMO_REPOSITORY} has no tags, the {gone} blobs only it used are gone, and "
        f"the {len(blobs) - gone} layers it shared with {settings.BASE_REPOSITORY} stay"
    )


def _check_helper(registry: Registry) -> str:
    kit = registry.kit
    _show(registry, "cat ~/.docker/config.json")
    _require(
        local_state.docker_config(kit).get("credsStore") == "pass",
        "~/.docker/config.json names no credential store: run the cell that writes `credsStore`.",
    )
    _require(
        not local_state.logged_in(registry),
        f"Credentials for {ADDRESS} are still stored: run the `docker logout` cell.",
    )
    _show(registry, f"{credential_helper.HELPER} list")
    store = kit.home / ".password-store" / "docker-credential-helpers"
    _require(
        store.is_dir(),
        "The password store holds nothing Docker put there: run the `docker login` cell.",
    )
    _require(
        not any(store.iterdir()),
        "The password store still holds a login: run the `docker logout` cell.",
    )
    _require(
        not credential_helper.agent_runs(kit.home, kit.command_path),
        "The GnuPG agent of the key still runs: run the `gpgconf --kill gpg-agent` cell.",
    )
    return (
        "Docker kept the login in pass, not in config.json, docker logout took it out of the "
        "store, and the key's agent is stopped"
    )


CHECK: dict[str, Callable[[Registry], str]] = {
    "concepts": _check_concepts,
    "login": _check_login,
    "tag": _check_tag,
    "push": _check_push,
    "pull": _check_pull,
    "logout": _check_logout,
    "mistakes": _check_mistakes,
    "cleanup": _check_cleanup,
    "helper": _check_helper,
}
