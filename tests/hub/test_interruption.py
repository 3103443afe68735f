"""Stopping a Docker Hub mode run on a signal (``helpers.hub.interruption``), with the kit's kernel
and a real command in a cell."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import nbclient
import nbformat
import psutil
import pytest

from helpers import waiting
from helpers.hub.interruption import Interruption
from helpers.lesson import jupyter_kernel
from helpers.paths import PROJECT_ROOT
from tests.plugins.run_config import RunConfig


def _commands_writing(marker: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if str(marker) in " ".join(process.info["cmdline"] or []):
            found.append(process)
    return found


def test_a_signal_stops_the_cells_command_before_it_writes_anything(
    tmp_path: Path, run_config: RunConfig
) -> None:
    """A signal while a cell's command runs, as ``docker login`` runs before it writes the
    token to config.json: the kernel is interrupted and stops the command, which runs in a
    session of its own (``helpers.terminal.pseudo_terminal``), so it writes nothing after the
    run has moved on to log out; the cell fails, and the run knows a signal came."""
    marker = tmp_path / "written-after-the-signal"
    code = (
        "from pathlib import Path\n"
        "from helpers.terminal import pseudo_terminal\n"
        f"pseudo_terminal.run('sleep 2 && touch {marker}', Path('.'), {{'PATH': '/bin'}}, 60)\n"
    )
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])  # type: ignore[no-untyped-call]
    client = nbclient.NotebookClient(
        notebook,
        kernel_name=jupyter_kernel.NAME,
        timeout=60,
        resources={"metadata": {"path": str(PROJECT_ROOT)}},
    )

    def signal_once_the_command_runs() -> None:
        if waiting.until(lambda: _commands_writing(marker), timeout=60, interval=0.02):
            os.kill(os.getpid(), signal.SIGTERM)

    interruption = Interruption(grace=600)  # the kernel stops the command itself
    signaller = threading.Thread(target=signal_once_the_command_runs)
    with interruption.caught():
        signaller.start()
        with pytest.raises(nbclient.exceptions.CellExecutionError, match="KeyboardInterrupt"):
            interruption.execute(client, env=run_config.child())
    signaller.join()
    assert interruption.requested
    time.sleep(3)  # the command would have written by now
    assert not marker.exists(), "the command went on after the signal"
    assert not _commands_writing(marker)


def _run_a_cell_that_ignores_the_interrupt(
    tmp_path: Path, run_config: RunConfig, grace: float, signals: list[int]
) -> None:
    """Run a cell that turns SIGINT off and sleeps a minute, send the run ``signals`` half a
    second apart once it sleeps, and check that its kernel was killed (nbclient's cell timeout,
    50 s, would end the wait first with another error)."""
    ignoring = tmp_path / "ignoring"
    code = (
        "import signal, time\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        f"open({str(ignoring)!r}, 'w').close()\n"
        "time.sleep(60)\n"
    )
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])  # type: ignore[no-untyped-call]
    client = nbclient.NotebookClient(notebook, kernel_name=jupyter_kernel.NAME, timeout=50)

    def send_the_signals() -> None:
        if waiting.until(ignoring.exists, timeout=60, interval=0.02):
            for number in signals:
                os.kill(os.getpid(), number)
                time.sleep(0.5)

    interruption = Interruption(grace=grace)
    signaller = threading.Thread(target=send_the_signals)
    with interruption.caught():
        signaller.start()
        with pytest.raises(nbclient.exceptions.DeadKernelError):
            interruption.execute(client, env=run_config.child())
    signaller.join()
    assert interruption.requested


def test_a_second_signal_kills_a_kernel_that_does_not_stop(
    tmp_path: Path, run_config: RunConfig
) -> None:
    """A cell that ignores the interrupt is stopped by the second signal, with no wait (the
    grace the first gives is longer than the cell): the kernel is killed, and the run goes on
    to clean up."""
    _run_a_cell_that_ignores_the_interrupt(
        tmp_path, run_config, grace=600, signals=[signal.SIGHUP, signal.SIGHUP]
    )


def test_a_kernel_that_does_not_stop_at_the_first_signal_is_killed_after_a_grace(
    tmp_path: Path, run_config: RunConfig
) -> None:
    """A single signal the kernel does not act on (as when it lands between cells, in the
    kernel's own code, which swallows it and never replies): after the grace the kernel is
    killed, and the run goes on to clean up instead of waiting for a reply that never comes."""
    _run_a_cell_that_ignores_the_interrupt(tmp_path, run_config, grace=1, signals=[signal.SIGINT])
