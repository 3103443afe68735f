"""The private engines that let test workers run side by side: they run containers with
published ports, and leave nothing behind, not even when the run that started one is killed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import docker
import pytest

from helpers import engine, private_engine
from helpers.paths import session_name
from helpers.private_engine import PrivateEngine

pytestmark = pytest.mark.skipif(
    not private_engine.supported(), reason="private engines need Linux, root and dockerd"
)


def _traces(engine: PrivateEngine) -> list[str]:
    """Return what is left of an engine: its folders, log, bridge and mounts."""
    left = [str(p) for p in (engine.exec_root, engine.data_root, engine.log) if p.exists()]
    link = subprocess.run(["ip", "link", "show", engine.bridge], capture_output=True)
    if link.returncode == 0:
        left.append(f"bridge {engine.bridge}")
    mounts = Path("/proc/self/mountinfo").read_text()
    left += [
        f"mount under {root}"
        for root in (engine.exec_root, engine.data_root)
        if f" {root}/" in mounts or f" {root} " in mounts
    ]
    return left


def test_down_all_stops_the_engine_of_a_killed_run_and_it_leaves_nothing(cli):
    """An engine whose run ended without stopping it is an orphan: `down --all` stops it, and
    then its dockerd, bridge, folders and mounts are gone. The engine this test runs on (its
    worker's private engine, whose run is still going) keeps running.

    That private engines publish ports without iptables, every registry of the run shows.
    """
    orphan = PrivateEngine(f"{session_name()}-orphan")
    killed_run = (
        f"from helpers import private_engine as p; p.PrivateEngine({orphan.name!r}).start()"
    )
    try:
        subprocess.run([sys.executable, "-c", killed_run], check=True, timeout=120)
        assert docker.DockerClient(base_url=orphan.host).ping()
        pid = int((orphan.exec_root / "dockerd.pid").read_text())
        done = cli("down", "--all")
        assert done.returncode == 0, done.stderr
        assert done.stdout.endswith(", and 1 private engine(s) of killed test runs.\n")
        assert not Path(f"/proc/{pid}").exists() or " Z " in Path(f"/proc/{pid}/stat").read_text()
        assert _traces(orphan) == []
        assert engine.client().ping()
    finally:
        orphan.stop()
