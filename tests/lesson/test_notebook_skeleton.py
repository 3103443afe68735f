"""Every step notebook has the one shape the kit's readers of it assume.

The page maker, the terminal test and the floor read a notebook's commands from its ``!``
lines only and hide its set-up cell. Python in a command cell, or a second set-up cell further
down, would change the world out of every reader's sight, and a check could then confirm a
state no shown command made. So: the first code cell is the set-up and no other is, and just
before it a Markdown cell tagged ``jupyter-only`` tells a reader in Jupyter to run it first (the
site hides both); the last code cell is the check and no other is; every other code cell holds
``!`` commands and Python comments only. Read from the notebooks' JSON, not with
``helpers.lesson.notebooks``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers.lesson import notes
from helpers.paths import NOTEBOOKS

STEP_NOTEBOOKS = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")) + sorted(
    (NOTEBOOKS / "zh").glob("[0-9][0-9]-*.ipynb")
)


def _code_cells(path: Path) -> list[tuple[list[str], str]]:
    """Return each code cell's tags and source, in order."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [
        (cell.get("metadata", {}).get("tags", []), "".join(cell["source"]))
        for cell in cells
        if cell["cell_type"] == "code"
    ]


def _step(path: Path) -> str:
    return str(json.loads(path.read_text(encoding="utf-8"))["metadata"]["docker-share-kit"]["step"])


def skeleton_problems(path: Path) -> list[str]:
    """Return what in a step notebook breaks the shape, one line each."""
    step = _step(path)
    cells = _code_cells(path)
    problems = []
    setups = [index for index, (tags, _) in enumerate(cells) if "setup" in tags]
    if setups != [0]:
        problems.append(f"the set-up cells are code cells {setups}, not only the first")
    elif cells[0][1] != f'from helpers import steps\n\nkit = steps.start("{step}")':
        problems.append(f"the set-up cell is not the {step} step's start: {cells[0][1]!r}")
    checks = [index for index, (_, source) in enumerate(cells) if "steps.check(" in source]
    if checks != [len(cells) - 1]:
        problems.append(f"the check is in code cells {checks}, not only the last")
    elif cells[-1][1] != f'steps.check("{step}")':
        problems.append(f"the last cell is not the {step} step's check alone: {cells[-1][1]!r}")
    for index, (_, source) in enumerate(cells[1:-1], start=1):
        lines = [line for line in source.splitlines() if line.strip()]
        other = [line for line in lines if not line.startswith(("!", "#"))]
        if other or not any(line.startswith("!") for line in lines):
            problems.append(f"code cell {index} is not commands only: {source!r}")
    return problems + _jupyter_note_problems(path)


def _jupyter_note_problems(path: Path) -> list[str]:
    """Return what is wrong with the Jupyter-only note: one, right before the set-up cell."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    tagged = [i for i, c in enumerate(cells) if "jupyter-only" in c["metadata"].get("tags", [])]
    setup = next(i for i, c in enumerate(cells) if "setup" in c["metadata"].get("tags", []))
    if tagged != [setup - 1] or cells[setup - 1]["cell_type"] != "markdown":
        return [f"the Jupyter-only note is at cells {tagged}, not only right before the set-up"]
    return []


@pytest.mark.parametrize("path", STEP_NOTEBOOKS, ids=lambda path: str(path.relative_to(NOTEBOOKS)))
def test_a_step_notebook_is_set_up_then_commands_then_its_check(path: Path) -> None:
    assert skeleton_problems(path) == []


def test_the_shape_test_sees_python_a_second_set_up_and_a_misplaced_check(tmp_path: Path) -> None:
    """Each break of the shape is found, in a copy of the push notebook."""
    source = NOTEBOOKS / "04-push.ipynb"
    notebook = json.loads(source.read_text(encoding="utf-8"))
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    code[2]["source"] = ["import os\n", "!docker push localhost:5000/learner/hello-world:0.1.0"]
    code[3]["metadata"]["tags"] = ["setup"]
    code[4]["source"] = ['steps.check("push")']
    code[-1]["source"] = ['steps.check("push")\n', "print(1)"]
    note = next(c for c in notebook["cells"] if "jupyter-only" in c["metadata"].get("tags", []))
    note["metadata"]["tags"] = []
    broken = tmp_path / source.name
    broken.write_text(json.dumps(notebook), encoding="utf-8")
    found = skeleton_problems(broken)
    assert found[0] == "the set-up cells are code cells [0, 3], not only the first"
    assert found[1] == "the check is in code cells [4, 9], not only the last"
    assert found[2].startswith("code cell 2 is not commands only: 'import os")
    assert found[4] == "the Jupyter-only note is at cells [], not only right before the set-up"
    assert len(found) == 5  # code cell 4, the check, is not commands either


def note_problems(path: Path) -> list[str]:
    """Return the notes of a step notebook that Jupyter or the site would not show as notes:
    Material's ``!!!`` form (raw text in Jupyter), or a bold label that is not one of the
    notebook's language (``helpers.lesson.notes.LABELS``)."""
    language = "zh" if path.parent.name == "zh" else "en"
    problems = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] != "markdown":
            continue
        if re.search(r"^\s*!!! ", source, re.MULTILINE):
            problems.append(f"cell {cell['id']} has a !!! box, which Jupyter shows as raw text")
        for found in re.finditer(r"^> \*\*([^*\n]+?) — ", source, re.MULTILINE):
            if found[1] not in notes.LABELS[language].values():
                problems.append(f"cell {cell['id']}: {found[1]!r} is no label of a note")
    return problems


@pytest.mark.parametrize("path", STEP_NOTEBOOKS, ids=lambda path: str(path.relative_to(NOTEBOOKS)))
def test_every_note_shows_as_a_note_in_jupyter_and_on_the_site(path: Path) -> None:
    assert note_problems(path) == []


def test_the_note_test_sees_a_material_box_and_an_unknown_label(tmp_path: Path) -> None:
    notebook = json.loads((NOTEBOOKS / "02-login.ipynb").read_text(encoding="utf-8"))
    cell = next(c for c in notebook["cells"] if "> **Warning — " in "".join(c["source"]))
    cell["source"] = ['!!! warning "Title"\n', "    text\n\n", "> **Caution — Title**\n"]
    broken = tmp_path / "02-login.ipynb"
    broken.write_text(json.dumps(notebook), encoding="utf-8")
    assert [p.split(" ", 2)[2] for p in note_problems(broken)] == [
        "has a !!! box, which Jupyter shows as raw text",
        "'Caution' is no label of a note",
    ]
