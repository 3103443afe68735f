"""Where the kit is (its state folder, never the user's ``~/.docker``, is
``helpers.environment.state_dir``)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = PROJECT_ROOT / "notebooks"
"""The English step notebooks (the Chinese ones are in its ``zh`` folder)."""


def link_to(link: Path, target: str) -> None:
    """Make ``link`` a symbolic link to ``target``, replacing another in one step (another
    process may be reading it); leave one that already points there."""
    if link.is_symlink() and os.readlink(link) == target:
        return
    with tempfile.TemporaryDirectory(dir=link.parent) as scratch:
        fresh = Path(scratch) / link.name
        fresh.symlink_to(target)
        fresh.replace(link)
