"""Check what the steps beyond the guide did: cleaning up a repository, and a credential helper."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from helpers import credential_helper, local_state, settings
from helpers.check_support import require, show
from helpers.registry import Registry
from helpers.settings import GUIDE_ADDRESS as ADDRESS
from helpers.step_setups import CLEANUP_FILES

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
    show(registry, BLOBS_COMMAND)
    shared = set(_blobs(registry.api.manifest(settings.BASE_REPOSITORY, "latest").json()))
    blobs = _blobs(json.loads(saved.read_text()))
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


def _check_helper(registry: Registry) -> str:
    kit = registry.kit
    show(registry, "cat ~/.docker/config.json")
    require(
        local_state.docker_config(kit).get("credsStore") == "pass",
        "~/.docker/config.json names no credential store: run the cell that writes `credsStore`.",
    )
    require(
        not local_state.logged_in(registry),
        f"Credentials for {registry.address} are still stored: run the `docker logout` cell.",
    )
    show(registry, f"{credential_helper.HELPER} list")
    store = kit.home / ".password-store" / "docker-credential-helpers"
    require(
        store.is_dir(),
        "The password store holds nothing Docker put there: run the `docker login` cell.",
    )
    require(
        not any(store.iterdir()),
        "The password store still holds a login: run the `docker logout` cell.",
    )
    require(
        not credential_helper.agent_runs(kit.home, kit.command_path),
        "The GnuPG agent of the key still runs: run the `gpgconf --kill gpg-agent` cell.",
    )
    return (
        "Docker kept the login in pass, not in config.json, docker logout took it out of the "
        "store, and the key's agent is stopped"
    )


CHECK: dict[str, Callable[[Registry], str]] = {
    "cleanup": _check_cleanup,
    "helper": _check_helper,
}
