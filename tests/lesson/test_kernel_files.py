"""``down --all`` removes the kernel connection files a killed run left, and no live run's."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from helpers.engine.image_store import CONTAINERD
from helpers.lesson import jupyter_kernel

pytestmark = pytest.mark.one_store(CONTAINERD)  # no store changes it


def test_only_a_killed_runs_connection_files_are_forgotten(tmp_path: Path) -> None:
    """A file named after a process that runs stays (its kernel may be read at any moment);
    one named after a process that ended goes, and so does one of the older, unnamed kind."""
    live = subprocess.Popen(["sleep", "60"])
    ended = subprocess.Popen(["sleep", "0"])
    ended.wait()
    folder = tmp_path / "kernels"
    folder.mkdir()
    kept = folder / f"kernel-{live.pid}-1b2c.json"
    gone = [folder / f"kernel-{ended.pid}-3d4e.json", folder / "kernel-5f6a.json"]
    for path in (kept, *gone):
        path.write_text("{}")
    try:
        assert jupyter_kernel.forget_dead_kernels(folder) == 2
        assert sorted(folder.iterdir()) == [kept]
    finally:
        live.kill()
        live.wait()
    assert jupyter_kernel.forget_dead_kernels(folder) == 1
    assert not folder.exists()
