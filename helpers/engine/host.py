"""Find a Docker engine, or install and start one on a bare Debian/Ubuntu machine as root.

An engine that already answers is used as it is: the kit never restarts or reconfigures it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docker
import docker.errors
import psutil
import requests
from docker.context import ContextAPI

from helpers import waiting
from helpers.engine import apt
from helpers.errors import EngineUnavailable
from helpers.paths import state_dir

ENGINE_PACKAGES = ["docker.io"]
START_TIMEOUT = 60.0
DOCKERD_PID_FILE = Path("/var/run/docker.pid")
SYSTEMD_UNIT = "docker.service"


DEFAULT_HOST = "unix:///var/run/docker.sock"


def _settings() -> dict[str, Any]:
    """Return where and how to reach the engine, decided as the docker CLI decides it:
    ``$DOCKER_HOST`` (with ``$DOCKER_TLS_VERIFY`` and ``$DOCKER_CERT_PATH``), else the current
    docker context (``$DOCKER_CONTEXT``, else ``currentContext`` in the user's Docker config,
    read and never written: Docker Desktop's, Colima's or rootless Docker's socket), else the
    default socket."""
    if os.environ.get("DOCKER_HOST"):
        return dict(docker.utils.kwargs_from_env())
    with contextlib.suppress(docker.errors.DockerException, OSError, ValueError):
        found = ContextAPI.kwargs_from_context()
        if found.get("base_url"):
            return dict(found)
    return {"base_url": DEFAULT_HOST}


def engine_host() -> str:
    """Return where the kit finds the engine (see ``_settings``)."""
    return str(_settings()["base_url"])


def _reach(host: str) -> docker.DockerClient | Exception:
    """Return a client of the engine at ``host`` if it answers, else the error that stopped
    it (TLS settings come with ``$DOCKER_HOST`` only when that is the host)."""
    settings = _settings()
    if settings["base_url"] != host:
        settings = {"base_url": host}
    try:
        client = docker.DockerClient(**settings, timeout=30)
        client.ping()
    except (docker.errors.DockerException, requests.exceptions.RequestException, OSError) as error:
        return error
    return client


def _permission_denied(error: BaseException | None) -> bool:
    """Tell whether an error comes from a socket this user may not open (a user outside the
    ``docker`` group), however deep the SDK, requests and urllib3 wrapped it."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, PermissionError):
            return True
        if any(isinstance(arg, PermissionError) for arg in error.args):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def _no_engine(error: Exception) -> EngineUnavailable:
    if _permission_denied(error):
        return EngineUnavailable(
            f"The Docker engine at {engine_host()} refuses this user: permission denied on its "
            "socket. Add yourself to the docker group (`sudo usermod -aG docker $USER`, then "
            "log in again), or use Docker Desktop or rootless Docker, then try again."
        )
    return EngineUnavailable(
        f"No Docker engine answers at {engine_host()}. Start Docker (Docker Desktop, or "
        "`sudo systemctl start docker`), or run `scripts/setup` as root on Debian/Ubuntu "
        "to install and start one, then try again."
    )


def client() -> docker.DockerClient:
    """Return the client of the engine the kit finds now (``engine_host``), made once per
    engine; or explain in a sentence why no engine answers (none runs, or this user may not
    use its socket). A process pointed at another engine since (a test worker at its private
    one) gets that engine's client: nothing is cleared by hand."""
    return client_of(engine_host())


@functools.cache
def client_of(host: str) -> docker.DockerClient:
    """Return the client of the engine at ``host``, made once; or explain in a sentence why
    it does not answer."""
    found = _reach(host)
    if isinstance(found, Exception):
        raise _no_engine(found)
    return found


def can_bootstrap() -> bool:
    """Tell whether this machine lets the kit install and start an engine itself."""
    return (
        os.name == "posix"
        and hasattr(os, "geteuid")
        and os.geteuid() == 0
        and Path("/etc/debian_version").exists()
        and shutil.which("apt-get") is not None
        and engine_host() == DEFAULT_HOST  # not an engine the user chose elsewhere
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


def ensure_engine(progress: Callable[[str], None] = lambda line: None) -> str:
    """Make sure an engine answers, installing and starting one if allowed; say what was done
    (``progress`` hears a line before an install or a start by systemd).

    Where systemd has Docker's unit, systemd starts it; a bare ``dockerd`` is only for machines
    without systemd (containers, WSL without systemd)."""
    found = _reach(engine_host())
    if not isinstance(found, Exception):
        return "running"
    if _permission_denied(found) or not can_bootstrap():
        raise _no_engine(found)  # an engine this user may not use is not started again
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
        if not isinstance(_reach(engine_host()), Exception):
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
