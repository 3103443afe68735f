"""Re-execute notebooks and store their outputs for both image-store profiles.

``python -m helpers.regenerate notebooks/*.ipynb`` (or ``scripts/regenerate``) runs the
notebooks once per profile, through nbval as the check does (``helpers.notebook_run``), and
writes back what each cell printed; the change is then reviewed as a diff. The classic
store's outputs come from the main engine when it uses that store; the containerd store's
from a private engine of Debian 13's docker.io (Linux, as root), or from the main engine when
it is the one using containerd's store. Timing metadata and version churn are dropped so that
only real output changes show.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import docker
import nbformat

from helpers import (
    debian_engine,
    engine,
    expected,
    image_store,
    jupyter_kernel,
    lesson,
    notebook_run,
    private_engine,
    settings,
)
from helpers.errors import KitError
from helpers.kit import Kit
from helpers.session_registries import remove_leftovers

SESSION = "record"
"""The kit session recording runs in, so a learner's ``main`` registry and login stay."""

_OTHER_ADDRESS = re.compile(rf"localhost:(?!{settings.PREFERRED_PORT}\b)\d+")


def normalize(notebook: nbformat.NotebookNode) -> None:
    """Drop metadata that changes from run to run or machine to machine."""
    kept = {"kernelspec": jupyter_kernel.SPEC, "language_info": {"name": "python"}}
    if lesson.KEY in notebook.metadata:
        kept[lesson.KEY] = notebook.metadata[lesson.KEY]
    notebook.metadata = nbformat.from_dict(kept)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)


def store(path: Path, profile: str, outputs: list[list[Any]]) -> None:
    """Store one profile's outputs (one list per code cell) in a notebook, refusing outputs
    from a registry on another port than 5000."""
    other = _OTHER_ADDRESS.search(json.dumps(outputs))
    if other:
        raise KitError(
            f"{path.name} ran against a registry at {other.group(0)}, not on port "
            f"{settings.PREFERRED_PORT} "
            f"(it was taken), so its outputs were not stored. Free port "
            f"{settings.PREFERRED_PORT} (`python -m helpers down` frees the kit's own), "
            "and try again."
        )
    stored = nbformat.read(path, as_version=4)
    code = [cell for cell in stored.cells if cell.cell_type == "code"]
    for number, (cell, printed) in enumerate(zip(code, outputs, strict=True), start=1):
        expected.set_cell_outputs(cell, profile, [nbformat.from_dict(o) for o in printed])
        cell.execution_count = number  # as a fresh kernel counts (nbval skips a cell never run)
    normalize(stored)
    text = nbformat.writes(stored)
    path.write_text(text + ("" if text.endswith("\n") else "\n"))


@contextmanager
def profile_engine(profile: str) -> Iterator[str]:
    """Yield the ``$DOCKER_HOST`` of an engine with the profile's image store: the main engine
    if it has that store, else a private engine started for the recording and removed after it
    with all it holds."""
    if image_store.detect(engine.client()) == profile:
        try:
            yield engine.engine_host()
        finally:
            remove_leftovers(Kit.from_environment(SESSION))
        return
    if not private_engine.supported():
        raise KitError(
            f"The main engine does not use the {profile} image store, and a private engine "
            "needs Linux and root: record this profile on a machine that has one."
        )
    binaries = debian_engine.unpacked() if profile == image_store.CONTAINERD else None
    started = private_engine.PrivateEngine(f"{SESSION}-{profile}", profile, binaries)
    try:
        yield started.start()
    finally:
        started.stop()


def record_profile(paths: list[Path], profile: str) -> None:
    """Record every notebook on an engine of the profile, then note which engine that was."""
    folder = Kit.from_environment(SESSION).folder
    shutil.rmtree(folder, ignore_errors=True)  # a failed run's leftovers
    with profile_engine(profile) as host:
        env = {**os.environ, "KIT_SESSION": SESSION, "DOCKER_HOST": host}
        ran = notebook_run.run(paths, env, compare=False)
        if ran.returncode != 0:
            raise KitError(
                f"a notebook failed, so nothing was stored. nbval said:\n{ran.said[-3000:]}"
            )
        for path in paths:
            count = sum(cell.cell_type == "code" for cell in lesson.read(path).cells)
            store(path, profile, ran.cells(path, count))
            print(f"recorded {path} ({profile} image store)")
        client = docker.DockerClient(base_url=host, timeout=30)
        expected.write_recorded_with(expected.current_setup(client))
    shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    """Record every notebook named on the command line in both profiles; say what failed."""
    paths = [Path(name) for name in argv]
    for profile in image_store.PROFILES:
        try:
            record_profile(paths, profile)
        except KitError as error:
            print(f"record ({profile} image store): {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
