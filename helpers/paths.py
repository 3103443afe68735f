"""Where the kit keeps its state: one folder, never the user's ``~/.docker``.

Every session (``main`` for a person, one per test worker) gets its own home folder
with its own ``.docker`` config, so parallel runs never share credentials.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from helpers.errors import KitError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def state_dir() -> Path:
    """Return the kit's state folder (``$KIT_STATE_DIR`` or ``.kit`` in the project)."""
    return Path(os.environ.get("KIT_STATE_DIR") or PROJECT_ROOT / ".kit").resolve()


def session_name() -> str:
    """Return this process's session: ``$KIT_SESSION``, or ``main`` (the test run gives each
    of its workers a session of its own, in the root ``conftest.py``)."""
    name = os.environ.get("KIT_SESSION") or "main"
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name) or name in (".", ".."):
        raise KitError(
            f"KIT_SESSION may hold letters, digits, '.', '_' and '-' only, not {name!r}: "
            "set it to a name such as `main` and try again."
        )
    return name


def session_home(session: str | None = None) -> Path:
    """Return the folder the shell runner uses as ``$HOME`` and working directory."""
    return state_dir() / "sessions" / (session or session_name()) / "home"


def docker_config_dir(session: str | None = None) -> Path:
    """Return the kit's Docker config folder for a session (``<home>/.docker``)."""
    return session_home(session) / ".docker"
