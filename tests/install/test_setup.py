"""``scripts/setup`` never reuses a ``.venv`` that a Python too old for the kit made.

No Python older than 3.10 is on this machine, so the old ``.venv`` is simulated at its edge:
its ``python`` says it is 3.9.18. Setup then goes on to make a new one with ``$PYTHON``; the
test stops it there (a ``$PYTHON`` that cannot make one, and an ``apt-get`` that fails), so
nothing is installed. What it checks: the old ``.venv`` is gone, and setup said why.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.plugins.run_config import RunConfig

PROJECT_ROOT = Path(__file__).resolve().parents[2]

OLD_PYTHON = """#!/bin/sh
case "$*" in
  *version_info*) exit 1 ;;
  *python_version*) echo 3.9.18 ;;
esac
"""
NO_VENV_PYTHON = f"""#!/bin/sh
case "$*" in
  *"-m venv"*) exit 1 ;;
  *) exec {sys.executable} "$@" ;;
esac
"""


def _script(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)


@pytest.mark.parametrize(
    ("locale", "said_first"),
    [
        ({}, "making .venv again: it was made by Python 3.9.18"),
        (
            {"KIT_LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "zh_CN.UTF-8"},
            "重新创建 .venv：它是由 Python 3.9.18 创建的",
        ),
    ],
    ids=["en", "zh"],
)
def test_a_venv_made_by_a_too_old_python_is_made_again(
    tmp_path: Path, run_config: RunConfig, locale: dict[str, str], said_first: str
) -> None:
    """A .venv made by a Python too old is made again, and set-up says so in the reader's
    language (``KIT_LANGUAGE``, else the locale)."""
    project = tmp_path / "kit"
    (project / "scripts").mkdir(parents=True)
    shutil.copy2(PROJECT_ROOT / "scripts" / "setup", project / "scripts" / "setup")
    _script(project / ".venv" / "bin" / "python", OLD_PYTHON)
    _script(tmp_path / "bin" / "python3", NO_VENV_PYTHON)
    _script(tmp_path / "bin" / "apt-get", "#!/bin/sh\nexit 1\n")
    done = subprocess.run(
        [str(project / "scripts" / "setup")],
        env=run_config.child(PATH=f"{tmp_path / 'bin'}:{run_config.environment.search_path}",
                             PYTHON=str(tmp_path / "bin" / "python3"), **locale),
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    said = done.stdout + done.stderr
    assert said_first in said, said
    assert not (project / ".venv").exists(), said
