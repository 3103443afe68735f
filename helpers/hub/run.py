"""``python -m helpers hub``: run steps 2 to 6 against the reader's own Docker Hub account.

Each step's notebook runs as it is, in the kit's Jupyter kernel, with the account that
``KIT_HUB_USER`` and ``KIT_HUB_TOKEN`` name (``helpers.hub.remote``); each step's check holds the
flow. The notebooks in ``notebooks/`` stay as they are: the executed copies, which show the
reader's own outputs with the token masked, go to the session's folder
(``.kit/sessions/hub/notebooks``), where the reader can open them in Jupyter. Whatever
happens (a failed step, Ctrl-C, a closed terminal, ``kill``), the login goes from the
session's ``config.json`` at the end, so the token is not left on disk, and the names the run
gave the demo images go too. (Only ``kill -9`` skips that: ``KIT_SESSION=hub python -m
helpers reset`` does it then.)
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

import nbclient
import nbformat
from nbclient.exceptions import CellExecutionError

from helpers.errors import KitError
from helpers.hub import account as hub_account
from helpers.hub.account import remote_of
from helpers.hub.steps import STEPS
from helpers.kit import Kit
from helpers.lesson import jupyter_kernel
from helpers.lesson import notebooks as lesson
from helpers.paths import NOTEBOOKS
from helpers.steps import setups as step_setups

CELL_TIMEOUT = 900
"""How long one cell may run: a push to Docker Hub over a slow line takes a while."""


def run(kit: Kit, progress: Callable[[str], None]) -> str:
    """Run the steps Docker Hub mode covers, in order; return what they confirmed."""
    remote = remote_of(kit)
    remote.require_reachable()
    copies = kit.folder / "notebooks"
    copies.mkdir(parents=True, exist_ok=True)
    signals = _Signals()
    with signals.caught():
        try:
            step_setups.logout(kit)  # a login a stopped Jupyter run left
            for step in STEPS:
                progress(f"step {step}, against {remote.host} as {remote.user}")
                _run_notebook(kit, step, copies, signals)
                signals.raise_if_received()
        finally:
            step_setups.logout(kit)  # the token, base64 in config.json, never stays on disk
            hub_account.untag(kit)
    return (
        f"Steps 2 to 6 ran against {remote.host} as {remote.user}, and every check held; "
        f"your login is removed again. What each step printed is in {copies}."
    )


KERNEL_STOPPED = "its kernel stopped before the step ended."


def why_a_cell_stopped(error: CellExecutionError) -> str:
    """Say why a cell of a step stopped: the kit's sentence it raised, or, when it raised none
    (an interrupt as nbclient stopped the kernel on SIGTERM: seen once in CI, where it said
    "step login stopped: " and no more), that the kernel stopped."""
    return " ".join(str(error.evalue).split()) or KERNEL_STOPPED


class _Signals:
    """Make ``kill`` and a closed terminal (SIGTERM, SIGHUP) interrupt the run as Ctrl-C does,
    so that it cleans up. While a notebook runs, nbclient catches SIGINT and SIGTERM itself (it
    stops the kernel, and the notebook ends with an error), and takes their handlers away
    after: ``install`` puts them back.

    A signal that lands while Python runs a finalizer or a callback of nbclient's event loop
    has its KeyboardInterrupt swallowed there, and printed as "Exception ignored" with a
    traceback (seen twice in CI, on SIGHUP, once after the run had left ``caught``, as the
    coroutine was collected). So the signal is remembered, that print is left out for the rest
    of the process, and ``raise_if_received`` interrupts the run between notebooks all the same."""

    NUMBERS = (signal.SIGTERM, signal.SIGHUP)

    def __init__(self) -> None:
        self.old = {number: signal.getsignal(number) for number in self.NUMBERS}
        self.received = False

    def interrupt(self, number: int, frame: FrameType | None) -> None:
        self.received = True
        raise KeyboardInterrupt

    def raise_if_received(self) -> None:
        """Interrupt the run if a signal came and its KeyboardInterrupt was swallowed."""
        if self.received:
            raise KeyboardInterrupt

    def install(self) -> None:
        for number in self.NUMBERS:
            signal.signal(number, self.interrupt)

    def _unraisable(self, unraisable: sys.UnraisableHookArgs) -> None:
        if not (self.received and unraisable.exc_type is KeyboardInterrupt):
            sys.__unraisablehook__(unraisable)

    @contextmanager
    def caught(self) -> Iterator[None]:
        """Catch the signals until the block ends, then restore their handlers."""
        self.install()
        old_hook, sys.unraisablehook = sys.unraisablehook, self._unraisable
        try:
            yield
        finally:
            if not self.received:  # after a signal, the swallowed interrupt may be printed
                sys.unraisablehook = old_hook  # later still, as its coroutine is collected
            for number, handler in self.old.items():
                signal.signal(number, handler)


def _run_notebook(kit: Kit, step: str, copies: os.PathLike[str], signals: _Signals) -> None:
    """Run one step's notebook, in the reader's language (the Chinese edition's, with its
    kernel, for ``zh``), and keep a copy of it with what each cell printed."""
    language = kit.environment.language
    path = lesson.notebook_for(step)
    if language != "en":
        path = NOTEBOOKS / language / path.name
    notebook = lesson.read(path)
    for cell in notebook.cells:  # the stored outputs are the local registry's, not this run's
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.metadata.get(lesson.KEY, {}).pop("outputs", None)
    client = nbclient.NotebookClient(
        notebook,
        kernel_name=jupyter_kernel.NAMES[language],
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(path.parent)}},
        # The kernel talks over loopback TCP, and ipykernel warns about that on every start.
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    log = kit.folder / "kernel.log"  # what a kernel says as it is stopped is no one's business
    try:
        with log.open("ab") as kernel_log:
            client.execute(env=kit.environment.child(KIT_SESSION=kit.session), stderr=kernel_log)
    except CellExecutionError as error:
        raise KitError(f"step {step} stopped: {why_a_cell_stopped(error)}") from None
    except Exception:  # nbclient's own, as the kernel went (a signal, or it died)
        raise KitError(f"step {step} stopped: {KERNEL_STOPPED}") from None
    finally:
        signals.install()
        nbformat.write(notebook, os.path.join(copies, path.name))  # type: ignore[no-untyped-call]
