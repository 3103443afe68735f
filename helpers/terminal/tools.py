"""The programs the steps' commands may run, and nothing else on their ``PATH``.

With no ``credsStore`` in ``config.json``, the docker CLI looks on ``PATH`` for a credential
helper of the platform (``docker-credential-pass`` when ``pass`` is installed, ``-secretservice``,
``-osxkeychain``, ``-wincred``) and, when it finds one, hands it the password of every login.
Docker Desktop puts those helpers beside ``docker``. The kit's commands would then store the
demo password in the user's own keychain or password store, overwriting their entry for
``localhost:5000``. So the shell runner's ``PATH`` is one folder of the kit's, holding links to
the programs below alone: the CLI finds no helper. The one step that uses a helper adds the
folders of the helper, ``pass`` and GnuPG after these for its own commands only
(``Kit.command_path``, ``helpers.steps.credential_helper``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

from helpers.paths import link_to

TOOLS = (
    "base64", "cat", "curl", "docker", "grep", "ls", "mkdir", "python3", "rm", "sed", "sh",
    "sha256sum", "sleep", "sort",
)  # fmt: skip
"""Every program a step's command calls, or the floor's record of a set-up (a new one must be
added here, or it is not found)."""


def _python() -> str:
    """Return the interpreter the kit runs on, as a real file: a ``python3`` found on ``PATH``
    may be a wrapper (pyenv's shims) that needs the rest of the user's ``PATH``."""
    return os.path.realpath(sys.executable)


def tools_dir(search: str, state: Path) -> Path:
    """Return the kit's folder of links to ``TOOLS`` as found on ``search`` (the user's
    ``PATH``), in the state folder ``state``: one folder per ``docker`` CLI found
    (``.kit/bin/<hash of its path>``), since runs side by side may each put another engine's
    own CLI first on ``PATH`` (``helpers.engine.pairs``)."""
    docker = os.path.realpath(shutil.which("docker", path=search) or "none")
    folder = state / "bin" / hashlib.sha256(docker.encode()).hexdigest()[:10]
    folder.mkdir(parents=True, exist_ok=True)
    for tool in TOOLS:
        found = _python() if tool == "python3" else shutil.which(tool, path=search)
        if found is not None:
            link_to(folder / tool, found)
    return folder
