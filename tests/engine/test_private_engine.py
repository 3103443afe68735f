"""The private engines that let test workers run side by side: they run containers with
published ports, and leave nothing behind, not even when the run that started one is killed."""

from __future__ import annotations

import subprocess
import sys

import docker
import psutil
import pytest

from helpers.engine import private as private_engine
from helpers.engine import processes
from helpers.engine.private import PrivateEngine
from helpers.errors import KitError
from helpers.kit import Kit

pytestmark = pytest.mark.skipif(
    not private_engine.supported(), reason="private engines need Linux, root and dockerd"
)


def _traces(engine: PrivateEngine) -> list[str]:
    """Return what is left of an engine: its folders, log, bridge and mounts."""
    left = [str(p) for p in (engine.exec_root, engine.data_root, engine.log) if p.exists()]
    link = subprocess.run(["ip", "link", "show", engine.bridge], capture_output=True)
    if link.returncode == 0:
        left.append(f"bridge {engine.bridge}")
    left += [
        f"mount {point}" for point in processes.mounts_under(engine.exec_root, engine.data_root)
    ]
    return left


@pytest.mark.every_session
def test_down_all_stops_the_engine_of_a_killed_run_and_it_leaves_nothing(kit, cli, run_config):
    """An engine whose run ended without stopping it is an orphan: `down --all` stops it, and
    then its dockerd, bridge, folders and mounts are gone. The engine this test runs on (its
    worker's private engine, whose run is still going) keeps running.

    That private engines publish ports without iptables, every registry of the run shows.
    """
    orphan = PrivateEngine(f"{kit.session}-orphan")
    killed_run = (
        f"from helpers.engine import private as p; p.PrivateEngine({orphan.name!r}).start()"
    )
    try:
        start = [sys.executable, "-c", killed_run]
        subprocess.run(start, env=run_config.child(), check=True, timeout=120)
        assert docker.DockerClient(base_url=orphan.host).ping()
        pid = int((orphan.exec_root / "dockerd.pid").read_text())
        done = cli("down", "--all")
        assert done.returncode == 0, done.stderr
        # Only this orphan: a whole-run test on the other worker, which kills runs on purpose,
        # waits for this one to end (``every_session`` in conftest.py).
        assert done.stdout.endswith(", and 1 private engine(s) of killed test runs.\n")
        assert not psutil.pid_exists(pid) or processes.is_zombie(pid)
        assert _traces(orphan) == []
        assert kit.client().ping()
    finally:
        orphan.stop()


def test_two_engines_of_one_run_never_share_a_bridge():
    """Bridge names are 15 characters at most; the two workers of a run with a long session
    name (``mytests2-gw0``, ``mytests2-gw1``) still get a bridge each."""
    names = ["mytests2-gw0", "mytests2-gw1", "test-gw0", "test-gw1", "record-containerd"]
    bridges = [PrivateEngine(name).bridge for name in names]
    assert len(set(bridges)) == len(names)
    assert all(len(bridge) <= 15 for bridge in bridges)


@pytest.mark.parametrize("name", [".", ".."])
def test_a_dot_name_is_refused(name: str, kit: Kit):
    """``.`` and ``..`` would put an engine's folders at ``/run`` and ``/var/lib``, which
    ``stop()`` removes: neither an engine nor a session may be named so."""
    with pytest.raises(ValueError):
        PrivateEngine(name)
    with pytest.raises(KitError):
        Kit.from_environment(name, environment=kit.environment)


def test_a_reused_pid_is_never_taken_for_the_engine(kit):
    """A pid file whose number now belongs to another process (pids are reused) names no
    engine: ``stop()`` must not signal that process."""
    other = subprocess.Popen(["sleep", "60"])
    idle = PrivateEngine(f"{kit.session}-pid")
    try:
        idle.exec_root.mkdir(parents=True)
        (idle.exec_root / "dockerd.pid").write_text(str(other.pid))
        assert processes.dockerd_of(idle.exec_root) is None
        idle.stop()
        assert other.poll() is None, "stop() signalled a process that is not its dockerd"
    finally:
        other.kill()
        other.wait()
        idle.stop()
