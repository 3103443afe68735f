"""The kernel pool (``tests/plugins/kernel_pool.py``) changes only when kernels start and stop: each
notebook still gets a kernel of its own, in its own folder, and no kernel outlives the run; a
kernel that hangs as it starts is replaced."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import nbformat
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output
from nbval.kernel import CURRENT_ENV_KERNEL_NAME

from helpers.engine import image_store
from helpers.paths import PROJECT_ROOT
from tests.plugins import kernel_pool
from tests.plugins.run_config import RunConfig

pytestmark = pytest.mark.one_store(image_store.CONTAINERD)  # no store changes what it shows


def _notebook(path: Path, cells: list[tuple[str, str]]) -> None:
    """Write a notebook whose code cells store the given stdout."""
    notebook = new_notebook(
        cells=[
            new_code_cell(
                source,
                execution_count=1,
                outputs=[new_output("stream", name="stdout", text=text)],
            )
            for source, text in cells
        ]
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)


def _processes_with(marker: str) -> list[int]:
    """Return the processes whose environment holds the marker."""
    found = []
    for process in psutil.process_iter(["environ"]):
        environ = process.info["environ"] or {}  # None: gone meanwhile, or not ours to read
        if any(marker in f"{key}={value}" for key, value in environ.items()):
            found.append(process.pid)
    return found


def test_each_notebook_gets_its_own_kernel_in_its_folder_and_none_outlives_the_run(
    tmp_path, run_config
):
    """A variable set by one notebook is unknown to the next, which runs in its own folder
    (the spare started in the first one's folder is not used), and after the run no kernel,
    spare or not, is left."""
    _notebook(tmp_path / "a.ipynb", [("seen = 1\nprint(seen)", "1\n")])
    _notebook(
        tmp_path / "other" / "b.ipynb",
        [
            ("print('seen' in dir())", "False\n"),
            ("import os\nprint(os.path.basename(os.getcwd()))", "other\n"),
        ],
    )
    marker = f"KIT_POOL_TEST={uuid.uuid4()}"
    name, value = marker.split("=")
    pytest = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "tests.plugins.kernel_pool",
        "-p",
        "no:cacheprovider",
    ]
    done = subprocess.run(
        [*pytest, "-q", "--nbval", "--nbval-current-env", f"--rootdir={tmp_path}", str(tmp_path)],
        cwd=tmp_path,
        env=run_config.child(PYTHONPATH=str(PROJECT_ROOT), **{name: value}),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert "3 passed" in done.stdout  # a cell of a.ipynb, two of b.ipynb
    assert _processes_with(marker) == []


HANG_THE_FIRST_START = (
    "import pathlib, time; tried = pathlib.Path('tried'); first = not tried.exists(); "
    "tried.touch(); first and time.sleep(600)"
)
"""A kernel preload that never lets the first kernel started in its folder answer."""


def test_a_kernel_that_hangs_as_it_starts_is_replaced_and_stopped(
    tmp_path: Path, run_config: RunConfig
) -> None:
    """The first kernel never answers; the second start gives a kernel that runs code, one
    retry is counted (the pool warns of it), and the hung kernel is not left running."""
    marker = f"KIT_POOL_TEST={uuid.uuid4()}"
    name, value = marker.split("=")
    env = tuple(sorted(run_config.child(**{name: value}).items()))
    launch = kernel_pool.Launch(
        CURRENT_ENV_KERNEL_NAME, str(tmp_path), 10, env, HANG_THE_FIRST_START
    )
    retried = kernel_pool.retried_starts
    kernel = kernel_pool.FreshKernel(launch)
    try:
        assert kernel_pool.retried_starts == retried + 1
        reply = kernel.kc.execute_interactive("print(6 * 7)", timeout=30)
        assert reply["content"]["status"] == "ok"
        assert len(_processes_with(marker)) == 1  # the hung kernel is gone
    finally:
        kernel.km.shutdown_kernel(now=True)
        kernel.kc.stop_channels()
    assert _processes_with(marker) == []


def test_another_nbval_stops_the_run_in_one_sentence() -> None:
    """The pool stands in for nbval 0.11.0's kernel start: with that nbval it lets the run go
    on, and another version stops the run with a sentence that says what to check."""
    assert kernel_pool.changed_nbval() is None
    said = kernel_pool.changed_nbval("0.12.0")
    assert said == (
        "nbval 0.12.0 is installed, and tests/plugins/kernel_pool.py hands nbval 0.11.0 its "
        "kernels: check how this nbval starts a notebook's kernel and uses it, then update "
        "the pool and NBVAL."
    )
