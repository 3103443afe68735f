"""Run notebooks the one way the kit does: nbval, in a pytest process of its own.

Checking (``scripts/test``, ``scripts/tutorial``), regenerating (``scripts/regenerate``) and
the canary all execute the notebooks through nbval from the project root, so they share its
kernels (``tests/kernel_pool.py``), environment and sanitising rules
(``tests/nbval_profiles.py``, loaded by the root ``conftest.py``). ``run`` adds
``helpers.nbval_capture`` to keep what each cell printed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.paths import PROJECT_ROOT


@dataclass(frozen=True)
class Run:
    """How a run of nbval ended, what it printed, and what each code cell printed."""

    returncode: int
    said: str
    outputs: dict[str, dict[int, list[Any]]]
    """Notebook file name -> code cell number -> outputs, for the cells that ran."""
    values: dict[str, str]
    """The values that differ between engines, as the engine and registry reported them."""

    def cells(self, path: Path, count: int) -> list[list[Any]]:
        """Return the outputs of a notebook's ``count`` code cells, in order (a cell that did
        not run printed nothing)."""
        ran = self.outputs.get(path.name, {})
        return [ran.get(number, []) for number in range(count)]


def run(
    paths: list[Path],
    env: dict[str, str],
    *,
    compare: bool,
    values: bool = False,
    options: tuple[str, ...] = (),
) -> Run:
    """Run nbval on notebooks with ``env`` (comparing stored outputs, or only running them,
    as ``--nbval-lax`` does for cells not marked); with ``values``, also read the values that
    differ between engines after every cell; return how it went."""
    with tempfile.TemporaryDirectory(prefix="kit-capture-") as scratch:
        capture = Path(scratch) / "outputs.json"
        mode = "--nbval" if compare else "--nbval-lax"
        done = subprocess.run(
            [
                *(sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q"),
                *(mode, "-p", "helpers.nbval_capture"),
                f"--kit-capture={capture}",
                *(("--kit-capture-values",) if values else ()),
                *options,
                *(str(path.resolve()) for path in paths),
            ],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        found = json.loads(capture.read_text(encoding="utf-8")) if capture.exists() else {}
    cells_by_name = found.get("outputs", {})
    outputs = {
        name: {int(n): outs for n, outs in cells.items()} for name, cells in cells_by_name.items()
    }
    return Run(done.returncode, done.stdout.strip(), outputs, found.get("values", {}))
