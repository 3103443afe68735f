"""The kit is not installed as a package; the notebooks' own kernel finds it from any folder."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from jupyter_client.manager import KernelManager

from helpers.lesson import jupyter_kernel
from helpers.lesson import notebooks as lesson
from helpers.paths import PROJECT_ROOT
from tests.plugins.run_config import RunConfig


def test_every_notebook_names_the_kits_kernel() -> None:
    """JupyterLab and nbval start the kernel a notebook's metadata names: the kit's."""
    for path in lesson.notebook_paths():
        assert lesson.read(path).metadata["kernelspec"] == jupyter_kernel.SPEC, path.name


def test_the_kernel_finds_the_kit_from_the_notebooks_folder_and_nothing_else_does(
    run_config: RunConfig,
) -> None:
    """The kernel ``scripts/setup`` installed runs the virtual environment's Python with the
    project on its path, so ``from helpers import steps`` works in the notebooks' folder; the
    same Python without that path finds no ``helpers``: none is in site-packages."""
    spec = json.loads(jupyter_kernel.spec_file(Path(sys.prefix)).read_text())
    python = spec["argv"][0]
    assert Path(python).parent == Path(sys.executable).parent
    without = run_config.environment.without("PYTHONPATH").child()
    folder = PROJECT_ROOT / "notebooks"
    probe = [python, "-c", "from helpers import steps"]
    found = subprocess.run(probe, cwd=folder, env={**without, **spec["env"]}, capture_output=True)
    assert found.returncode == 0, found.stderr
    missing = subprocess.run(probe, cwd=folder, env=without, capture_output=True, text=True)
    assert "No module named 'helpers'" in missing.stderr


def test_the_kernel_refuses_bang_commands_until_the_first_cell_has_run() -> None:
    """In a fresh kernel of the kit's, ``!`` would run in the user's own home (after a kernel
    restart, say, with the first cell not run again): it refuses in one sentence and runs
    nothing, until ``steps.start`` points it at the kit's home."""
    manager = KernelManager(kernel_name=jupyter_kernel.NAME)
    manager.start_kernel(cwd=str(PROJECT_ROOT / "notebooks"))
    client = manager.client()
    client.start_channels()
    printed: list[str] = []
    try:
        client.wait_for_ready(timeout=60)
        reply = client.execute_interactive(
            "!echo ran", timeout=60, output_hook=lambda msg: printed.append(str(msg["content"]))
        )
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "KitError"
    assert "Run this notebook's first cell first" in reply["content"]["evalue"]
    assert not any("'text': 'ran" in line for line in printed)


def test_the_kernel_keeps_ipythons_history_out_of_the_users_home(
    tmp_path: Path, run_config: RunConfig
) -> None:
    """A cell's source (a ``docker login`` line among them) goes into IPython's history: the
    kit's kernel keeps it in the kit's own folder, and reads no startup file from the user's
    ``~/.ipython``, which stays as it was."""
    home = tmp_path / "home"
    (home / ".ipython" / "profile_default" / "startup").mkdir(parents=True)
    (home / ".ipython" / "profile_default" / "startup" / "00-mine.py").write_text("MINE = 1\n")
    before = sorted(path.name for path in (home / ".ipython").rglob("*"))
    manager = KernelManager(kernel_name=jupyter_kernel.NAME)
    manager.start_kernel(cwd=str(PROJECT_ROOT / "notebooks"), env=run_config.child(HOME=str(home)))
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        printed: list[str] = []
        client.execute_interactive(
            "print('MINE' in dir()); print(get_ipython().history_manager.hist_file)",
            timeout=60,
            output_hook=lambda msg: printed.append(msg["content"].get("text", "")),
        )
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    ran_mine, history = "".join(printed).splitlines()
    assert ran_mine == "False", "the kernel ran the user's startup file"
    assert Path(history).is_relative_to(jupyter_kernel.IPYTHON_DIR)
    assert sorted(path.name for path in (home / ".ipython").rglob("*")) == before


def test_installing_the_kernels_leaves_nothing_in_the_temporary_folder(tmp_path: Path) -> None:
    """Installing the kernels (``scripts/setup`` does, into ``.venv``) leaves no folder in the
    machine's temporary folder: ipykernel's own install would leave an empty ``*_kernels``
    folder there for each kernel."""
    shared = Path(tempfile.gettempdir())
    before = set(shared.glob("*_kernels"))
    assert jupyter_kernel.install(prefix=tmp_path)
    assert set(shared.glob("*_kernels")) == before
