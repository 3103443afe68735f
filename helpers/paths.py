"""Where the kit is (its state folder, never the user's ``~/.docker``, is
``helpers.environment.state_dir``)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = PROJECT_ROOT / "notebooks"
"""The English step notebooks (the Chinese ones are in its ``zh`` folder)."""
