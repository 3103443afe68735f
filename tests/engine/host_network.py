"""The host's network interfaces, for tests that run engines in namespaces of their own."""

from __future__ import annotations

import subprocess


def host_interfaces() -> set[str]:
    """Return the host's network interfaces, leaving out the kit's bridges and containers'
    veth pairs, which other test workers add and remove meanwhile."""
    shown = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True).stdout
    names = {line.split(": ")[1].split("@")[0] for line in shown.splitlines()}
    return {name for name in names if not name.startswith(("kit-", "veth"))}
