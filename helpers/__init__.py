"""The kit's helpers: a Docker engine, a throwaway registry, demo images and a shell runner.

Notebooks use ``steps.start`` and ``steps.check``; tests and scripts make a ``Kit`` and pass it
to the rest. The names below are imported when first used, so that ``python -m helpers.X``
(the site build, say) loads no Docker client it does not need.
"""

from __future__ import annotations

import importlib
from typing import Any

_PUBLIC = {
    "CommandFailed": "helpers.errors",
    "EngineUnavailable": "helpers.errors",
    "ImageError": "helpers.errors",
    "Kit": "helpers.kit",
    "KitError": "helpers.errors",
    "Registry": "helpers.registry.container",
    "RegistryError": "helpers.errors",
    "Result": "helpers.terminal.shell",
    "StepIncomplete": "helpers.errors",
    "check": "helpers.steps",
    "final_screen": "helpers.terminal.screen",
    "install": "helpers.terminal.bang",
    "kit_registry": "helpers.registry.sessions",
    "load_demo_images": "helpers.demo.images",
    "remove_kit_images": "helpers.demo.images",
    "remove_leftovers": "helpers.registry.sessions",
    "run": "helpers.terminal.shell",
    "running_registry": "helpers.registry.sessions",
    "start": "helpers.steps",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (PEP 562)."""
    if name not in _PUBLIC:
        raise AttributeError(f"module 'helpers' has no attribute {name!r}")
    return getattr(importlib.import_module(_PUBLIC[name]), name)
