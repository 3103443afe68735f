"""The kit is not installed as a package; the notebooks' own kernel finds it from any folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from helpers import jupyter_kernel, lesson
from helpers.paths import PROJECT_ROOT


def test_every_notebook_names_the_kits_kernel() -> None:
    """JupyterLab and nbval start the kernel a notebook's metadata names: the kit's."""
    for path in lesson.notebook_paths():
        assert lesson.read(path).metadata["kernelspec"] == jupyter_kernel.SPEC, path.name


def test_the_kernel_finds_the_kit_from_the_notebooks_folder_and_nothing_else_does() -> None:
    """The kernel ``scripts/setup`` installed runs the virtual environment's Python with the
    project on its path, so ``from helpers import steps`` works in the notebooks' folder; the
    same Python without that path finds no ``helpers``: none is in site-packages."""
    spec = json.loads(jupyter_kernel.spec_file(Path(sys.prefix)).read_text())
    python = spec["argv"][0]
    assert Path(python).parent == Path(sys.executable).parent
    without = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    folder = PROJECT_ROOT / "notebooks"
    probe = [python, "-c", "from helpers import steps"]
    found = subprocess.run(probe, cwd=folder, env={**without, **spec["env"]}, capture_output=True)
    assert found.returncode == 0, found.stderr
    missing = subprocess.run(probe, cwd=folder, env=without, capture_output=True, text=True)
    assert "No module named 'helpers'" in missing.stderr
