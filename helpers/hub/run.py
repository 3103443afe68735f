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
from collections.abc import Callable

import nbclient
import nbformat
from nbclient.exceptions import CellExecutionError

from helpers.errors import KitError
from helpers.hub import account as hub_account
from helpers.hub.account import remote_of
from helpers.hub.interruption import Interruption
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
    interruption = Interruption()
    with interruption.caught():
        try:
            step_setups.logout(kit)  # a login a stopped Jupyter run left
            for step in STEPS:
                interruption.raise_if_requested()
                progress(f"step {step}, against {remote.host} as {remote.user}")
                _run_notebook(kit, step, copies, interruption)
            interruption.raise_if_requested()
        finally:
            step_setups.logout(kit)  # the token, base64 in config.json, never stays on disk
            hub_account.untag(kit)
    interruption.raise_if_requested()  # a signal during the clean-up: it is done, but say so
    return (
        f"Steps 2 to 6 ran against {remote.host} as {remote.user}, and every check held; "
        f"your login is removed again. What each step printed is in {copies}."
    )


KERNEL_STOPPED = "its kernel stopped before the step ended."


def why_a_cell_stopped(error: Exception) -> str:
    """Say why a cell of a step stopped: the kit's sentence it raised, or, when it raised none
    (an interrupt with no message), or the kernel died under it, that the kernel stopped."""
    if not isinstance(error, CellExecutionError):
        return KERNEL_STOPPED
    return " ".join(str(error.evalue).split()) or KERNEL_STOPPED


def _run_notebook(
    kit: Kit, step: str, copies: os.PathLike[str], interruption: Interruption
) -> None:
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
            environment = kit.environment.child(KIT_SESSION=kit.session)
            interruption.execute(client, env=environment, stderr=kernel_log)
    except Exception as error:  # a cell's, nbclient's as the kernel died, or Stopped
        interruption.raise_if_requested()  # the kernel went because a signal stopped it
        raise KitError(f"step {step} stopped: {why_a_cell_stopped(error)}") from None
    finally:
        nbformat.write(notebook, os.path.join(copies, path.name))  # type: ignore[no-untyped-call]
