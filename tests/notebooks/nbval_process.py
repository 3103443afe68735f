"""Run nbval on notebooks in a pytest process of its own, as the notebook tests need to.

A separate process has its own kernels, engine and session, so a test can run notebooks
against another engine or on mutated copies without touching the run it is part of.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_nbval(
    targets: list[Path],
    report: Path,
    *,
    cwd: Path,
    env: dict[str, str],
    options: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    """Run nbval on ``targets`` (notebooks, or folders of them) and write a JUnit report;
    ``env`` is added to this process's environment, from which xdist's worker variables are
    left out (the child is no worker)."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST")}
    return subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *options),
            *("--nbval", f"--junitxml={report}", *map(str, targets)),
        ],
        cwd=cwd,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=900,
    )
