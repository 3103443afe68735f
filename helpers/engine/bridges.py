"""The network bridges of private engines: one per engine, on a /24 of its own.

A private dockerd runs with ``--bridge`` set to one of these, so it neither touches the
host's ``docker0`` nor needs iptables rules; its containers reach each other and the host.
"""

from __future__ import annotations

import ipaddress
import re
import subprocess
from pathlib import Path

from filelock import FileLock

from helpers.errors import EngineUnavailable

LOCK = Path("/run/docker-share-kit.lock")
"""The machine-wide lock of what private engines share: the bridges' subnets, and the roots of
their folders (``private_engine``), which one engine's stop removes once they are empty."""
SUBNETS = ipaddress.IPv4Network("10.213.0.0/16")


def make(name: str) -> None:
    """Create the engine's bridge on a /24 no other interface or route of this host uses.

    Under a lock: two workers starting at once would otherwise pick the same subnet.
    """
    with FileLock(LOCK):
        subnet = free_subnet()
        gateway = f"{next(subnet.hosts())}/{subnet.prefixlen}"
        for command in (
            ["ip", "link", "add", name, "type", "bridge"],
            ["ip", "addr", "add", gateway, "dev", name],
            ["ip", "link", "set", name, "up"],
        ):
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode != 0:
                raise EngineUnavailable(
                    f"Could not make the network bridge {name} for a private engine: "
                    f"{done.stderr.strip()}"
                )


def free_subnet() -> ipaddress.IPv4Network:
    routes = subprocess.run(["ip", "-4", "route", "show", "table", "all"], capture_output=True)
    used = [
        ipaddress.ip_network(word, strict=False)
        for word in re.findall(rb"\b\d+\.\d+\.\d+\.\d+(?:/\d+)?\b", routes.stdout)
        for word in [word.decode()]
    ]
    for subnet in SUBNETS.subnets(new_prefix=24):
        if not any(subnet.overlaps(other) for other in used):
            return subnet
    raise EngineUnavailable(f"No free /24 in {SUBNETS} for a private engine's bridge.")


def delete(name: str) -> None:
    """Remove a bridge (nothing happens if it is gone)."""
    subprocess.run(["ip", "link", "delete", name], capture_output=True)
