"""A newer Docker engine from Debian's archive, unpacked into the kit's state folder.

Learners mostly run a newer engine than Debian 12's 20.10, often with the containerd image
store. The kit verifies Debian 13's and Debian testing's ``docker.io``, each with its own
``docker-cli`` (``helpers.engine.pairs``): fetched with ``apt-get download`` through a private
sources list, and unpacked with ``dpkg-deb -x``. Nothing is installed, and the system's apt
state is not touched.
Its ``dockerd``, ``containerd`` and shims need only glibc 2.34; Debian 12's ``runc`` runs beside.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from helpers.environment import state_dir
from helpers.errors import EngineUnavailable

PACKAGES = ("docker.io", "docker-cli", "containerd")
"""The engine, its own CLI (a package of its own from Debian 13 on) and its containerd."""
KEYRING = Path("/usr/share/keyrings/debian-archive-keyring.gpg")
ARCHIVE = "http://deb.debian.org/debian"

RECORDED_SUITE = "trixie"
"""Debian 13: its docker.io (26.1.5) records and verifies the containerd image store."""

NEWEST_SUITE = "testing"
"""Where the canary looks for the newest docker.io Debian has."""


@dataclass(frozen=True)
class UnpackedEngine:
    """The binaries of one unpacked docker.io, and the PATH that makes dockerd use them."""

    root: Path

    @property
    def dockerd(self) -> Path:
        """Return the engine's daemon."""
        return self.root / "usr" / "sbin" / "dockerd"

    @property
    def docker_proxy(self) -> Path:
        """Return the helper that publishes container ports."""
        return self.root / "usr" / "sbin" / "docker-proxy"

    @property
    def docker_cli(self) -> Path:
        """Return the docker CLI that came with the engine (Debian's ``docker-cli``)."""
        return self.root / "usr" / "bin" / "docker"

    def path(self) -> str:
        """Return a PATH with its containerd and shims first, then the system's ``runc``."""
        own = [self.root / "usr" / "bin", self.root / "usr" / "sbin"]
        return ":".join([*map(str, own), "/usr/sbin", "/usr/bin", "/sbin", "/bin"])

    def version(self) -> str:
        """Return the version its dockerd reports (``26.1.5+dfsg1``, say)."""
        done = subprocess.run([self.dockerd, "--version"], capture_output=True, text=True)
        return done.stdout.split("version ", 1)[-1].split(",", 1)[0].strip()


def supported() -> bool:
    """Tell whether this machine can fetch and run Debian's engine (Linux, root, apt, glibc)."""
    return (
        platform.system() == "Linux"
        and os.geteuid() == 0
        and shutil.which("apt-get") is not None
        and shutil.which("dpkg-deb") is not None
        and KEYRING.exists()
    )


def unpacked(
    suite: str = RECORDED_SUITE,
    *,
    refresh: bool = False,
    progress: Callable[[str], None] = lambda line: None,
) -> UnpackedEngine:
    """Return the suite's docker.io unpacked in the state folder, fetching it if missing.

    With ``refresh``, the package lists are read again, so a newer upload replaces the copy.
    ``progress`` hears a line before the download; by default nothing is printed.
    """
    folder = state_dir() / "engines" / suite
    engine = UnpackedEngine(folder / "root")
    if engine.dockerd.exists() and engine.docker_cli.exists() and not refresh:
        return engine
    if not supported():
        raise EngineUnavailable(
            f"Debian {suite}'s docker.io can only be fetched as root on Debian or Ubuntu with "
            "apt-get; run this there, or verify only the engine at hand."
        )
    progress(f"fetching Debian {suite}'s docker.io into {folder}")
    unpack(folder, suite, PACKAGES)
    if not engine.dockerd.exists() or not engine.docker_cli.exists():
        raise EngineUnavailable(
            f"Debian {suite}'s docker.io and docker-cli hold no dockerd or docker: see {folder}."
        )
    return engine


def unpack(folder: Path, suite: str, packages: tuple[str, ...]) -> Path:
    """Fetch Debian packages of a suite and unpack them into ``<folder>/root``; return that.

    Nothing is installed: no service starts, and the system's apt and dpkg state stay as
    they were (a private sources list, lists and cache, all in ``folder``).
    """
    root = folder / "root"
    debs = _download(folder, suite, packages)
    shutil.rmtree(root, ignore_errors=True)
    for deb in debs:
        _run(["dpkg-deb", "-x", str(deb), str(root)], folder)
    return root


def _download(folder: Path, suite: str, packages: tuple[str, ...]) -> list[Path]:
    """Fetch the suite's packages with a private sources list; return the .deb files."""
    lists, cache, debs = folder / "lists", folder / "cache", folder / "debs"
    for part in (lists / "partial", cache / "archives" / "partial", debs):
        part.mkdir(parents=True, exist_ok=True)
    sources = folder / "sources.list"
    sources.write_text(f"deb [signed-by={KEYRING}] {ARCHIVE} {suite} main\n")
    options = [
        f"-oDir::Etc::sourcelist={sources}",
        "-oDir::Etc::sourceparts=/dev/null",
        f"-oDir::State::Lists={lists}",
        f"-oDir::Cache={cache}",
        "-oAPT::Sandbox::User=root",  # the folder is root's; _apt could not write to it
        "-q",
    ]
    _run(["apt-get", *options, "update"], folder)
    for old in debs.glob("*.deb"):
        old.unlink()
    _run(["apt-get", *options, "download", *packages], folder, cwd=debs)
    return sorted(debs.glob("*.deb"))


def _run(command: list[str], folder: Path, cwd: Path | None = None) -> None:
    """Run one fetch step, logging to the suite folder's ``fetch.log``."""
    log = folder / "fetch.log"
    with log.open("ab") as out:
        done = subprocess.run(command, cwd=cwd or folder, stdout=out, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        raise EngineUnavailable(
            f"Fetching from Debian's archive failed at `{command[0]} ... {command[-1]}`; see {log}."
        )
