"""The lock a test run of one session holds, so that a second run of it stops at once.

In the machine's temporary folder, not the checkout's: engines and registry names are the
machine's, so two checkouts running at once collide just the same. The file holds the pid of
the run that holds the lock, for the second run's sentence.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from pathlib import Path
from typing import TextIO


class Held(Exception):
    """Another process holds the session's lock; ``holder`` is its pid, as it wrote it."""

    def __init__(self, holder: str) -> None:
        super().__init__(holder)
        self.holder = holder


def take(session: str) -> TextIO:
    """Take the session's lock and write this process's pid into it; return the open file,
    which holds the lock until it is closed or the process ends. Raise ``Held`` if taken."""
    lock = open(Path(tempfile.gettempdir()) / f"docker-share-kit-{session}.lock", "a+")  # noqa: SIM115
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
