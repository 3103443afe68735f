"""``down --all`` removes the kernel connection files a killed run left, and no live run's."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from helpers import waiting
from helpers.engine import processes
from helpers.engine.image_store import CONTAINERD
from helpers.lesson import jupyter_kernel

pytestmark = pytest.mark.one_store(CONTAINERD)  # no store changes it


def test_only_a_killed_runs_connection_files_are_forgotten(tmp_path: Path) -> None:
    """A file named after a process that runs stays (its kernel may be read at any moment);
    one named after a process that ended goes, a zombie's too (a killed run's worker, not yet
    reaped), and so does one of the older, unnamed kind."""
    live = subprocess.Popen(["sleep", "60"])
    ended = subprocess.Popen(["sleep", "0"])
    ended.wait()
    zombie = subprocess.Popen(["sleep", "0"])  # ended, and not reaped until it is waited for
    waiting.until(lambda: processes.is_zombie(zombie.pid), timeout=10, interval=0.01)
    folder = tmp_path / "kernels"
    folder.mkdir()
    kept = folder / f"kernel-{live.pid}-1b2c.json"
    gone = [
        folder / f"kernel-{ended.pid}-3d4e.json",
        folder / f"kernel-{zombie.pid}-7a8b.json",
        folder / "kernel-5f6a.json",
    ]
    for path in (kept, *gone):
        path.write_text("{}")
    try:
        assert jupyter_kernel.forget_dead_kernels(folder) == 3
        assert sorted(folder.iterdir()) == [kept]
    finally:
        live.kill()
        live.wait()
        zombie.wait()
    assert jupyter_kernel.forget_dead_kernels(folder) == 1
    assert folder.is_dir() and not list(folder.iterdir())  # a starting run may have just made it
