"""Each session's registry: find the one running, remove those a crashed run left, or start one.

A kit registry container carries its session's name in a label (``settings.SESSION_LABEL``),
so the kit finds a session's registry again from another process, and ``down`` removes only
what is its own.
"""

from __future__ import annotations

import docker

from helpers import settings
from helpers.kit import Kit
from helpers.registry.container import ROLE, Registry, remove_container


def _session_containers(
    kit: Kit, every_session: bool = False
) -> list[docker.models.containers.Container]:
    label = settings.SESSION_LABEL if every_session else f"{settings.SESSION_LABEL}={kit.session}"
    found: list[docker.models.containers.Container] = kit.client().containers.list(
        all=True, filters={"label": label}
    )
    return found


def running_registry(kit: Kit) -> Registry | None:
    """Return the session's registry if it is running and answers, else ``None``."""
    for container in _session_containers(kit):
        if container.status != "running" or container.labels.get(settings.LABEL) != ROLE:
            continue
        bindings = container.attrs["NetworkSettings"]["Ports"].get("5000/tcp") or []
        if not bindings:
            continue
        found = Registry(kit)  # its port is the one the kit chose, not a fixed one
        found.port = int(bindings[0]["HostPort"])
        found.container = container
        if found.answers():
            return found
    return None


def remove_leftovers(kit: Kit, every_session: bool = False) -> int:
    """Remove the kit registry containers (and volumes) of the session, or of every session on
    its engine; return how many there were."""
    containers = _session_containers(kit, every_session)
    for container in containers:
        remove_container(container)
    return len(containers)


def kit_registry(kit: Kit) -> Registry:
    """Return the session's running registry, or clear leftovers and start a fresh one."""
    found = running_registry(kit)
    if found is not None:
        return found
    remove_leftovers(kit)
    return Registry(kit).start()
