"""Keep a private engine off the machine's own containerd.

dockerd joins the containerd at ``/run/containerd/containerd.sock`` whenever that socket exists
(any systemd host with Docker), and on the containerd image store its images would then live in
the user's containerd, and stay there after the engine stops. In a mount namespace of its own,
with an empty tmpfs over that folder, dockerd finds no socket and starts its own containerd
under its exec root; its mounts vanish with it.
"""

from __future__ import annotations

from pathlib import Path

SOCKET = Path("/run/containerd/containerd.sock")
"""Where dockerd looks for a system containerd, and joins it if the socket exists."""


def hidden() -> list[str]:
    """Return the command prefix that runs a command with no system containerd in sight, if one
    runs (nothing otherwise). ``exec`` keeps the command's pid."""
    if not SOCKET.exists():
        return []
    hide = f'mount -t tmpfs docker-share-kit {SOCKET.parent} && exec "$@"'
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", hide, "sh"]
