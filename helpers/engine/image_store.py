"""The two image stores a learner's engine may use, and how to tell which one is at hand.

Docker Engine up to 28 on Linux keeps images in its classic store (graph drivers such as
overlay2), which prints what the guide shows. Docker Desktop 4.34+ and fresh installs of
Docker Engine 29+ keep them in containerd's store, which prints other IMAGE IDs, other pull
lines and other error texts. Each store is a *profile*: the kit stores and verifies the
outputs of both.
"""

from __future__ import annotations

from dataclasses import dataclass

import docker

CLASSIC = "classic"
CONTAINERD = "containerd"

SNAPSHOTTER_DRIVER_TYPE = "io.containerd.snapshotter.v1"
"""What ``docker info`` lists as ``driver-type`` when images live in containerd's store."""


@dataclass(frozen=True)
class Profile:
    """One image store, as the site labels it for the learners who see its output."""

    name: str
    who_sees_it: str


PROFILES = {
    CLASSIC: Profile(CLASSIC, "classic image store (Linux engines up to 28, and upgraded ones)"),
    CONTAINERD: Profile(
        CONTAINERD, "containerd image store (Docker Desktop; new installs of Engine 29+)"
    ),
}


def detect(client: docker.DockerClient) -> str:
    """Return the profile of the engine's image store, read from ``docker info``."""
    status = client.info().get("DriverStatus") or []
    uses_containerd = any(
        len(pair) == 2 and pair[0] == "driver-type" and pair[1] == SNAPSHOTTER_DRIVER_TYPE
        for pair in status
    )
    return CONTAINERD if uses_containerd else CLASSIC
