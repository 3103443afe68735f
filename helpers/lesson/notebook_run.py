"""Run notebooks the one way the kit does: nbval, in a pytest process of its own.

Checking (``scripts/test``, ``scripts/tutorial``), regenerating (``scripts/regenerate``), the
canary and the tests that run notebooks against another engine or on mutated copies all
execute the notebooks through nbval with ``run``, from the project root unless told otherwise,
so they share its kernels (``tests/plugins/kernel_pool.py``), environment and comparison
(``tests/plugins/nbval_profiles.py``, loaded by the root ``conftest.py``). ``run`` adds
``helpers.lesson.nbval_capture`` to keep what each cell printed.
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
    cwd: Path = PROJECT_ROOT,
    timeout: float | None = None,
) -> Run:
    """Run nbval on notebooks (or folders of them) in ``cwd``, with ``env`` as the child's
    whole environment but for xdist's worker variables (the child is no worker of the run
    that starts it), comparing stored outputs, or only running them, as ``--nbval-lax`` does
    for cells not marked; with ``values``, also read the values that differ between engines
    after every cell; return how it went."""
    own_env = {k: v for k, v in env.items() if not k.startswith("PYTEST_XDIST")}
    with tempfile.TemporaryDirectory(prefix="kit-capture-") as scratch:
        capture = Path(scratch) / "outputs.json"
        mode = "--nbval" if compare else "--nbval-lax"
        done = subprocess.run(
            [
                *(sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q"),
                *(mode, "-p", "helpers.lesson.nbval_capture"),
                f"--kit-capture={capture}",
                *(("--kit-capture-values",) if values else ()),
                *options,
                *(str(path.resolve()) for path in paths),
            ],
            cwd=cwd,
            env=own_env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        found = json.loads(capture.read_text(encoding="utf-8")) if capture.exists() else {}
    cells_by_name = found.get("outputs", {})
    outputs = {
        name: {int(n): outs for n, outs in cells.items()} for name, cells in cells_by_name.items()
    }
    return Run(done.returncode, done.stdout.strip(), outputs, found.get("values", {}))
