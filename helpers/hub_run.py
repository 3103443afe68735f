"""``python -m helpers hub``: run steps 2 to 6 against the reader's own Docker Hub account.

Each step's notebook runs as it is, in the kit's Jupyter kernel, with the account that
``KIT_HUB_USER`` and ``KIT_HUB_TOKEN`` name (``helpers.remote``); each step's check holds the
flow. The notebooks in ``notebooks/`` stay as they are: the executed copies, which show the
reader's own outputs with the token masked, go to the session's folder
(``.kit/sessions/hub/notebooks``), where the reader can open them in Jupyter. Whatever
happens, the login goes from the session's ``config.json`` at the end, so the token is never
left on disk, and the local names the run gave the demo images go too.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable

import docker.errors
import nbclient
import nbformat
from nbclient.exceptions import CellExecutionError

from helpers import hub_account, images, jupyter_kernel, lesson, step_setups
from helpers.errors import KitError
from helpers.expected import NOTEBOOKS
from helpers.hub_account import remote_of
from helpers.hub_steps import STEPS
from helpers.kit import Kit

CELL_TIMEOUT = 900
"""How long one cell may run: a push to Docker Hub over a slow line takes a while."""


def run(kit: Kit, progress: Callable[[str], None]) -> str:
    """Run the steps Docker Hub mode covers, in order; return what they confirmed."""
    remote = remote_of(kit)
    remote.require_reachable()
    copies = kit.folder / "notebooks"
    copies.mkdir(parents=True, exist_ok=True)
    try:
        for step in STEPS:
            progress(f"step {step}, against {remote.host} as {remote.user}")
            _run_notebook(kit, step, copies)
    finally:
        step_setups.logout(kit)  # the token, base64 in config.json, never stays on disk
        _untag(kit)
    return (
        f"Steps 2 to 6 ran against {remote.host} as {remote.user}, and every check held; "
        f"your login is removed again. What each step printed is in {copies}."
    )


def _run_notebook(kit: Kit, step: str, copies: os.PathLike[str]) -> None:
    path = lesson.notebook_for(step)
    notebook = lesson.read(path)
    for cell in notebook.cells:  # the stored outputs are the local registry's, not this run's
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.metadata.get(lesson.KEY, {}).pop("outputs", None)
    client = nbclient.NotebookClient(
        notebook,
        kernel_name=jupyter_kernel.NAME,
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
        # The kernel talks over loopback TCP, and ipykernel warns about that on every start.
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    try:
        client.execute(env={**os.environ, "KIT_SESSION": kit.session})
    except CellExecutionError as error:
        raise KitError(_stopped(kit, step, notebook, error)) from None
    finally:
        nbformat.write(notebook, os.path.join(copies, path.name))  # type: ignore[no-untyped-call]


def _stopped(
    kit: Kit, step: str, notebook: nbformat.NotebookNode, error: CellExecutionError
) -> str:
    """Say in one sentence where the run stopped, and why."""
    failed = next(
        (
            cell
            for cell in notebook.cells
            if any(output.get("output_type") == "error" for output in cell.get("outputs", []))
        ),
        None,
    )
    if failed is not None and failed.get("id") == "login-login":
        return hub_account.refusal(remote_of(kit))
    said = " ".join(str(error.evalue).split())
    return said if said.startswith(remote_of(kit).host) else f"step {step} stopped: {said}"


def _untag(kit: Kit) -> None:
    """Take the account's names off the demo images; a name on an image of the user's stays."""
    remote = remote_of(kit)
    client = kit.client()
    demo_ids = {image.id for image in images.kit_images(client)}
    for repository, tag in hub_account.names():
        name = remote.name(repository, tag)
        for image in client.images.list(name=name):
            if image.id in demo_ids:
                with contextlib.suppress(docker.errors.ImageNotFound):
                    client.images.remove(name, noprune=True)
