"""Read the learner's real state on this machine: stored credentials and local images.

The step checks and the notebook set-up both ask these questions; nothing here changes state.
What the registry holds, they ask its API (``registry.api``).
"""

from __future__ import annotations

import base64
import json
from typing import Any

import docker.errors

from helpers.kit import Kit
from helpers.registry.container import Registry


def docker_config(kit: Kit) -> dict[str, Any]:
    """Return the session's ``config.json`` (empty if there is none)."""
    path = kit.docker_config / "config.json"
    return dict(json.loads(path.read_text())) if path.exists() else {}


def stored_auths(kit: Kit) -> dict[str, object]:
    """Return the ``auths`` section of the session's ``config.json`` (empty if there is none)."""
    return dict(docker_config(kit).get("auths") or {})


def logged_in(registry: Registry) -> bool:
    """Tell whether credentials for the registry are stored in its session's config."""
    return registry.address in stored_auths(registry.kit)


def local_image_id(client: docker.DockerClient, name: str) -> str | None:
    """Return the ID of a local image by name, or ``None`` if the engine has no such name."""
    try:
        return str(client.images.get(name).id)
    except docker.errors.ImageNotFound:
        return None


def local_repo_digests(client: docker.DockerClient, name: str) -> list[str]:
    """Return the ``repo@sha256:...`` digests the engine recorded for a local image."""
    try:
        return list(client.images.get(name).attrs.get("RepoDigests") or [])
    except docker.errors.ImageNotFound:
        return []


def stored_login(registry: Registry) -> str | None:
    """Return the ``user:password`` that ``config.json`` holds for the registry, if any (a
    credential store's entry holds none there)."""
    entry = stored_auths(registry.kit).get(registry.address)
    encoded = entry.get("auth") if isinstance(entry, dict) else None
    if not isinstance(encoded, str):
        return None
    try:
        return base64.b64decode(encoded, validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None


def engine_events(kit: Kit, since: str, until: str, **filters: str) -> list[dict[str, Any]]:
    """Return the engine's events between two of its moments (``seconds.nanoseconds``), oldest
    first, filtered as ``docker events --filter`` would (``type``, ``event``, ``image``)."""
    stream = kit.client().events(since=since, until=until, filters=filters, decode=True)
    return list(stream)
