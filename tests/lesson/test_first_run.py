"""A learner's first run: the notebooks pass against a bare engine.

A bare engine holds no registry image and no demo images, and here Docker Hub is out of reach,
so the first notebook's set-up cell has to build the registry image; any line it printed would
fail nbval. Each worker's private engine starts bare (root ``conftest.py``) and runs the
notebooks before any other test, so the run's own verification of each image store is that
first run: this test makes sure it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.lesson import notebooks as lesson
from helpers.lesson import translations


def _code_cells(paths: list[Path]) -> int:
    return sum(cell.cell_type == "code" for path in paths for cell in lesson.read(path).cells)


def test_the_notebooks_ran_first_on_a_bare_engine(
    request: pytest.FixtureRequest, engine_was_bare: bool | None, chinese_cells_kept: bool
) -> None:
    """The worker's engine held no image when it started, and every cell of every notebook of
    each edition the worker verifies (English; Chinese on one store's worker, see ``one_store``
    in ``conftest.py``) ran before any other test (whether they passed is what those cells
    report)."""
    if engine_was_bare is None:
        pytest.skip("only a worker's private engine starts bare (Linux, root, xdist)")
    items = request.session.items
    cells = [item for item in items if item.path.suffix == ".ipynb"]
    english = lesson.notebook_paths()
    if sum(item.path in english for item in cells) != _code_cells(english):
        pytest.skip("this run verifies only some English notebook cells, or none")
    chinese = [translations.chinese_notebook(path) for path in english]
    editions = [*english, *(chinese if chinese_cells_kept else [])]
    assert len(cells) == _code_cells(editions), (
        f"the worker ran {len(cells)} notebook cells, not those of "
        + ("both editions" if chinese_cells_kept else "the English edition alone")
    )
    assert engine_was_bare, "the worker's private engine held images when it started"
    assert items[: len(cells)] == cells, "another test ran on the engine before the notebooks"
