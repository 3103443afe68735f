"""A throwaway engine that runs another processor's programs through QEMU, as Docker Desktop
does, with nothing changed machine-wide: run by the platforms step's tests.

Since Linux 6.7 binfmt_misc can be mounted per user namespace. dockerd runs as PID 1 of its
own user, mount and PID namespaces, and Debian's qemu-user-static is registered (with the F
flag: the kernel opens the interpreter now) in that namespace's binfmt_misc only, which its
containers inherit; the machine's own, unmounted here, stays as it is. In a user namespace
runc runs rootless by itself. The namespace maps root to root, one ID short of the whole
range: with the whole range runc cannot tell it is in one, and fails to write
``devices.deny`` on a cgroup v1 host. dockerd shares the machine's network namespace, where
it may not make a bridge, so its containers have no network (the demo program needs none);
its cgroups go under a parent of its own name, removed with it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import docker
import docker.errors
import psutil

from helpers import waiting
from helpers.engine import image_store, pairs, processes, qemu
from helpers.environment import Environment

ELF_MAGIC = {
    "arm64": (
        r"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00",
        r"\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff",
    ),
    "amd64": (
        r"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00",
        r"\xff\xff\xff\xff\xff\xfe\xfe\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff",
    ),
}
"""binfmt_misc's magic and mask for a 64-bit little-endian executable of each architecture (as
Debian's qemu-user-static registers them)."""
START_TIMEOUT = 60.0


def unavailable(foreign: str, environment: Environment) -> str | None:
    """Say why an engine emulating ``foreign`` cannot be made here, or None if it can."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return "an emulating engine needs root and unshare"
    if qemu.emulator(foreign) is None:
        return "the kit's QEMU is not unpacked (scripts/setup does it, as root on Debian)"
    if Path("/sys/fs/cgroup/cgroup.controllers").exists():
        return "this machine's cgroups are v2 (unified), where the emulating engine was never tried"
    probe = "mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc"
    done = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", probe],
        env=environment.child(),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        said = done.stderr.strip()
        return f"this kernel mounts no binfmt_misc of a user namespace's own (Linux 6.7+): {said}"
    return None


def _inner_script(folder: Path, pair: pairs.Pair, foreign: str, name: str) -> str:
    """Return what PID 1 of the namespaces runs: mount binfmt_misc, register QEMU, become
    dockerd."""
    magic, mask = ELF_MAGIC[foreign]
    interpreter = qemu.emulator(foreign)
    registration = f":kit-qemu-{foreign}:M::{magic}:{mask}:{interpreter}:F"
    binaries = pair.binaries()
    dockerd = str(binaries.dockerd) if binaries else "dockerd"
    config = folder / "daemon.json"
    snapshotter = {"containerd-snapshotter": pair.store == image_store.CONTAINERD}
    config.write_text(json.dumps({"features": snapshotter}))
    flags = [
        f"--config-file={config}",
        f"--host=unix://{folder}/docker.sock",
        f"--data-root={folder}/data",
        f"--exec-root={folder}/exec",
        f"--pidfile={folder}/exec/dockerd.pid",
        "--bridge=none",
        "--iptables=false",
        "--ip6tables=false" if pair.store == image_store.CONTAINERD else "",
        "--ip-forward=false",
        "--ip-masq=false",
        f"--cgroup-parent=/{name}",
        f"--containerd-namespace={name}",
        f"--containerd-plugins-namespace={name}-plugins",
        "--log-level=warn",
    ]
    return (
        "set -e\n"
        "mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc\n"
        f"printf '%s' '{registration}' > /proc/sys/fs/binfmt_misc/register\n"
        f"exec {dockerd} {' '.join(flag for flag in flags if flag)}\n"
    )


def _in_its_own_user_namespace(pid: int) -> bool:
    with contextlib.suppress(OSError):
        return os.readlink(f"/proc/{pid}/ns/user") != os.readlink("/proc/self/ns/user")
    return False


@contextlib.contextmanager
def started(pair: pairs.Pair, foreign: str, name: str, environment: Environment) -> Iterator[str]:
    """Start an engine of ``pair`` that emulates ``foreign`` (``arm64``), in the run's
    ``environment``; yield its ``$DOCKER_HOST``; then stop it and remove all it made."""
    folder = Path(tempfile.mkdtemp(prefix="kit-emulating-"))  # a short socket path
    host = f"unix://{folder}/docker.sock"
    process = None
    try:
        script = folder / "pid1.sh"
        script.write_text(_inner_script(folder, pair, foreign, name))
        go = folder / "go"
        os.mkfifo(go)
        binaries = pair.binaries()
        path = binaries.path() if binaries else environment.search_path
        pid1 = (
            "exec unshare --mount --propagation private --pid --fork --mount-proc "
            f"--kill-child=SIGTERM sh {script}"
        )
        with (folder / "dockerd.log").open("wb") as log:  # dockerd keeps its own copy
            process = subprocess.Popen(
                ["unshare", "--user", "sh", "-c", f"read x < {go}; {pid1}"],
                env=environment.child(PATH=path),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        own = process.pid
        if not waiting.until(lambda: _in_its_own_user_namespace(own), timeout=10, interval=0.02):
            raise RuntimeError(f"the emulating engine's namespaces were not made:\n{_log(folder)}")
        for ids in ("uid_map", "gid_map"):
            Path(f"/proc/{own}/{ids}").write_text("0 0 4294967294\n")
        go.write_text("go\n")
        started = process

        def answering() -> bool:
            if started.poll() is not None:
                raise waiting.GiveUp
            with contextlib.suppress(docker.errors.DockerException):
                docker.DockerClient(base_url=host, timeout=10).close()
                return True
            return False

        if not waiting.until(answering, timeout=START_TIMEOUT, interval=0.05):
            raise RuntimeError(f"the emulating engine did not start; its log:\n{_log(folder)}")
        yield host
    finally:
        if process is not None:
            _stop(process, name)
        shutil.rmtree(folder, ignore_errors=True)


def _log(folder: Path) -> str:
    return (folder / "dockerd.log").read_text(errors="replace")[-2000:]


def _stop(process: subprocess.Popen[bytes], name: str) -> None:
    """Stop dockerd (PID 1 of its namespaces: the rest goes with it) and its cgroups."""
    with contextlib.suppress(psutil.Error):
        for child in psutil.Process(process.pid).children():
            processes.terminate(child.pid, 20.0)
    with contextlib.suppress(ProcessLookupError):
        process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.wait()
    cgroups = Path("/sys/fs/cgroup")
    for parent in [*cgroups.glob(f"*/{name}"), cgroups / name]:  # v1 controllers, or v2
        for folder, _, _ in sorted(os.walk(parent), reverse=True):  # the deepest first
            with contextlib.suppress(OSError):
                Path(folder).rmdir()
