"""A throwaway Docker engine of the kit's own, beside the user's: each test worker runs on one,
and so does each engine-and-CLI pair that is recorded, verified or tried (regenerate, the
pairs' test, the canary).

The demo images belong to an engine, not to a session, and the pull step deletes them: two
workers on one engine would change each other's outputs. So on Linux, as root, each
pytest-xdist worker starts a ``dockerd`` of its own: its own data and exec roots, socket,
containerd and bridge, with no iptables rules (``docker-proxy`` publishes ports on 127.0.0.1).
The registry image is copied in from the main engine, unless the engine is to start bare (a
test worker's does, to verify a learner's first run). ``stop`` removes the engine with all it
holds, and ``start`` first clears what a killed run left under the same name (what a killed
run left while no other started again, ``orphan_engines`` finds).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import docker
import docker.errors
from filelock import FileLock

from helpers import environment, waiting
from helpers.engine import bridges, image_store, processes, system_containerd
from helpers.engine.debian import UnpackedEngine
from helpers.environment import Environment
from helpers.errors import EngineUnavailable
from helpers.registry import image as registry_image

RUN_ROOT = Path("/run/docker-share-kit")
DATA_ROOT = Path("/var/lib/docker-share-kit")
START_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0


def supported() -> bool:
    """Tell whether this machine lets the kit run engines of its own (Linux, root, dockerd)."""
    tools = ("dockerd", "ip", "unshare")
    return sys.platform.startswith("linux") and os.geteuid() == 0 and all(map(shutil.which, tools))


def available(environment: Environment) -> bool:
    """Tell whether test workers should use private engines: when the machine supports them
    and ``$DOCKER_HOST`` names no engine in ``environment`` (if it does, the user chose that
    one)."""
    return supported() and not environment.docker_host


class PrivateEngine:
    """The folders, socket and bridge of one private engine, named after a kit session.

    ``store`` is its image store (``image_store.CLASSIC`` or ``CONTAINERD``), set explicitly
    in its ``daemon.json``; ``binaries`` an unpacked newer docker.io, else the system's dockerd;
    ``settings`` more of ``daemon.json`` and ``service_environment`` more of dockerd's
    environment, as a learner's ``/etc/docker/daemon.json`` and systemd drop-in would add.
    """

    def __init__(
        self,
        name: str,
        store: str = image_store.CLASSIC,
        binaries: UnpackedEngine | None = None,
        settings: Mapping[str, object] | None = None,
        service_environment: Mapping[str, str] | None = None,
    ) -> None:
        if not re.fullmatch(r"[A-Za-z0-9_.-]{1,40}", name) or name in (".", ".."):
            raise ValueError(f"not a usable engine name: {name!r}")
        if store not in image_store.PROFILES:
            raise ValueError(f"not an image store: {store!r}")
        self.name = name
        self.store = store
        self.binaries = binaries
        self.settings = dict(settings or {})
        self.service_environment = dict(service_environment or {})

    @property
    def exec_root(self) -> Path:
        """Return the folder of its sockets and pid file (short, for socket path limits)."""
        return RUN_ROOT / self.name

    @property
    def data_root(self) -> Path:
        """Return the folder of its images and containers."""
        return DATA_ROOT / self.name

    @property
    def host(self) -> str:
        """Return its address, the value ``$DOCKER_HOST`` takes to use it."""
        return f"unix://{self.exec_root / 'docker.sock'}"

    @property
    def bridge(self) -> str:
        """Return the name of its network bridge: at most 15 characters, as Linux requires, so
        a hash of the engine's name (cut, two names of one run would share a bridge)."""
        return f"kit-{hashlib.sha256(self.name.encode()).hexdigest()[:11]}"

    @property
    def log(self) -> Path:
        """Return the file dockerd logs to; kept after ``stop`` only if the start failed."""
        return DATA_ROOT / f"{self.name}.log"

    def start(self, *, copy_registry_image: bool = True) -> str:
        """Start the engine, with the main engine's registry image copied in unless told not
        to (a bare engine, as on a learner's first run); return its ``$DOCKER_HOST``."""
        self.stop()
        process = None
        try:
            with FileLock(bridges.LOCK):  # another engine's stop may remove an empty root
                self.exec_root.mkdir(parents=True)
                self.data_root.mkdir(parents=True)
            bridges.make(self.bridge)
            (self.exec_root / "owner").write_text(str(os.getpid()))
            config = self.exec_root / "daemon.json"  # not /etc/docker/daemon.json: the user's
            snapshotter = {"containerd-snapshotter": self.store == image_store.CONTAINERD}
            config.write_text(json.dumps({"features": snapshotter, **self.settings}))
            with self.log.open("wb") as out:
                process = subprocess.Popen(
                    [
                        *system_containerd.hidden(),
                        str(self.binaries.dockerd) if self.binaries else "dockerd",
                        f"--config-file={config}",
                        f"--host={self.host}",
                        f"--data-root={self.data_root}",
                        f"--exec-root={self.exec_root}",
                        f"--pidfile={self.exec_root / 'dockerd.pid'}",
                        f"--bridge={self.bridge}",
                        "--iptables=false",
                        "--ip-forward=false",
                        "--ip-masq=false",
                        # its own namespaces too, should it ever share a containerd
                        f"--containerd-namespace=kit-{self.name}",
                        f"--containerd-plugins-namespace=kit-{self.name}-plugins",
                        *self._proxy_option(),
                        "--log-level=warn",
                    ],
                    env=self._environment(),
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            client = self._wait_until_it_answers(process)
            if copy_registry_image:
                registry_image.copy_from_main_engine(client)
        except BaseException:  # an interrupted or failed start leaves nothing behind
            if process is not None and process.poll() is None:
                processes.terminate(process.pid, STOP_TIMEOUT)  # no pid file yet, maybe
            self.stop(keep_log=True)
            raise
        return self.host

    def _proxy_option(self) -> list[str]:
        return [f"--userland-proxy-path={self.binaries.docker_proxy}"] if self.binaries else []

    def _environment(self) -> dict[str, str]:
        """Return dockerd's environment: this process's, with the unpacked engine's binaries
        first on PATH."""
        here = environment.current().with_values(**self.service_environment)
        return here.child() if self.binaries is None else here.child(PATH=self.binaries.path())

    def _wait_until_it_answers(self, process: subprocess.Popen[bytes]) -> docker.DockerClient:
        def answering() -> docker.DockerClient | None:
            if process.poll() is not None:
                raise waiting.GiveUp
            with contextlib.suppress(docker.errors.DockerException):
                return docker.DockerClient(base_url=self.host, timeout=30)  # it asks the version
            return None

        client = waiting.until(answering, timeout=START_TIMEOUT, interval=0.05)
        if client is not None:
            return client
        log = self.log.read_text(errors="replace")[-2000:]
        raise EngineUnavailable(
            f"The kit's private engine {self.name} did not start; dockerd's log ends:\n{log}"
        )

    def stop(self, keep_log: bool = False) -> None:
        """Stop the engine and its containers, then remove its bridge and folders."""
        pid = processes.dockerd_of(self.exec_root)
        if pid is not None:
            processes.terminate(pid, STOP_TIMEOUT)
        for mount in processes.mounts_under(self.exec_root, self.data_root):
            subprocess.run(["umount", "-l", mount], capture_output=True)
        bridges.delete(self.bridge)
        shutil.rmtree(self.exec_root, ignore_errors=True)
        shutil.rmtree(self.data_root, ignore_errors=True)
        if not keep_log:
            self.log.unlink(missing_ok=True)
        with FileLock(bridges.LOCK):  # never between another engine's making of its folders
            for root in (RUN_ROOT, DATA_ROOT):
                with contextlib.suppress(OSError):  # still used by another engine
                    root.rmdir()
