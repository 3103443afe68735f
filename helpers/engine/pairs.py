"""The engine-and-CLI pairs learners install, which the kit records and verifies.

A learner's Docker is an engine and the ``docker`` CLI that came with it: Debian 12's
``docker.io`` holds both (20.10.24); from Debian 13 on, the CLI is the ``docker-cli`` package
beside ``docker.io``. The CLI words some messages differently from version to version, and the
engine compresses pushed layers (on the classic store) with its own gzip, so each pair prints
its own text and its own digests. ``MATRIX`` lists the pairs the test command verifies, each as
a private engine with its own CLI first on the commands' ``PATH``; one pair per image store is
the reference whose outputs the site shows (``REFERENCE``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from helpers.engine import debian as debian_engine
from helpers.engine import image_store
from helpers.engine.debian import UnpackedEngine
from helpers.environment import state_dir
from helpers.paths import link_to

SYSTEM_CLI = Path("/usr/bin/docker")
"""Debian 12's own CLI, from its ``docker.io`` (``/usr/local/bin`` may hold another)."""


@dataclass(frozen=True)
class Pair:
    """One engine with its own CLI, on one image store.

    ``suite`` is the Debian suite whose ``docker.io`` and ``docker-cli`` are unpacked for it;
    ``None`` is Debian 12's, installed on this machine (``/usr/sbin/dockerd``, ``/usr/bin/docker``).
    """

    name: str
    store: str
    suite: str | None

    def binaries(
        self, progress: Callable[[str], None] = lambda line: None
    ) -> UnpackedEngine | None:
        """Return the unpacked engine and CLI (fetched if missing, saying so to ``progress``),
        or None for the system's."""
        return None if self.suite is None else debian_engine.unpacked(self.suite, progress=progress)

    def cli(self) -> Path:
        """Return the pair's ``docker`` CLI."""
        binaries = self.binaries()
        return SYSTEM_CLI if binaries is None else binaries.docker_cli

    def cli_folder(self) -> Path:
        """Return a folder holding the pair's CLI alone, as ``docker``."""
        folder = state_dir() / "cli" / self.name
        folder.mkdir(parents=True, exist_ok=True)
        link_to(folder / "docker", str(self.cli()))
        return folder

    def path(self, rest: str) -> str:
        """Return a ``PATH`` with the pair's CLI first, then ``rest`` (the run's ``PATH``):
        every command of a run, and the kit's own calls, then use that CLI."""
        return f"{self.cli_folder()}{os.pathsep}{rest}"


CLASSIC, CONTAINERD = image_store.CLASSIC, image_store.CONTAINERD
DEBIAN_12 = Pair("debian12", CLASSIC, None)
DEBIAN_13_CLASSIC = Pair("debian13-classic", CLASSIC, debian_engine.RECORDED_SUITE)
DEBIAN_13_CONTAINERD = Pair("debian13-containerd", CONTAINERD, debian_engine.RECORDED_SUITE)
TESTING_CLASSIC = Pair("testing-classic", CLASSIC, debian_engine.NEWEST_SUITE)
TESTING_CONTAINERD = Pair("testing-containerd", CONTAINERD, debian_engine.NEWEST_SUITE)

MATRIX = (DEBIAN_12, DEBIAN_13_CONTAINERD, DEBIAN_13_CLASSIC, TESTING_CLASSIC, TESTING_CONTAINERD)
"""Every pair the test command verifies; the two references first."""
REFERENCE = {CLASSIC: DEBIAN_12, CONTAINERD: DEBIAN_13_CONTAINERD}
"""The pair whose outputs a notebook stores as its own, per image store: Debian 12's, which
prints what the guide shows, and Debian 13's (26.1.5) on the containerd store."""
BY_NAME = {pair.name: pair for pair in MATRIX}
