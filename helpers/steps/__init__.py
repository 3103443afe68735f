"""The tutorial's steps: each one's set-up and check, and the two calls every step notebook
makes, ``steps.start`` first and ``steps.check`` last (``calls``).

The calls' names load on first use (PEP 562): a notebook's ``from helpers import steps`` then
``steps.start(...)`` finds them here, while the modules below them (``local_state``,
``credential_helper``...) import without pulling in every step.
"""

from __future__ import annotations

import importlib
from typing import Any

CALLS = ("start", "check", "kit_for", "HELPER_STEP", "STEPS")
"""The names of ``calls`` given here; any other name is a module of this package."""


def __getattr__(name: str) -> Any:
    """Give one of ``CALLS`` on first use."""
    if name not in CALLS:
        raise AttributeError(f"module 'helpers.steps' has no attribute {name!r}")
    return getattr(importlib.import_module("helpers.steps.calls"), name)
