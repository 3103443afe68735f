"""The maintainers' canary: what does the newest Docker that Debian has print now?

``python -m helpers.maintain.canary`` (or ``scripts/canary``) fetches the newest docker.io and
docker-cli from Debian unstable, newer than the matrix's (``helpers.engine.pairs``) once it moves
on, starts it as a private engine once per image store with its own CLI first on ``PATH``, runs
every notebook on it through nbval as the check does, and prints, per cell, a diff of what it
printed against the outputs of the recorded pair it is held to, with the values its engine and
registry reported written in (``helpers.lesson.expected``). It never fails: a diff is news for the
maintainers, not a broken kit. To keep that version's wording, add it to ``pairs.MATRIX`` and
run ``scripts/regenerate``, which records it as a pair of its own. Linux, as root.
"""

from __future__ import annotations

import difflib
import sys

import docker

from helpers import environment, settings
from helpers.engine import debian as debian_engine
from helpers.engine import image_store, pairs
from helpers.engine import private as private_engine
from helpers.environment import Environment
from helpers.errors import KitError
from helpers.kit import Kit
from helpers.lesson import (
    expected,
    notebook_run,
    ran_as,
    recorded,
    values_in_outputs,
)
from helpers.lesson import notebooks as lesson
from helpers.lesson.engine_values import ADDRESS, Values
from helpers.paths import NOTEBOOKS

SESSION = "canary"
SUITE = "unstable"
"""Debian's newest docker.io: unstable, which testing (the matrix's newest pair) follows."""


def diff_store(host: str, newest: pairs.Pair) -> tuple[int, str]:
    """Run nbval on every notebook on the engine of ``newest``, with its CLI, and print how each
    cell's outputs differ from those of the recorded pair it is held to; return the number of
    cells that differ, and what nbval said last."""
    store = newest.store
    here = environment.current()
    path = newest.path(here.search_path)
    env = here.child(DOCKER_HOST=host, KIT_SESSION=SESSION, PATH=path)
    versions = recorded.current_versions(docker.DockerClient(base_url=host), str(newest.cli()))
    pair = recorded.nearest_pair(versions)
    print(recorded.summary(versions))
    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    ran = notebook_run.run(paths, env, compare=True, values=True)
    values = Values(None, ran.values)
    canary = Kit.from_environment(environment=Environment(env))
    address = values.known.get(ADDRESS, settings.GUIDE_ADDRESS)
    differing = 0
    for notebook in paths:
        read = lesson.read(notebook)
        written = values_in_outputs.shown_by(lesson.step_of(read), recorded.reference_values(store))
        code = [cell for cell in read.cells if cell.cell_type == "code"]
        printed_by_cell = ran.cells(notebook, len(code))
        for number, (cell, shown) in enumerate(zip(code, printed_by_cell, strict=True)):
            added = ran_as.added_lines(canary, cell, address, chinese=False)
            printed = ran_as.without_what_the_kit_added(shown, added)
            stored = values_in_outputs.with_values(
                expected.printed_text(expected.cell_outputs(cell, pair)),
                written,
                values,
            )
            before, after = (
                expected.sanitized(stored),
                expected.sanitized(expected.printed_text(printed)),
            )
            if before != after:
                differing += 1
                name = f"{notebook.name} Cell {number}"
                lines = difflib.unified_diff(
                    before.splitlines(keepends=True),
                    after.splitlines(keepends=True),
                    f"{name} (stored for {pair})",
                    f"{name} (newest Docker)",
                )
                sys.stdout.writelines(lines)
    failed = [line for line in ran.said.splitlines() if line.startswith("FAILED")]
    last = ran.said.splitlines()[-1] if ran.said else "nbval printed nothing"
    return differing, "\n".join([*failed, last])


def _say(line: str) -> None:
    print(f"canary: {line}...", flush=True)


def main() -> int:
    """Run the canary on both image stores of the newest docker.io Debian has."""
    try:
        binaries = debian_engine.unpacked(SUITE, refresh=True, progress=_say)
    except KitError as error:
        print(f"canary: {error}", file=sys.stderr)
        return 0
    print(f"canary: Docker {binaries.version()} from Debian {SUITE}, with its own CLI")
    for store in image_store.PROFILES:
        newest = pairs.Pair(f"{SUITE}-{store}", store, SUITE)
        engine = private_engine.PrivateEngine(f"{SESSION}-{store}", store, binaries)
        try:
            host = engine.start()
            print(f"\n== {store} image store: outputs against the stored ones ==")
            count, verdict = diff_store(host, newest)
            print(f"{count} cell(s) differ" if count else "no cell differs")
            print(f"== {store} image store: nbval ==")
            print(verdict)
        except KitError as error:
            print(f"canary ({store} image store): {error}", file=sys.stderr)
        finally:
            engine.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
