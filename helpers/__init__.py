"""The kit's helpers: a Docker engine, a throwaway registry, demo images and a shell runner.

Notebooks use ``steps.start`` and ``steps.check``; tests and scripts make a ``Kit`` and pass it
to the rest.
"""

from helpers.bang import install
from helpers.errors import (
    CommandFailed,
    EngineUnavailable,
    ImageError,
    KitError,
    RegistryError,
    StepIncomplete,
)
from helpers.images import load_demo_images, remove_kit_images
from helpers.kit import Kit
from helpers.registry import Registry
from helpers.screen import final_screen
from helpers.session_registries import kit_registry, remove_leftovers, running_registry
from helpers.shell import Result, run
from helpers.steps import check, start

__all__ = [
    "CommandFailed",
    "EngineUnavailable",
    "ImageError",
    "Kit",
    "KitError",
    "Registry",
    "RegistryError",
    "Result",
    "StepIncomplete",
    "check",
    "final_screen",
    "install",
    "kit_registry",
    "load_demo_images",
    "remove_kit_images",
    "remove_leftovers",
    "run",
    "running_registry",
    "start",
]
