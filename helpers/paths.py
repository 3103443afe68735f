"""Where the kit is, and where it keeps its state: one folder, never the user's ``~/.docker``
(each session's folders in it are its ``Kit``'s)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = PROJECT_ROOT / "notebooks"
"""The English step notebooks (the Chinese ones are in its ``zh`` folder)."""


def state_dir() -> Path:
    """Return the kit's state folder (``$KIT_STATE_DIR`` or ``.kit`` in the project)."""
    return Path(os.environ.get("KIT_STATE_DIR") or PROJECT_ROOT / ".kit").resolve()
