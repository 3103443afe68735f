"""Find the Docker engine the kit talks to, as the docker CLI would (``bootstrap`` installs and
starts one on a bare Debian/Ubuntu machine as root).

An engine that already answers is used as it is: the kit never restarts or reconfigures it.
"""

from __future__ import annotations

import contextlib
import functools
import os
from typing import Any

import docker
import docker.errors
import requests
from docker.context import ContextAPI

from helpers.errors import EngineUnavailable

DEFAULT_HOST = "unix:///var/run/docker.sock"


def _settings() -> dict[str, Any]:
    """Return where and how to reach the engine, decided as the docker CLI decides it:
    ``$DOCKER_HOST`` (with ``$DOCKER_TLS_VERIFY`` and ``$DOCKER_CERT_PATH``), else the current
    docker context (``$DOCKER_CONTEXT``, else ``currentContext`` in the user's Docker config,
    read and never written: Docker Desktop's, Colima's or rootless Docker's socket), else the
    default socket."""
    if os.environ.get("DOCKER_HOST"):
        return dict(docker.utils.kwargs_from_env())
    with contextlib.suppress(docker.errors.DockerException, OSError, ValueError):
        found = ContextAPI.kwargs_from_context()
        if found.get("base_url"):
            return dict(found)
    return {"base_url": DEFAULT_HOST}


def engine_host() -> str:
    """Return where the kit finds the engine (see ``_settings``)."""
    return str(_settings()["base_url"])


def reach(host: str) -> docker.DockerClient | Exception:
    """Return a client of the engine at ``host`` if it answers, else the error that stopped
    it (TLS settings come with ``$DOCKER_HOST`` only when that is the host)."""
    settings = _settings()
    if settings["base_url"] != host:
        settings = {"base_url": host}
    try:
        client = docker.DockerClient(**settings, timeout=30)
        client.ping()
    except (docker.errors.DockerException, requests.exceptions.RequestException, OSError) as error:
        return error
    return client


def permission_denied(error: BaseException | None) -> bool:
    """Tell whether an error comes from a socket this user may not open (a user outside the
    ``docker`` group), however deep the SDK, requests and urllib3 wrapped it."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, PermissionError):
            return True
        if any(isinstance(arg, PermissionError) for arg in error.args):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def no_engine(error: Exception) -> EngineUnavailable:
    if permission_denied(error):
        return EngineUnavailable(
            f"The Docker engine at {engine_host()} refuses this user: permission denied on its "
            "socket. Add yourself to the docker group (`sudo usermod -aG docker $USER`, then "
            "log in again), or use Docker Desktop or rootless Docker, then try again."
        )
    return EngineUnavailable(
        f"No Docker engine answers at {engine_host()}. Start Docker (Docker Desktop, or "
        "`sudo systemctl start docker`), or run `scripts/setup` as root on Debian/Ubuntu "
        "to install and start one, then try again."
    )


def client() -> docker.DockerClient:
    """Return the client of the engine the kit finds now (``engine_host``), made once per
    engine; or explain in a sentence why no engine answers (none runs, or this user may not
    use its socket). A process pointed at another engine since (a test worker at its private
    one) gets that engine's client: nothing is cleared by hand."""
    return client_of(engine_host())


@functools.cache
def client_of(host: str) -> docker.DockerClient:
    """Return the client of the engine at ``host``, made once; or explain in a sentence why
    it does not answer."""
    found = reach(host)
    if isinstance(found, Exception):
        raise no_engine(found)
    return found
