"""What the step notebooks say, read from the notebooks themselves.

The notebooks are the one source of every command a learner types. Several parts of the kit
read them: the shell runner (which cells fail on purpose), the site (commands without
IPython's ``!``, the "fails on purpose" label, the check cells' terminal equivalents) and the
tests that type the commands into a real terminal. They all ask here.

- A notebook names its step in its metadata: ``{"docker-share-kit": {"step": "login"}}``.
- A code cell whose lines start with ``!`` holds commands; the site shows each without ``!``.
- A cell tagged ``fails-on-purpose`` holds commands whose failure is the lesson: the runner
  expects them to fail, and the site labels them. A failure cell holds only such commands.
  The runner knows the cell by its source (a kernel is not told which cell it runs), so no
  other cell of the notebook may have the same source; a Python comment line, which the site
  does not show, tells two such cells apart.
- A cell whose metadata says ``{"docker-share-kit": {"runs-platform": "linux/arm64"}}`` runs
  the demo program built for that platform: it prints the program's output where the engine
  runs that platform's programs, and fails on purpose where it cannot (``exec format error``),
  which the step's set-up asks the engine (``helpers.demo.platform_builds``). It stores the
  outputs of both cases (``helpers.lesson.expected``).
- A cell whose metadata says ``{"docker-share-kit": {"skipped-remotely": "why"}}`` holds
  commands that only the kit's own registry answers: Docker Hub mode skips them and says why.
- A cell tagged ``setup`` prepares the step; ``steps.check(...)`` cells print the commands they
  ran (lines starting with ``$ ``), what those printed, and a last line ``ok: ...``.
- The Markdown cell just before the set-up, tagged ``jupyter-only``, tells a reader in Jupyter
  to run it first; the site, which hides the set-up, leaves that cell out too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.errors import KitError
from helpers.paths import NOTEBOOKS

KEY = "docker-share-kit"
FAILS_ON_PURPOSE = "fails-on-purpose"
SETUP = "setup"
JUPYTER_ONLY = "jupyter-only"
CHECK_PREFIX = "steps.check("
PROMPT = "$ "
"""How a check's output marks the commands it ran, as a terminal shows them."""


def notebook_paths() -> list[Path]:
    """Return the step notebooks in reading order."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))


def read(path: Path) -> Any:
    """Return a notebook (stored as nbformat 4), not validated against nbformat's schema:
    validation took ~80 ms a notebook, paid by every set-up cell, and nbval, which runs the
    notebooks, validates them anyway. nbformat is imported here, not with the module: with
    jsonschema it takes ~0.3 s, which every kernel would pay as it starts (a step's set-up
    reads its notebook with ``stored`` instead)."""
    import nbformat.v4

    return nbformat.v4.reads(path.read_text(encoding="utf-8"))


def stored(path: Path) -> Any:
    """Return a notebook as its file holds it, JSON: enough for metadata, tags and sources
    (``source_of``), and read without nbformat."""
    return json.loads(path.read_text(encoding="utf-8"))


def source_of(cell: Any) -> str:
    """Return a cell's source as one string (a stored cell may hold a list of lines)."""
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def step_of(notebook: Any) -> str:
    """Return the step a notebook teaches (its metadata says)."""
    return str(notebook["metadata"].get(KEY, {}).get("step", ""))


def notebook_for(step: str) -> Path:
    """Return the notebook of a step."""
    for path in notebook_paths():
        if step_of(stored(path)) == step:
            return path
    raise KitError(f"No notebook in {NOTEBOOKS} teaches the step {step!r}.")


def editions_of(step: str) -> list[Path]:
    """Return a step's notebook in each edition, English and Chinese (where it is made yet):
    their commands are the same, and their comment lines, which tell two cells apart, are
    translated (``helpers.lesson.translations``)."""
    english = notebook_for(step)
    return [path for path in (english, NOTEBOOKS / "zh" / english.name) if path.exists()]


def tags(cell: Any) -> list[str]:
    """Return a cell's tags."""
    return list(cell.get("metadata", {}).get("tags", []))


def is_jupyter_only(cell: Any) -> bool:
    """Tell whether a Markdown cell speaks to a reader in Jupyter alone (how to run the hidden
    set-up cell that follows it): the site leaves it out."""
    return JUPYTER_ONLY in tags(cell)


def is_setup(cell: Any) -> bool:
    """Tell whether a cell prepares the step (hidden on the site)."""
    return SETUP in tags(cell)


def is_check(cell: Any) -> bool:
    """Tell whether a cell is the step's check."""
    return cell.cell_type == "code" and cell.source.strip().startswith(CHECK_PREFIX)


def fails_on_purpose(cell: Any) -> bool:
    """Tell whether a cell's commands fail as part of the lesson."""
    return FAILS_ON_PURPOSE in tags(cell)


def commands(cell: Any) -> list[str]:
    """Return the shell commands of a code cell, as a terminal takes them (without ``!``)."""
    if cell.cell_type != "code":
        return []
    lines = [line.strip() for line in cell.source.splitlines() if line.strip()]
    return [line[1:].strip() for line in lines if line.startswith("!")]


RUNS_PLATFORM = "runs-platform"


def platform_run(cell: Any) -> str | None:
    """Return the platform whose demo program a cell runs (``linux/arm64``), if it runs one."""
    found = cell.get("metadata", {}).get(KEY, {}).get(RUNS_PLATFORM)
    return None if found is None else str(found)


def runs_platforms(notebook: Any) -> bool:
    """Tell whether a notebook has cells whose outcome depends on the platforms the engine
    runs (whose set-up must ask the engine, then)."""
    return any(platform_run(cell) for cell in notebook["cells"])


def failing_cells(notebook: Any, runnable: frozenset[str]) -> frozenset[str]:
    """Return the sources (stripped) of a notebook's cells that fail on purpose on an engine
    that runs the programs of the ``runnable`` platforms."""
    return frozenset(
        source_of(cell).strip() for cell in notebook["cells"] if fails_on(cell, runnable)
    )


def fails_on(cell: Any, runnable: frozenset[str]) -> bool:
    """Tell whether a cell fails on purpose on an engine that runs the programs of the
    ``runnable`` platforms."""
    platform = platform_run(cell)
    return fails_on_purpose(cell) or (platform is not None and platform not in runnable)


SKIPPED_REMOTELY = "skipped-remotely"


def skipped_remotely(notebook: Any) -> dict[str, str]:
    """Return, by source (stripped), why Docker Hub mode skips some of a notebook's cells."""
    found = {}
    for cell in notebook["cells"]:
        reason = cell.get("metadata", {}).get(KEY, {}).get(SKIPPED_REMOTELY)
        if reason:
            found[source_of(cell).strip()] = str(reason)
    return found


@dataclass(frozen=True)
class Typed:
    """One command a check ran and what it printed."""

    command: str
    output: str


def check_transcript(text: str) -> tuple[list[Typed], str]:
    """Split a check cell's output into the commands it ran (with their outputs) and its
    last line, the verdict."""
    lines = text.splitlines(keepends=True)
    verdict = lines.pop().strip() if lines else ""
    typed: list[Typed] = []
    for line in lines:
        if line.startswith(PROMPT):
            typed.append(Typed(line[len(PROMPT) :].rstrip("\n"), ""))
        elif typed:
            typed[-1] = Typed(typed[-1].command, typed[-1].output + line)
        else:
            raise KitError(f"A check printed output before any command: {line!r}")
    return typed, verdict
