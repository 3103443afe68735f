"""A registry's HTTP API (Docker Registry HTTP API V2), as the kit asks it.

One client for everything that talks to a registry over HTTP: the readiness probe, the steps'
set-ups and checks, the tests and the benchmark. A push stores a Docker or an OCI manifest,
depending on the engine's image store and version, and an image built with BuildKit is an
index of manifests, so every manifest request accepts all four (``ACCEPTED``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

from helpers import settings

DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
ACCEPTED = (DOCKER_MANIFEST, OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST_LIST)
"""Every form a tag may name: one image's manifest (Docker's or OCI's), or an index of several
(OCI's, or Docker's manifest list), as BuildKit pushes an image with attestations."""
MANIFEST_TYPES = ", ".join(ACCEPTED)
DEMO_LOGIN = (settings.DEMO_USER, settings.DEMO_PASSWORD)


@dataclass(frozen=True)
class RegistryAPI:
    """The API of the registry at ``url`` (``http://127.0.0.1:PORT``), asked with a login."""

    url: str
    login: tuple[str, str] = DEMO_LOGIN
    timeout: float = 5.0

    def ready(self) -> bool:
        """Tell whether ``GET /v2/`` without a login answers 401: the server is up, and
        its htpasswd auth too."""
        try:
            return requests.get(f"{self.url}/v2/", timeout=1).status_code == 401
        except requests.exceptions.RequestException:
            return False

    def _get(self, path: str, method: str = "GET") -> requests.Response:
        headers = {"Accept": MANIFEST_TYPES}
        return requests.request(
            method, f"{self.url}{path}", auth=self.login, headers=headers, timeout=self.timeout
        )

    def repositories(self) -> list[str]:
        """Return the repositories the registry has ever been pushed to (its catalog)."""
        response = self._get("/v2/_catalog")
        response.raise_for_status()
        return sorted(response.json().get("repositories") or [])

    def tags(self, repository: str) -> list[str]:
        """Return the tags the registry holds for a repository (none if it does not exist)."""
        response = self._get(f"/v2/{repository}/tags/list")
        if response.status_code == 404:
            return []
        response.raise_for_status()
        return sorted(response.json().get("tags") or [])

    def manifest(self, repository: str, tag: str) -> requests.Response:
        """Return the registry's answer for ``repository:tag``'s manifest."""
        response = self._get(f"/v2/{repository}/manifests/{tag}")
        response.raise_for_status()
        return response

    def has_blob(self, repository: str, digest: str) -> bool:
        """Tell whether the registry serves the blob (a layer or an image config) ``digest``
        through ``repository``."""
        response = self._get(f"/v2/{repository}/blobs/{digest}", method="HEAD")
        if response.status_code == 404:
            return False
        response.raise_for_status()
        return True

    def digest(self, repository: str, tag: str) -> str | None:
        """Return the manifest digest the registry serves for ``repository:tag``, if any."""
        response = self._get(f"/v2/{repository}/manifests/{tag}", method="HEAD")
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.headers.get("Docker-Content-Digest")

    def blobs(self, repository: str, tag: str) -> list[str]:
        """Return the digests of the image config and layers ``repository:tag``'s manifest
        names."""
        return blobs_of(self.manifest(repository, tag).json())


def blobs_of(manifest: dict[str, Any]) -> list[str]:
    """Return the digests of a manifest's image config and layers."""
    return [manifest["config"]["digest"], *(layer["digest"] for layer in manifest["layers"])]
