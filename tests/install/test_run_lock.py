"""A test run's lock on a machine of several users (``tests/plugins/run_lock.py``).

Run as another user (``nobody``, through ``setpriv``) in a temporary folder shared with root:
root's lock folder is root's alone, the other user's run takes a lock of its own, and what
takes its folder's place is one sentence, never a traceback. Linux as root (to be another
user).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.plugins import run_lock
from tests.plugins.run_config import RunConfig

NOBODY = 65534
TAKE = (
    "import run_lock\n"
    "try:\n"
    "    run_lock.take('test')\n"
    "    print('taken')\n"
    "except run_lock.Unusable as error:\n"
    "    print(error)\n"
)


PYTHON = (sys.executable, "-c", TAKE)


def _as_nobody(shared: Path, search_path: str) -> subprocess.CompletedProcess[str]:
    """Take the lock as ``nobody``, with a copy of ``run_lock.py`` in the shared folder: the
    checkout may sit where only root can read (CI's clone does)."""
    shutil.copy(Path(run_lock.__file__), shared / "run_lock.py")
    return subprocess.run(
        ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *PYTHON],
        cwd=shared,
        env={"PATH": search_path, "TMPDIR": str(shared), "HOME": str(shared)},
        capture_output=True,
        text=True,
    )


@pytest.fixture
def shared() -> Iterator[Path]:
    """Return a temporary folder every user may write to and reach, as /tmp is (pytest's own
    are root's alone), removed afterwards."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv, to run as another user")
    folder = Path(tempfile.mkdtemp(prefix="kit-shared-tmp-"))
    folder.chmod(0o1777)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_another_user_takes_a_lock_of_their_own_after_root(
    shared: Path, monkeypatch: pytest.MonkeyPatch, run_config: RunConfig
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(shared))
    mine = run_lock.take("test")  # root's run holds its lock now
    try:
        taken = _as_nobody(shared, run_config.environment.search_path)
    finally:
        mine.close()
    assert taken.returncode == 0 and taken.stdout == "taken\n", taken.stderr
    assert (shared / "docker-share-kit-0").stat().st_mode & 0o777 == 0o700


def test_a_folder_taken_by_another_user_is_one_sentence(
    shared: Path, run_config: RunConfig
) -> None:
    (shared / f"docker-share-kit-{NOBODY}").write_text("root's file, in the way\n")
    said = _as_nobody(shared, run_config.environment.search_path)
    assert said.returncode == 0, said.stderr
    assert said.stdout.startswith(f"The test run's lock folder {shared}/docker-share-kit-{NOBODY}")
    assert said.stdout.count("\n") == 1 and "Traceback" not in said.stderr
