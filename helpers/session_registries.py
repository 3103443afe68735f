"""Each session's registry: find the one running, remove those a crashed run left, or start one.

A kit registry container carries its session's name in a label (``settings.SESSION_LABEL``),
so the kit finds a session's registry again from another process, and ``down`` removes only
what is its own.
"""

from __future__ import annotations

import docker

from helpers import engine, settings
from helpers.paths import session_name
from helpers.registry import Registry, remove_container


def _session_containers(session: str | None) -> list[docker.models.containers.Container]:
    label = f"{settings.SESSION_LABEL}={session}" if session else settings.SESSION_LABEL
    found: list[docker.models.containers.Container] = engine.client().containers.list(
        all=True, filters={"label": label}
    )
    return found


def running_registry(session: str | None = None) -> Registry | None:
    """Return the session's registry if it is running and answers, else ``None``."""
    session = session or session_name()
    for container in _session_containers(session):
        if container.status != "running":
            continue
        bindings = container.attrs["NetworkSettings"]["Ports"].get("5000/tcp") or []
        if not bindings:
            continue
        found = Registry(session)  # its port is the one the kit chose, not a fixed one
        found.port = int(bindings[0]["HostPort"])
        found.container = container
        if found.answers():
            return found
    return None


def remove_leftovers(session: str | None = None) -> int:
    """Remove kit registry containers (and volumes) of a session, or of all sessions."""
    containers = _session_containers(session)
    for container in containers:
        remove_container(container)
    return len(containers)


def kit_registry(session: str | None = None) -> Registry:
    """Return the session's running registry, or clear leftovers and start a fresh one."""
    session = session or session_name()
    found = running_registry(session)
    if found is not None:
        return found
    remove_leftovers(session)
    return Registry(session).start()
