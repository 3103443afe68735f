"""Ports on 127.0.0.1 for the kit's registries: 5000 as in the guide, else a free one."""

from __future__ import annotations

import socket
from collections.abc import Iterable

import docker.errors

from helpers import settings, waiting
from helpers.errors import RegistryError

RELEASE_TIMEOUT = 5.0
"""How long a removed registry's port may take to be free again."""


def is_free(port: int) -> bool:
    """Tell whether nothing listens on 127.0.0.1:port right now."""
    with socket.socket() as probe:
        # As servers do (docker-proxy too): connections closed a moment ago, still in
        # TIME_WAIT, do not make the port unusable; only a listener does.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def preferred(setting: str = "") -> int:
    """Return the port a registry tries first: 5000, as in the guide, or ``setting`` (the
    environment's ``$KIT_REGISTRY_PORT``, ``Environment.registry_port``).

    Test workers running side by side each prefer their own, so that one worker's registry
    restarting on its port never finds the other's there.
    """
    value = setting or str(settings.PREFERRED_PORT)
    if not value.isdigit() or not 1024 <= int(value) <= 9999:
        raise RegistryError(
            f"KIT_REGISTRY_PORT must be a port from 1024 to 9999, not {value!r}: set it to "
            "one such as 5000, or unset it, and try again."
        )
    return int(value)


def free(setting: str) -> int:
    """Return a free port on 127.0.0.1 above the preferred one (``preferred(setting)``: a
    worker's own, in a test run), four digits long like 5000 when one is free.

    Same-width addresses keep docker's table columns aligned as in the stored outputs.
    """
    for port in range(preferred(setting) + 1, 10000):
        if is_free(port):
            return port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def pick(setting: str = "", had: int | None = None) -> int:
    """Return the port a registry ``had`` when it is free again, else the preferred port
    (``preferred``) when it is free, else the next free one."""
    if had is not None and is_free(had):
        return had
    port = preferred(setting)
    return port if is_free(port) else free(setting)


def wait_until_released(ports: Iterable[int], interval: float) -> None:
    """Return once nothing listens on the ports any more (or ``RELEASE_TIMEOUT`` has passed).

    The engine releases a published port a moment after it removed the container; waiting
    means the next start sees port 5000 as it really is, instead of falling back to another.
    """
    waiting.until(
        lambda: all(is_free(port) for port in ports), timeout=RELEASE_TIMEOUT, interval=interval
    )


def taken_in(error: docker.errors.APIError) -> bool:
    """Tell whether the engine refused a container's start because its port is taken."""
    return "allocated" in str(error) or "address already in use" in str(error)


def start_failure(port: int | None, error: docker.errors.APIError) -> str:
    """Say in one sentence why a registry container did not start."""
    if taken_in(error):
        return f"Port {port} on 127.0.0.1 is taken; free it or choose another port."
    return f"The registry container could not start: {error.explanation or error}"
