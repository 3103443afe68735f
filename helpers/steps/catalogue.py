"""Every step of the tutorial, registered once: its name, its set-up, its checks and what it
needs.

A step's notebook names the step in its metadata (``helpers.lesson.notebooks.notebook_for``).
``steps.start`` prepares a step against a ``Target`` (``helpers.steps.target``): the kit's own
registry, or in Docker Hub mode the reader's account, through the same set-up; ``steps.check``
runs the check for the kit's registry, or the one that asks the reader's account. Adding a step
means a notebook and one ``Step`` here (the maintainers page shows the files it touches).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from helpers import settings
from helpers.environment import Environment
from helpers.errors import KitError
from helpers.hub import checks as hub_checks
from helpers.kit import Kit
from helpers.registry.container import Registry
from helpers.steps import (
    beyond_guide_checks,
    beyond_guide_setups,
    buildx,
    checks,
    credential_helper,
    setups,
)
from helpers.steps.target import LocalTarget, Target


@dataclass(frozen=True)
class Step:
    """One step of the tutorial."""

    name: str
    """What its notebook's metadata calls it, and ``steps.start`` and ``steps.check`` are given."""
    prepare: Callable[[Target], None]
    """Put the world where the step starts (``helpers.steps.setups``)."""
    check: Callable[[Registry], str]
    """Check what it did with the kit's registry (``helpers.steps.checks``)."""
    hub_check: Callable[[Kit], str] | None = None
    """Check what it did with the reader's account; None: the step needs the kit's registry."""
    needs_helper: bool = False
    """Whether its commands find a credential helper on their ``PATH``."""
    needs: Callable[[Environment], object] | None = None
    """Say in a sentence (``KitError``) what this machine lacks for the step, which no other
    step needs (nbval then skips its notebook with that sentence); None: nothing beyond the
    engine and the registry."""


def local_only(prepare: Callable[[LocalTarget], None]) -> Callable[[Target], None]:
    """Return a set-up that needs the kit's own registry, as one any target may be given."""

    def on(target: Target) -> None:
        if not isinstance(target, LocalTarget):
            raise KitError("This step needs the kit's own registry.")
        prepare(target)

    return on


STEPS = {
    step.name: step
    for step in (
        Step("concepts", local_only(setups.prepare_concepts), checks.check_concepts),
        Step("login", setups.prepare_login, checks.check_login, hub_checks.check_login),
        Step("tag", setups.prepare_tag, checks.check_tag, hub_checks.check_tag),
        Step("push", setups.prepare_push, checks.check_push, hub_checks.check_push),
        Step("pull", setups.prepare_pull, checks.check_pull, hub_checks.check_pull),
        Step("logout", setups.prepare_logout, checks.check_logout, hub_checks.check_logout),
        Step("mistakes", local_only(setups.prepare_mistakes), checks.check_mistakes),
        Step(
            "cleanup",
            local_only(beyond_guide_setups.prepare_cleanup),
            beyond_guide_checks.check_cleanup,
        ),
        Step(
            "helper",
            local_only(beyond_guide_setups.prepare_helper),
            beyond_guide_checks.check_helper,
            needs_helper=True,
            needs=lambda environment: credential_helper.command_path(environment.search_path),
        ),
        Step(
            settings.PLATFORMS_STEP,
            local_only(beyond_guide_setups.prepare_platforms),
            beyond_guide_checks.check_platforms,
            needs=buildx.plugin,
        ),
    )
}
"""Every step, by name, in the order of the notebooks."""


def step(name: str) -> Step:
    """Return the step called ``name``, or say in one sentence that there is none."""
    found = STEPS.get(name)
    if found is None:
        raise KitError(f"There is no step {name!r}: the steps are {', '.join(STEPS)}.")
    return found
