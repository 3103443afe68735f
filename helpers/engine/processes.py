"""Processes and mounts a private engine leaves, read through psutil."""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path

import psutil

from helpers import waiting


def terminate(pid: int, timeout: float) -> None:
    """Ask dockerd to shut down (it stops its containers and containerd), then insist."""
    os.kill(pid, signal.SIGTERM)

    if waiting.until(lambda: not alive(pid), timeout=timeout, interval=0.05):
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)  # it leads its own process group (start_new_session)


def alive(pid: int) -> bool:
    """Tell whether a process runs: a zombie has ended, though no one has reaped it yet (PID 1
    may be slow to, or never do, in a container)."""
    return psutil.pid_exists(pid) and not is_zombie(pid)


def is_zombie(pid: int) -> bool:
    try:
        return bool(psutil.Process(pid).status() == psutil.STATUS_ZOMBIE)
    except psutil.Error:
        return False


def mounts_under(*roots: Path) -> list[str]:
    """Return the mount points below the given folders, deepest first."""
    points = [partition.mountpoint for partition in psutil.disk_partitions(all=True)]
    under = [p for p in points if any(p == str(r) or p.startswith(f"{r}/") for r in roots)]
    return sorted(under, key=len, reverse=True)


def dockerd_of(exec_root: Path) -> int | None:
    """Return the pid of the dockerd whose exec root is ``exec_root``, if it runs: its pid
    file's number, only if that process is still a dockerd of that root (a pid is reused)."""
    try:
        pid = int((exec_root / "dockerd.pid").read_text().strip())
        command = psutil.Process(pid).cmdline()
    except (OSError, ValueError, psutil.Error):
        return None
    if not command or not command[0].endswith("dockerd"):
        return None
    return pid if str(exec_root) in " ".join(command) else None
