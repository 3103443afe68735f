"""A pytest plugin that keeps what each notebook cell printed when nbval ran it.

With ``--kit-capture=FILE``, the run ends by writing a JSON object there: for each notebook
(its file name), the outputs of each code cell that ran, by the cell's number among the code
cells, as nbval received and compared them (its public ``IPyNbCell.test_outputs``, streams
joined), under ``outputs``; and with ``--kit-capture-values``, under ``values``, the values
that differ between engines (``helpers.lesson.engine_values``), read after every cell.
``helpers.lesson.notebook_run`` loads it, so that regenerating and the canary run the notebooks
exactly as the check does.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from helpers.kit import Kit
from helpers.lesson.engine_values import Values

OPTION = "--kit-capture"
VALUES_OPTION = "--kit-capture-values"
_outputs: dict[str, dict[int, list[Any]]] = {}
_values: Values | None = None


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--kit-capture=FILE`` and ``--kit-capture-values``."""
    parser.addoption(OPTION, default=None, help="write each notebook cell's outputs to FILE")
    parser.addoption(
        VALUES_OPTION,
        action="store_true",
        default=False,
        help="with them, the values the engine and registry report after each cell",
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Keep a cell's outputs once nbval has run it, whether or not it passed, and read the
    values the engine and registry report then."""
    global _values
    try:
        return (yield)
    finally:
        outputs = getattr(item, "test_outputs", None)
        if outputs is not None and item.config.getoption(OPTION):
            _outputs.setdefault(item.path.name, {})[item.cell_num] = list(outputs)  # type: ignore[attr-defined]
            if item.config.getoption(VALUES_OPTION):
                _values = _values or Values(Kit.from_environment())
                _values.refresh()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Write what was kept, if asked to."""
    target = session.config.getoption(OPTION)
    if target:
        values = _values.known if _values is not None else {}
        captured = {"outputs": _outputs, "values": values}
        Path(target).write_text(json.dumps(captured), encoding="utf-8")
