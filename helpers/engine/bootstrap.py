"""Install and start a Docker engine on a bare Debian/Ubuntu machine as root, when none answers.

An engine that already answers is used as it is: the kit never restarts or reconfigures it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import psutil

from helpers import waiting
from helpers.engine import apt
from helpers.engine.host import DEFAULT_HOST, engine_host, no_engine, permission_denied, reach
from helpers.environment import Environment, state_dir
from helpers.errors import EngineUnavailable

ENGINE_PACKAGES = ["docker.io"]
START_TIMEOUT = 60.0
DOCKERD_PID_FILE = Path("/var/run/docker.pid")
SYSTEMD_UNIT = "docker.service"


def can_bootstrap(environment: Environment) -> bool:
    """Tell whether this machine lets the kit install and start an engine itself, for the
    engine ``environment`` names."""
    return (
        os.name == "posix"
        and hasattr(os, "geteuid")
        and os.geteuid() == 0
        and Path("/etc/debian_version").exists()
        and shutil.which("apt-get") is not None
        and engine_host(environment) == DEFAULT_HOST  # not an engine the user chose elsewhere
    )


def _dockerd_running() -> bool:
    try:
        return bool(psutil.Process(int(DOCKERD_PID_FILE.read_text().strip())).name() == "dockerd")
    except (OSError, ValueError, psutil.Error):
        return False


def _start_dockerd() -> subprocess.Popen[bytes]:
    log = state_dir() / "dockerd.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        return subprocess.Popen(
            ["dockerd"], stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _systemd_owns_docker() -> bool:
    """Tell whether systemd runs this machine and has Docker's unit (docker.io and docker-ce
    both install one): then starting the engine is systemd's job, with the user's settings."""
    if not Path("/run/systemd/system").is_dir() or shutil.which("systemctl") is None:
        return False
    found = subprocess.run(["systemctl", "cat", SYSTEMD_UNIT], capture_output=True)
    return found.returncode == 0


def _start_with_systemd() -> None:
    try:
        done = subprocess.run(
            ["systemctl", "start", SYSTEMD_UNIT],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        done = None
    if done is None or done.returncode != 0:
        said = " ".join(done.stderr.split()) if done else f"no answer in {START_TIMEOUT:.0f} s"
        raise EngineUnavailable(
            f"`systemctl start {SYSTEMD_UNIT}` failed ({said}); `journalctl -u docker` says why."
        )


def ensure_engine(
    environment: Environment, progress: Callable[[str], None] = lambda line: None
) -> str:
    """Make sure an engine answers, installing and starting one if allowed; say what was done
    (``progress`` hears a line before an install or a start by systemd).

    Where systemd has Docker's unit, systemd starts it; a bare ``dockerd`` is only for machines
    without systemd (containers, WSL without systemd)."""
    host = engine_host(environment)
    found = reach(host, environment)
    if not isinstance(found, Exception):
        return "running"
    if permission_denied(found) or not can_bootstrap(environment):
        raise no_engine(host, found)  # an engine this user may not use is not started again
    if shutil.which("dockerd") is None:
        apt.install(ENGINE_PACKAGES, "no Docker engine answers, and the kit needs one", progress)
    process, how = None, "started"
    if _systemd_owns_docker():
        progress(f"starting Docker's engine with `systemctl start {SYSTEMD_UNIT}`")
        _start_with_systemd()
        how = "started by systemd"
    elif not _dockerd_running():
        process = _start_dockerd()

    def answering() -> bool:
        if not isinstance(reach(host, environment), Exception):
            return True
        if process is not None and process.poll() is not None:
            raise waiting.GiveUp  # the dockerd the kit started has exited
        return False

    if waiting.until(answering, timeout=START_TIMEOUT, interval=0.2):
        return how
    raise EngineUnavailable(
        f"dockerd did not answer within {START_TIMEOUT:.0f} s; its log is "
        f"{state_dir() / 'dockerd.log'}."
    )
