"""Skips under CI and elsewhere (``tests/plugins/skips.py``), seen in runs of pytest of their own on
two tests that skip: one for a missing part, one marked ``may_skip`` (as Docker Hub's real-account
test is)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.environment import Environment
from helpers.paths import PROJECT_ROOT
from tests.plugins import skips
from tests.plugins.run_config import RunConfig

TWO_SKIPS = """
import pytest

def test_needs_a_part():
    pytest.skip("needs tmux")

@pytest.mark.may_skip
def test_needs_an_account():
    pytest.skip("no Docker Hub account given")
"""
SETTINGS = """
[pytest]
markers =
    may_skip: may skip under CI
"""


def _run(tmp_path: Path, run_config: RunConfig, **environ: str) -> subprocess.CompletedProcess[str]:
    """Run the two skipping tests with only the skip plugin, in a folder of their own."""
    (tmp_path / "test_two_skips.py").write_text(TWO_SKIPS)
    (tmp_path / "pytest.ini").write_text(SETTINGS)
    env = run_config.environment.without("CI", "PYTEST_XDIST_WORKER").child()
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.plugins.skips",
            "-p",
            "no:cacheprovider",
            "-rs",
        ],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(PROJECT_ROOT), **environ},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(sys.platform != "linux" or os.geteuid() != 0, reason="needs Linux and root")
def test_under_ci_as_root_a_skip_for_a_missing_part_fails(tmp_path, run_config):
    """Under CI on Linux as root, the skip for a missing part fails and gives its reason; the
    test marked ``may_skip`` still skips."""
    done = _run(tmp_path, run_config, CI="true")
    assert done.returncode == 1, done.stdout
    assert "1 failed, 1 skipped" in done.stdout, done.stdout
    assert "this test may not skip; it skipped: needs tmux" in done.stdout, done.stdout


def test_elsewhere_a_skip_is_a_skip_and_the_run_says_how_many(tmp_path, run_config):
    """Without CI, or under CI without root (GitHub's workflow), both tests skip, and the run
    ends with one line saying how many tests this machine did not run."""
    done = _run(tmp_path, run_config)
    assert done.returncode == 0, done.stdout
    assert "2 skipped" in done.stdout, done.stdout
    assert "Not run on this machine: 2 tests (SKIPPED above" in done.stdout, done.stdout
    assert not skips.skips_fail(Environment({"CI": "true"}), "linux", 1001)
    assert skips.skips_fail(Environment({"CI": "true"}), "linux", 0)
