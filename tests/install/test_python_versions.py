"""The pinned packages install on every Python the README names: 3.10 and newer.

Two checks, both against the real package index:

- ``requirements.lock`` resolves for every Python from 3.10 on (3.11.2, Debian 12's, and
  3.11.5, where pymdown-extensions 13 starts, included). pip's ``--python-version`` cannot
  answer that: it checks each release's Requires-Python for the target, but evaluates the
  lock's markers (``python_full_version < '3.11.5'``) against the Python that runs it. uv's
  universal resolution evaluates them for every version at once. Its cache is the kit's own
  (``.kit/uv-cache``); a release's metadata never changes on the index, so an answer from the
  cache is tried first and the index is asked only when the cache falls short.
- The lock installs for real with Debian's own ``/usr/bin/python3`` (3.11.2 on Debian 12),
  the interpreter of the most common learner on Linux, and the kit imports from it, run from
  the project folder (the kit itself is not installed). That
  virtual environment is kept in ``.kit/`` under the hash of the lock, what it installs (a
  change elsewhere in ``pyproject.toml``, a test marker say, needs no new install), so a warm
  run only checks it (``pip check`` and the imports); a changed pin installs anew.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.environment import state_dir
from helpers.paths import PROJECT_ROOT
from tests.plugins.run_config import RunConfig

LOCK = PROJECT_ROOT / "requirements.lock"
OLDEST_PYTHON = "3.10"
DEBIAN_PYTHON = Path("/usr/bin/python3")


def _uv(run_config: RunConfig, *args: str) -> subprocess.CompletedProcess[str]:
    uv = Path(sys.executable).parent / "uv"
    scratch = state_dir() / "uv-tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [str(uv), *args],
        # uv's cache and any Python it fetches stay in .kit, never in the user's home, and so
        # do the lock files it leaves in the temporary folder (uv-setuptools-*.lock)
        env=run_config.child(
            UV_CACHE_DIR=str(state_dir() / "uv-cache"),
            UV_PYTHON_INSTALL_DIR=str(state_dir() / "uv-python"),
            TMPDIR=str(scratch),
        ),
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_lock_resolves_for_every_python_from_3_10(run_config: RunConfig) -> None:
    """Every pin, under its marker, suits every Python from 3.10 on, and the pins agree."""
    resolve = ("pip", "compile", str(LOCK), "--universal", "--python-version", OLDEST_PYTHON)
    quiet = ("--no-header", "-q", "-o", os.devnull)
    done = _uv(run_config, *resolve, *quiet, "--offline")
    if done.returncode != 0:  # the cache lacks some metadata: ask the index
        done = _uv(run_config, *resolve, *quiet)
    assert done.returncode == 0, done.stderr[-3000:]


def _fingerprint() -> str:
    digest = hashlib.sha256(LOCK.read_bytes())
    return digest.hexdigest()[:16]


def test_lock_installs_with_debians_own_python(run_config: RunConfig) -> None:
    """A virtual environment of ``/usr/bin/python3`` takes the lock and runs the kit."""
    if not DEBIAN_PYTHON.exists():
        pytest.skip("no /usr/bin/python3 (not a Debian-like system)")
    venv = state_dir() / "python-check" / _fingerprint()
    python = venv / "bin" / "python"
    if not (venv / "installed").exists():
        shutil.rmtree(venv.parent, ignore_errors=True)  # older fingerprints go
        venv_made = [str(DEBIAN_PYTHON), "-m", "venv", str(venv)]
        made = subprocess.run(venv_made, env=run_config.child(), capture_output=True)
        if made.returncode != 0:
            pytest.skip("/usr/bin/python3 has no venv module (Debian's python3-venv)")
        install = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        done = subprocess.run(
            [*install, "-r", str(LOCK)],
            cwd=PROJECT_ROOT,
            env=run_config.child(),
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        (venv / "installed").touch()
    checked = subprocess.run(
        [str(python), "-m", "pip", "check", "--disable-pip-version-check"],
        env=run_config.child(),
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout
    imports = "import helpers.cli, nbval, mkdocs, material, zensical, pytest, playwright"
    # The kit runs from its folder, as scripts/setup and the README run it.
    ran = subprocess.run(
        [str(python), "-c", imports],
        cwd=PROJECT_ROOT,
        env=run_config.child(),
        capture_output=True,
        text=True,
    )
    assert ran.returncode == 0, ran.stderr
