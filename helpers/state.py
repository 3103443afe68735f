"""Read the learner's real state: stored credentials, local images, the registry's tags.

The step checks and the notebook set-up both ask these questions; nothing here changes state.
"""

from __future__ import annotations

import json

import docker.errors
import requests

from helpers import engine, settings
from helpers.paths import docker_config_dir
from helpers.registry import Registry

DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MANIFEST_TYPES = f"{DOCKER_MANIFEST}, {OCI_MANIFEST}"
"""A push stores one of these, depending on the engine's image store and version."""


def stored_auths() -> dict[str, object]:
    """Return the ``auths`` section of the kit's ``config.json`` (empty if there is none)."""
    path = docker_config_dir() / "config.json"
    if not path.exists():
        return {}
    auths = json.loads(path.read_text()).get("auths") or {}
    return dict(auths)


def logged_in(registry: Registry) -> bool:
    """Tell whether credentials for the registry are stored in the kit's config."""
    return registry.address in stored_auths()


def local_image_id(name: str) -> str | None:
    """Return the ID of a local image by name, or ``None`` if the engine has no such name."""
    try:
        return str(engine.client().images.get(name).id)
    except docker.errors.ImageNotFound:
        return None


def local_repo_digests(name: str) -> list[str]:
    """Return the ``repo@sha256:...`` digests the engine recorded for a local image."""
    try:
        return list(engine.client().images.get(name).attrs.get("RepoDigests") or [])
    except docker.errors.ImageNotFound:
        return []


def _get(registry: Registry, path: str, method: str = "GET") -> requests.Response:
    auth = (settings.DEMO_USER, settings.DEMO_PASSWORD)
    headers = {"Accept": MANIFEST_TYPES}
    return requests.request(method, f"{registry.url}{path}", auth=auth, headers=headers, timeout=5)


def remote_repositories(registry: Registry) -> list[str]:
    """Return the repositories the registry has ever been pushed to (its catalog)."""
    response = _get(registry, "/v2/_catalog")
    response.raise_for_status()
    return sorted(response.json().get("repositories") or [])


def remote_tags(registry: Registry, repository: str) -> list[str]:
    """Return the tags the registry holds for a repository (none if it does not exist)."""
    response = _get(registry, f"/v2/{repository}/tags/list")
    if response.status_code == 404:
        return []
    response.raise_for_status()
    return sorted(response.json().get("tags") or [])


def remote_manifest(registry: Registry, repository: str, tag: str) -> requests.Response:
    """Return the registry's answer for ``repository:tag``'s manifest (Docker or OCI)."""
    response = _get(registry, f"/v2/{repository}/manifests/{tag}")
    response.raise_for_status()
    return response


def remote_digest(registry: Registry, repository: str, tag: str) -> str | None:
    """Return the manifest digest the registry serves for ``repository:tag``, if any."""
    response = _get(registry, f"/v2/{repository}/manifests/{tag}", method="HEAD")
    if response.status_code == 404:
        return None
    response.raise_for_status()
    return response.headers.get("Docker-Content-Digest")
