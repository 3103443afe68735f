"""Find the Docker engine the kit talks to, as the docker CLI would (``bootstrap`` installs and
starts one on a bare Debian/Ubuntu machine as root).

An engine that already answers is used as it is: the kit never restarts or reconfigures it.
"""

from __future__ import annotations

import contextlib
import functools
from typing import Any

import docker
import docker.errors
import requests
from docker.context import ContextAPI

from helpers.environment import Environment, current
from helpers.errors import EngineUnavailable

DEFAULT_HOST = "unix:///var/run/docker.sock"


def _settings(environment: Environment) -> dict[str, Any]:
    """Return where and how to reach the engine, decided as the docker CLI decides it:
    ``$DOCKER_HOST`` (with ``$DOCKER_TLS_VERIFY`` and ``$DOCKER_CERT_PATH``), else the current
    docker context (``$DOCKER_CONTEXT``, else ``currentContext`` in the user's Docker config,
    read and never written: Docker Desktop's, Colima's or rootless Docker's socket), else the
    default socket."""
    if environment.docker_host:
        return dict(docker.utils.kwargs_from_env(environment=dict(environment.variables)))
    with contextlib.suppress(docker.errors.DockerException, OSError, ValueError):
        found = ContextAPI.kwargs_from_context()
        if found.get("base_url"):
            return dict(found)
    return {"base_url": DEFAULT_HOST}


def engine_host(environment: Environment) -> str:
    """Return where the kit finds the engine in ``environment`` (see ``_settings``)."""
    return str(_settings(environment)["base_url"])


def reach(host: str, environment: Environment) -> docker.DockerClient | Exception:
    """Return a client of the engine at ``host`` if it answers, else the error that stopped
    it (TLS settings come with ``$DOCKER_HOST`` only when that is the host)."""
    settings = _settings(environment)
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


def no_engine(host: str, error: Exception) -> EngineUnavailable:
    """Say in one sentence why the engine at ``host`` does not answer."""
    if permission_denied(error):
        return EngineUnavailable(
            f"The Docker engine at {host} refuses this user: permission denied on its "
            "socket. Add yourself to the docker group (`sudo usermod -aG docker $USER`, then "
            "log in again), or use Docker Desktop or rootless Docker, then try again."
        )
    return EngineUnavailable(
        f"No Docker engine answers at {host}. Start Docker (Docker Desktop, or "
        "`sudo systemctl start docker`), or run `scripts/setup` as root on Debian/Ubuntu "
        "to install and start one, then try again."
    )


def client() -> docker.DockerClient:
    """Return the client of the engine this process's environment names (for the entry
    points that have no kit: ``Kit.client`` is the kit's), or explain in a sentence why none
    answers (none runs, or this user may not use its socket)."""
    environment = current()
    return client_of(engine_host(environment), environment)


def client_of(host: str, environment: Environment) -> docker.DockerClient:
    """Return the client of the engine at ``host``, made once per engine and TLS settings; or
    explain in a sentence why it does not answer."""
    tls = environment.docker_tls() if environment.docker_host == host else {}
    return _client(host, tuple(sorted(tls.items())))


@functools.cache
def _client(host: str, tls: tuple[tuple[str, str], ...]) -> docker.DockerClient:
    environment = Environment({"DOCKER_HOST": host, **dict(tls)})
    found = reach(host, environment)
    if isinstance(found, Exception):
        raise no_engine(host, found)
    return found
