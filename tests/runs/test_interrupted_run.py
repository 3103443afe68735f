"""A test run stopped by Ctrl-C, or by Ctrl-C and then kill -9, leaves nothing behind.

Each test starts a whole test command of its own (two xdist workers, each with a private
engine and the notebooks), in a process group of its own as a terminal would run it, waits
until both engines run a registry, and interrupts it. What "nothing" means is checked by
``leftovers``: engine folders, bridges, mounts, containers and any process of that run.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import docker
import docker.errors
import psutil
import pytest

from helpers import settings, waiting
from helpers.engine import private as private_engine
from helpers.kit import Kit, kernels_folder
from helpers.paths import PROJECT_ROOT
from tests.plugins.run_config import RunConfig

WORKERS = ("gw0", "gw1")
XDIST_GRACE = 10.0
"""How long xdist waits for its workers to finish after the run ends (``EXIT_TIMEOUT``)."""


pytestmark = pytest.mark.every_session  # `down --all`, and engines only a run's own engine has


@pytest.fixture
def run_name(kit: Kit) -> Iterator[str]:
    """A session name for the interrupted run; whatever it left is cleared afterwards."""
    if not private_engine.supported():
        pytest.skip("an interrupted run's private engines need Linux and root")
    name = f"{kit.session}-interrupted"
    yield name
    for worker in WORKERS:
        private_engine.PrivateEngine(f"{name}-{worker}").stop()


def _start_run(name: str, run_config: RunConfig) -> subprocess.Popen[bytes]:
    """Start the test command on the notebooks, as ``scripts/test`` runs it, in a new session
    and process group (what a terminal makes of a foreground command)."""
    environment = run_config.environment
    xdist = [name for name in environment.variables if name.startswith("PYTEST_XDIST")]
    inherited = environment.without(*xdist, "DOCKER_HOST")  # it starts engines of its own
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-n", "2",
         "--dist", "each", "--nbval", "notebooks"],
        cwd=PROJECT_ROOT,
        env=inherited.child(KIT_SESSION=name),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip


def _registry_runs(engine: private_engine.PrivateEngine) -> bool:
    try:
        client = docker.DockerClient(base_url=engine.host, timeout=5)
        return bool(client.containers.list(filters={"label": settings.LABEL}))
    except docker.errors.DockerException:
        return False


def _wait_until_registries_run(name: str, run: subprocess.Popen[bytes]) -> None:
    engines = [private_engine.PrivateEngine(f"{name}-{worker}") for worker in WORKERS]

    def running() -> bool:
        assert run.poll() is None, "the run ended before it could be interrupted"
        return all(_registry_runs(engine) for engine in engines)

    assert waiting.until(running, timeout=300, interval=0.2), "the run's registries never started"


def _processes_of(name: str) -> list[str]:
    """Return the processes whose session (``KIT_SESSION``, a worker's included) or command
    line names the run's session."""
    found = []
    for process in psutil.process_iter(["environ", "cmdline"]):
        if process.pid == os.getpid():
            continue
        session = (process.info["environ"] or {}).get("KIT_SESSION", "")
        command = " ".join(process.info["cmdline"] or [])
        if session.startswith(name) or name in command:
            found.append(f"{process.pid}: {command}")
    return found


def leftovers(name: str) -> list[str]:
    """Return what the run ``name`` left: folders, bridges, mounts and processes."""
    left = []
    for worker in WORKERS:
        engine = private_engine.PrivateEngine(f"{name}-{worker}")
        left += [str(p) for p in (engine.exec_root, engine.data_root) if p.exists()]
        bridge = subprocess.run(["ip", "link", "show", engine.bridge], capture_output=True)
        left += [f"bridge {engine.bridge}"] if bridge.returncode == 0 else []
        mounts = [part.mountpoint for part in psutil.disk_partitions(all=True)]
        left += [f"mount {point}" for point in mounts if name in point]
    return left + _processes_of(name)


def leftovers_after_a_moment(name: str) -> list[str]:
    """Return what the run left once what is still ending has ended: kernels notice their
    parent's end once a second, and processes being killed take a moment to go."""
    waiting.until(lambda: not leftovers(name), timeout=5, interval=0.2)
    return leftovers(name)


def _wait_until_dead(group: int) -> None:
    """Wait until every process of a killed process group has exited (zombies count: no one
    may reap them soon); a process still tearing down would count as a live test run."""

    def dead() -> bool:
        states = []
        for process in psutil.process_iter():
            with contextlib.suppress(psutil.Error, ProcessLookupError):
                if os.getpgid(process.pid) == group:
                    states.append(process.status())
        return all(state == psutil.STATUS_ZOMBIE for state in states)

    waiting.until(dead, timeout=10, interval=0.1)


def _interrupt(run: subprocess.Popen[bytes]) -> None:
    os.killpg(run.pid, signal.SIGINT)  # Ctrl-C: the whole foreground process group


def test_ctrl_c_stops_the_run_and_its_engines_within_xdists_grace(
    run_name: str, run_config: RunConfig
) -> None:
    """After Ctrl-C the run ends, within xdist's grace for its workers, and its private
    engines, registries, kernels and bridges are all gone without any clean-up command."""
    run = _start_run(run_name, run_config)
    try:
        _wait_until_registries_run(run_name, run)
        _interrupt(run)
        run.wait(XDIST_GRACE + 20)  # the controller's own reporting, on top of the grace
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    assert leftovers_after_a_moment(run_name) == []


def test_ctrl_c_then_kill_9_leaves_nothing_after_down_all(
    run_name: str, run_config: RunConfig
) -> None:
    """Ctrl-C, then kill -9 on the whole run before it could clean up: the next
    `python -m helpers down --all` removes all it left."""
    run = _start_run(run_name, run_config)
    try:
        _wait_until_registries_run(run_name, run)
        _interrupt(run)
        time.sleep(0.5)
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    _wait_until_dead(run.pid)
    assert leftovers(run_name) != [], "kill -9 left the engines for `down --all` to find"
    down = [sys.executable, "-m", "helpers", "down", "--all"]
    done = subprocess.run(
        down, cwd=PROJECT_ROOT, env=run_config.child(), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert leftovers_after_a_moment(run_name) == []
    kernels = [str(f) for w in WORKERS for f in kernels_folder(f"{run_name}-{w}").glob("*")]
    assert kernels == [], "kernels' connection files outlived `down --all`"
