"""Run a command as a terminal would: with a pseudo-terminal of the screen's size as its stdout
and stderr, stdin empty, and nothing it started left running afterwards.

The shell runner (``helpers.terminal.shell``) uses it and shows what was written as the terminal's
final screen (``helpers.terminal.screen``).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import termios
import time
from pathlib import Path

from helpers.terminal import screen


def run(command: str, cwd: Path, env: dict[str, str], timeout: float) -> tuple[bytes, int]:
    """Run a shell command with a pseudo-terminal as its stdout and stderr; return all it
    wrote and its exit status. Should it outlast ``timeout`` seconds (``TimeoutExpired``), or
    the reader interrupt it, stop it and everything it started (it leads a process group of
    its own)."""
    controller, terminal = pty.openpty()
    try:
        size = struct.pack("HHHH", screen.SCREEN_LINES, screen.SCREEN_COLUMNS, 0, 0)
        fcntl.ioctl(terminal, termios.TIOCSWINSZ, size)
        process = subprocess.Popen(
            command,
            shell=True,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=terminal,
            stderr=terminal,
            start_new_session=True,
        )
    except BaseException:
        os.close(controller)
        raise
    finally:
        os.close(terminal)
    deadline = time.monotonic() + timeout
    chunks = []
    try:
        while chunk := _read(controller, deadline):
            chunks.append(chunk)
        return b"".join(chunks), process.wait(timeout=max(deadline - time.monotonic(), 1.0))
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise
    finally:
        os.close(controller)


def _read(controller: int, deadline: float) -> bytes:
    """Read from the terminal; nothing once every process that wrote to it has closed it."""
    if not select.select([controller], [], [], max(deadline - time.monotonic(), 0))[0]:
        raise subprocess.TimeoutExpired("", 0)
    try:
        return os.read(controller, 65536)
    except OSError:  # EIO: the last writer is gone
        return b""
