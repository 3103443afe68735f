"""The registry's settings, and the one ``docker run`` that starts the same registry by hand.

The kit starts its registry through the Docker SDK (``container``); a reader who has only
Docker starts it with ``docker_run`` as the terminal page prints it, and the benchmark's floor
with the same words. All three read ``ENVIRONMENT``.
"""

from __future__ import annotations

from collections.abc import Mapping

AUTH_FILE = "/auth/htpasswd"
"""Where the registry reads its ``htpasswd`` file."""
ENVIRONMENT = {
    "REGISTRY_AUTH": "htpasswd",
    "REGISTRY_AUTH_HTPASSWD_REALM": "docker-share-kit",
    "REGISTRY_AUTH_HTPASSWD_PATH": AUTH_FILE,
    "REGISTRY_STORAGE_DELETE_ENABLED": "true",
    # No in-memory blob cache: it would answer for blobs garbage collection removed until a
    # restart (the clean-up step says so).
    "REGISTRY_STORAGE_CACHE_BLOBDESCRIPTOR": "",
}
"""The registry's configuration: htpasswd logins, deletes enabled, no blob cache."""


def docker_run(
    name: str, port: str, htpasswd: str, image: str, labels: Mapping[str, str] | None = None
) -> str:
    """Return the ``docker run`` that starts the registry on ``127.0.0.1:port``, one option
    group per line. Each argument is a shell word as the caller wants it typed (``~/htpasswd``,
    or ``"$registry"`` in a script)."""
    environment = [f"--env {key}={value}" for key, value in ENVIRONMENT.items()]
    lines = [
        f"docker run --detach --name {name} --publish 127.0.0.1:{port}:5000",
        *(f"--label {key}={value}" for key, value in (labels or {}).items()),
        f"--volume {htpasswd}:{AUTH_FILE}:ro",
        *(" ".join(environment[i : i + 2]) for i in range(0, len(environment), 2)),
        image,
    ]
    return " \\\n  ".join(lines)
