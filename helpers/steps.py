"""The two calls every step notebook makes: ``start`` first, ``check`` last.

``start(step)`` finds the engine and the kit's registry, makes ``!`` run commands through the
shell runner, and puts the world in the state the step starts from (``step_setups``).
``check(step)`` shows what the learner's machine and registry hold after the step and says in
one line what that confirms, or in one sentence what is missing (``step_checks``).
"""

from __future__ import annotations

from helpers import lesson, shell, step_checks, step_setups
from helpers.errors import StepIncomplete
from helpers.registry import Registry
from helpers.session_registries import kit_registry, running_registry


def start(step: str) -> Registry:
    """Get the kit's registry, route ``!`` through the shell runner, and prepare ``step``."""
    shell.install()  # first: should the rest fail, `!` still never waits at a prompt
    failing = lesson.failing_cells(lesson.notebook_for(step))
    registry = kit_registry()
    shell.install(failing=failing, address=registry.address)
    step_setups.materials()
    step_setups.PREPARE[step](registry)
    return registry


def check(step: str) -> None:
    """Show what the learner's machine and registry hold after ``step``, then say in one line
    what that confirms; raise one sentence if something is missing."""
    registry = running_registry()
    if registry is None:
        raise StepIncomplete("The kit's registry is not running: run this notebook's first cell.")
    print(f"ok: {step_checks.CHECK[step](registry)}")
