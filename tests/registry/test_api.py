"""The public API: what ``helpers`` exports is pinned, so a change to it is a visible diff."""

from __future__ import annotations

import subprocess
import sys

import helpers
from helpers.paths import PROJECT_ROOT
from tests.plugins.run_config import RunConfig

PUBLIC = [
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


def test_public_names_are_pinned():
    """``helpers.__all__`` lists exactly the public names, sorted."""
    assert helpers.__all__ == PUBLIC


def test_every_public_name_exists_and_says_what_it_does():
    """Every exported name is importable from ``helpers`` and carries a docstring."""
    for name in PUBLIC:
        assert getattr(helpers, name).__doc__, name


def test_errors_a_user_can_hit_are_kit_errors():
    """Every error the kit raises on purpose is a KitError, the kind shown as one sentence."""
    errors = ["CommandFailed", "EngineUnavailable", "ImageError", "RegistryError", "StepIncomplete"]
    for name in errors:
        assert issubclass(getattr(helpers, name), helpers.KitError), name


def test_importing_helpers_loads_no_docker_client(run_config: RunConfig):
    """``import helpers`` (which every ``python -m helpers.X`` does first) imports neither the
    Docker SDK nor the terminal emulator: the public names load on first use."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, helpers; print(sorted({'docker', 'pyte'} & set(sys.modules)))",
        ],
        cwd=PROJECT_ROOT,
        env=run_config.child(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == "[]\n", done.stdout
