"""Re-execute notebooks and store their outputs for every engine-and-CLI pair of the matrix.

``python -m helpers.maintain.regenerate notebooks/*.ipynb`` (or ``scripts/regenerate``) runs the
notebooks once per pair of ``helpers.engine.pairs.MATRIX``, each on a private engine with its own
CLI first on ``PATH``, through nbval as the check does (``helpers.lesson.notebook_run``), and writes
back what each cell printed: the reference pairs' outputs as the cells' own, and another pair's only
where it prints something else once its values (``helpers.lesson.engine_values``) are written as its
store's reference pair's. It says what each pair adds; the change is then reviewed as a diff, and a
second run changes nothing. Timing metadata and version churn are dropped so that
only real output changes show. Linux, as root (private engines).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import docker
import nbformat

from helpers import environment, settings
from helpers.demo import images, platform_builds
from helpers.engine import pairs
from helpers.engine import private as private_engine
from helpers.errors import KitError
from helpers.kit import Kit
from helpers.lesson import (
    expected,
    jupyter_kernel,
    notebook_run,
    recorded,
    values_in_outputs,
)
from helpers.lesson import notebooks as lesson
from helpers.lesson.engine_values import Values

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


def refuse_another_port(path: Path, outputs: list[list[Any]]) -> None:
    """Refuse outputs from a registry on another port than 5000: the pages show the guide's."""
    other = _OTHER_ADDRESS.search(json.dumps(outputs))
    if other:
        raise KitError(
            f"{path.name} ran against a registry at {other.group(0)}, not on port "
            f"{settings.PREFERRED_PORT} "
            f"(it was taken), so its outputs were not stored. Free port "
            f"{settings.PREFERRED_PORT} (`python -m helpers down` frees the kit's own), "
            "and try again."
        )


def store(path: Path, pair: str, outputs: list[list[Any]]) -> int:
    """Store one pair's outputs (one list per code cell) in a notebook; return how many cells
    hold outputs of its own."""
    stored = nbformat.read(path, as_version=4)
    code = [cell for cell in stored.cells if cell.cell_type == "code"]
    own = 0
    for number, (cell, printed) in enumerate(zip(code, outputs, strict=True), start=1):
        fallback = expected.cell_outputs(cell, pairs.BY_NAME[pair].store)
        if expected.same_after_sanitizing(printed, fallback):
            printed = fallback  # a pair's own differs in more than what nbval's rule forgives
        expected.set_cell_outputs(cell, pair, [nbformat.from_dict(o) for o in printed])
        own += expected.has_own_outputs(cell, pair)
        cell.execution_count = number  # as a fresh kernel counts (nbval skips a cell never run)
    normalize(stored)
    text = nbformat.writes(stored)
    path.write_text(text + ("" if text.endswith("\n") else "\n"))
    return own


def as_reference(
    outputs: list[list[Any]], store: str, printed: dict[str, str], step: str
) -> list[list[Any]]:
    """Return a pair's outputs of a step with the values it printed written as its store's
    reference pair's, so that only its own wording is left to tell it apart."""
    reference = Values(None, values_in_outputs.shown_by(step, recorded.reference_values(store)))
    shown = values_in_outputs.shown_by(step, printed)
    return [values_in_outputs.outputs_with_values(cell, shown, reference) for cell in outputs]


def refuse_emulation(client: docker.DockerClient) -> None:
    """Refuse to record on an engine that runs another platform's programs: the stored outputs
    of a cell that runs one say what an engine that runs its own only prints
    (``helpers.lesson.expected``)."""
    own = f"linux/{images.engine_architecture(client)}"
    foreign = sorted(platform_builds.runnable_platforms(client) - {own})
    if foreign:
        raise KitError(
            f"This engine runs {', '.join(foreign)} programs as well as its own ({own}), so "
            "nothing was recorded: record on an engine without emulation."
        )


def record_pair(paths: list[Path], pair: pairs.Pair) -> None:
    """Record every notebook on a private engine of the pair, with the pair's CLI first on
    ``PATH``; then note the pair's versions and the values it printed."""
    folder = Kit.from_environment(SESSION).folder
    shutil.rmtree(folder, ignore_errors=True)  # a failed run's leftovers
    started = private_engine.PrivateEngine(f"{SESSION}-{pair.name}", pair.store, pair.binaries())
    try:
        host = started.start()
        client = docker.DockerClient(base_url=host, timeout=30)
        refuse_emulation(client)
        here = environment.current()
        path = pair.path(here.search_path)
        env = here.child(KIT_SESSION=SESSION, DOCKER_HOST=host, PATH=path)
        ran = notebook_run.run(paths, env, compare=False, values=True)
        if ran.returncode != 0:
            raise KitError(
                f"a notebook failed, so nothing was stored. nbval said:\n{ran.said[-3000:]}"
            )
        versions = recorded.current_versions(client, str(pair.cli()))
        reference = pairs.REFERENCE[pair.store] == pair
        if reference:
            recorded.write_recorded(pair.name, versions, ran.values)
        for notebook in paths:
            read = lesson.read(notebook)
            count = sum(cell.cell_type == "code" for cell in read.cells)
            outputs = ran.cells(notebook, count)
            refuse_another_port(notebook, outputs)
            if not reference:
                outputs = as_reference(outputs, pair.store, ran.values, lesson.step_of(read))
            own = store(notebook, pair.name, outputs)
            adds = "its store's reference" if reference else f"{own} cell(s) of its own"
            on = f"{pair.name} ({versions.engine}, CLI {versions.client})"
            print(f"recorded {notebook} on {on}: {adds}")
        if not reference:
            recorded.write_recorded(pair.name, versions, ran.values)
    finally:
        started.stop()
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    """Record every notebook named on the command line on every pair; say what failed."""
    if not private_engine.supported():
        print(
            "record: every pair runs as a private engine, which needs Linux and root: record "
            "on such a machine.",
            file=sys.stderr,
        )
        return 1
    paths = [Path(name) for name in argv]
    for pair in pairs.MATRIX:
        try:
            record_pair(paths, pair)
        except KitError as error:
            print(f"record ({pair.name}): {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
