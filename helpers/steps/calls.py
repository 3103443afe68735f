"""The two calls every step notebook makes: ``start`` first, ``check`` last.

``start(step)`` finds the engine and the kit's registry, makes ``!`` run commands through the
shell runner, and puts the world in the state the step starts from (``step_setups``).
``check(step)`` shows what the learner's machine and registry hold after the step and says in
one line what that confirms, or in one sentence what is missing (``step_checks``). In Docker
Hub mode, both work on the reader's own account instead (``hub_steps``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from helpers import messages, settings
from helpers.demo import platform_builds
from helpers.environment import Environment
from helpers.errors import StepIncomplete
from helpers.hub import steps as hub_steps
from helpers.kit import Kit
from helpers.lesson import notebooks as lesson
from helpers.lesson import ran_as
from helpers.registry.sessions import kit_registry, running_registry
from helpers.steps import credential_helper
from helpers.steps import setups as step_setups
from helpers.steps.catalogue import STEPS
from helpers.steps.catalogue import step as step_called
from helpers.steps.target import LocalTarget
from helpers.terminal import bang

HELPER_STEP = next(name for name, step in STEPS.items() if step.needs_helper)
"""The step whose commands use a credential helper: only they find one on their ``PATH``."""


def kit_for(step: str, environment: Environment | None = None) -> Kit:
    """Make the session's kit as a step's commands need it, from ``environment`` (this
    process's unless given: the notebook's kernel's)."""
    kit = Kit.from_environment(environment=environment)
    if step_called(step).needs_helper:
        found = credential_helper.command_path(kit.environment.search_path)
        return dataclasses.replace(kit, command_path=found)
    return kit


def start(step: str, environment: Environment | None = None) -> Kit:
    """Make the session's kit (from ``environment``, this process's unless given), get its
    registry, route ``!`` through the shell runner, and prepare ``step``; return the kit. In
    Docker Hub mode (``helpers.hub.remote``) the registry is the reader's own account, and
    ``hub_steps`` prepares the step."""
    bang.install(Kit.from_environment(environment=environment))  # first: `!` never waits
    kit = kit_for(step, environment)
    # The runner knows a cell by its source: each edition's, whose comments are translated.
    editions = [lesson.stored(path) for path in lesson.editions_of(step)]
    runnable = _runnable(kit, editions[0])
    failing = frozenset().union(*(lesson.failing_cells(e, runnable) for e in editions))
    skipped = {cell: why for e in editions for cell, why in lesson.skipped_remotely(e).items()}
    if kit.remote is not None:
        bang.install(kit, failing=failing, skipped_remotely=skipped)
        hub_steps.prepare(kit, step_called(step))
        return kit
    registry = kit_registry(kit)
    bang.install(kit, failing=failing, address=registry.address)
    if registry.address != settings.GUIDE_ADDRESS:
        asked = bool(kit.environment.registry_port)
        print(messages.in_language(ran_as.port_taken(registry.address, asked)))
    step_setups.materials(kit)
    step_called(step).prepare(LocalTarget(registry))
    return kit


def _runnable(kit: Kit, notebook: dict[str, Any]) -> frozenset[str]:
    """Return the platforms whose programs the engine runs, if the notebook's cells depend on
    it (asking costs a container run)."""
    if not lesson.runs_platforms(notebook):
        return frozenset()
    return platform_builds.runnable_platforms(kit.client())


def check(step: str, environment: Environment | None = None) -> None:
    """Show what the learner's machine and registry hold after ``step``, then say in one line
    what that confirms; raise one sentence if something is missing.

    It makes the session's kit again (from ``environment``, this process's unless given), so
    that it also answers after a restarted kernel."""
    kit = kit_for(step, environment)
    if kit.remote is not None:
        _say(hub_steps.check(kit, step_called(step)))
        return
    registry = running_registry(kit)
    if registry is None:
        raise StepIncomplete("The kit's registry is not running: run this notebook's first cell.")
    _say(step_called(step).check(registry))


def _say(verdict: str) -> None:
    """Print a check's verdict line, and under it the verdict in the notebook's language."""
    print(f"ok: {verdict}")
    in_language = messages.verdict_in_language(verdict)
    if in_language is not None:
        print(in_language)
