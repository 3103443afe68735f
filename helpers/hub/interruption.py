"""Stop a Docker Hub mode run cleanly on Ctrl-C, ``kill`` or a closed terminal.

nbclient stops its kernel on SIGINT and SIGTERM itself, from its event loop, and Python raises
KeyboardInterrupt wherever a signal lands. Either way the signal broke into whatever the loop
was doing (starting the kernel, a callback, a finalizer), and the run printed asyncio's
tracebacks: a CancelledError, "Task exception was never retrieved", an atexit callback's error
(in CI, and within a few tries in a loop that sends the signal at a random moment). So each
notebook runs in a thread of its own, where nbclient can install no signal handler, and the
handler here never raises: it notes the signal and interrupts the running kernel as Jupyter
does (SIGINT to its process group). The kernel then stops the cell's command, which runs in a
session of its own (``helpers.terminal.pseudo_terminal``), so a ``docker login`` cannot write
the token back after the run has logged out; the cell fails, and the run stops between steps.
A kernel that has not stopped a few seconds later is killed, and so is one at a second signal:
an interrupt that lands in the kernel's own code, between cells, is swallowed there
("KeyboardInterrupt caught in kernel") and no reply ever comes (CI saw a run wait for one).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from types import FrameType
from typing import Any

import nbclient

from helpers.errors import InterruptedCleanly


class Stopped(Exception):
    """Raised in the notebook's thread when a signal came before a cell started."""


class Interruption:
    """The signals of one run, and the thread its notebooks run in."""

    NUMBERS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def __init__(self, grace: float = 5.0) -> None:
        """``grace``: seconds the kernel has to stop its cell after the first signal."""
        self.requested = False
        self._running: nbclient.NotebookClient | None = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="notebook")
        self._deadline = threading.Timer(grace, self._kill_running)
        self._deadline.daemon = True

    @contextlib.contextmanager
    def caught(self) -> Iterator[None]:
        """Handle the signals until the block ends, then restore their handlers."""
        old = {number: signal.signal(number, self._note) for number in self.NUMBERS}
        try:
            yield
        finally:
            self._deadline.cancel()
            self._thread.shutdown()
            for number, handler in old.items():
                signal.signal(number, handler)

    def execute(self, client: nbclient.NotebookClient, **options: Any) -> None:
        """Run the client's notebook in the run's thread, and wait for it; ``Stopped`` or
        nbclient's own error when a signal stopped it."""
        client.on_cell_start = self._refuse_if_requested
        self._running = client
        try:
            self._thread.submit(client.execute, **options).result()
        finally:
            self._running = None
            _signal_kernel(client, signal.SIGKILL)  # nbclient stopped it, unless its start failed:
            atexit.unregister(client._cleanup_kernel)  # nbclient then leaves this, to fail at exit

    def raise_if_requested(self) -> None:
        """Interrupt the run, as Ctrl-C would, if a signal came; the run calls it where its
        clean-up has run or is still to run (``InterruptedCleanly``)."""
        if self.requested:
            raise InterruptedCleanly

    def _note(self, number: int, frame: FrameType | None) -> None:
        if self.requested:
            self._kill_running()
            return
        self.requested = True
        self._deadline.start()
        if self._running is not None:
            _signal_kernel(self._running, signal.SIGINT)

    def _kill_running(self) -> None:
        running = self._running  # the timer's thread: the notebook's may be setting it to None
        if running is not None:
            _signal_kernel(running, signal.SIGKILL)

    def _refuse_if_requested(self, **_: Any) -> None:
        if self.requested:  # the signal came before the kernel was there to kill
            raise Stopped


def _signal_kernel(client: nbclient.NotebookClient, number: int) -> None:
    """Send a signal to the client's kernel and its process group (jupyter_client starts the
    kernel in a session of its own), if it runs: once it has ended, its pid may be another's."""
    process = getattr(getattr(client.km, "provisioner", None), "process", None)
    if process is not None and process.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, number)
