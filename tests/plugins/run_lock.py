"""The locks a test run holds, so that a second run that would collide with it stops at once:
one per session, and one per engine for a run whose notebooks use an engine it does not own.

In the machine's temporary folder, not the checkout's: engines and registry names are the
machine's, so two checkouts of one user running at once collide just the same. Each user has a
folder of their own there (``docker-share-kit-<uid>``): another user's runs use other
engines, and a lock file another user left behind would not be ours to open. So an engine's
lock is per user too: two users of one shared engine are not stopped (the README says to run
one at a time there). The file holds the pid of the run that holds the lock, for the second
run's sentence.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from pathlib import Path
from typing import TextIO


class Unusable(Exception):
    """The lock file cannot be opened: the sentence says which and what to do."""


def folder() -> Path:
    """Return this user's folder of the kit's locks in the machine's temporary folder."""
    mine = Path(tempfile.gettempdir()) / f"docker-share-kit-{os.getuid()}"
    try:
        mine.mkdir(mode=0o700, exist_ok=True)
    except OSError as error:
        raise Unusable(
            f"The test run's lock folder {mine} cannot be made ({error.strerror}): remove what "
            "is in its place, or set TMPDIR to a folder you may write to, and run again."
        ) from None
    return mine


class Held(Exception):
    """Another process holds the lock; ``holder`` is its pid, as it wrote it."""

    def __init__(self, holder: str) -> None:
        super().__init__(holder)
        self.holder = holder

    def by_an_ancestor(self) -> bool:
        """Tell whether the holder started this process: a test's own run of pytest belongs
        to the run that holds the lock."""
        import psutil  # here: another user runs this file alone, without the kit's packages

        ancestors = {str(process.pid) for process in psutil.Process().parents()}
        return self.holder in ancestors


def engine_lock(engine_id: str) -> str:
    """Return the name of an engine's lock, from the ID ``docker info`` reports: the demo
    images and their names belong to the engine, so two runs of different sessions on one
    engine change each other's outputs (one's set-up removes what the other's notebook uses)."""
    return "engine-" + hashlib.sha256(engine_id.encode()).hexdigest()[:12]


def take(name: str) -> TextIO:
    """Take the lock ``name`` (a session, or an ``engine_lock``) and write this process's pid
    into it; return the open file, which holds the lock until it is closed or the process
    ends. Raise ``Held`` if taken."""
    path = folder() / f"{name}.lock"
    try:
        lock = open(path, "a+")  # noqa: SIM115
    except OSError as error:
        raise Unusable(
            f"The test run's lock {path} cannot be opened ({error.strerror}): remove it, or set "
            "TMPDIR to a folder you may write to, and run again."
        ) from None
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.seek(0)
        holder = lock.read().strip() or "unknown"
        lock.close()
        raise Held(holder) from None
    lock.seek(0)
    lock.truncate()
    lock.write(str(os.getpid()))
    lock.flush()
    return lock
