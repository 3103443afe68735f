"""Steps 2 to 6 in Docker Hub mode: the same set-ups as the local tutorial's, against the
reader's account (``helpers.hub.target``), and checks of their own (``checks``), which hold
the flow.

What a command prints on someone's own account cannot be stored, so in this mode nothing is
compared with the stored outputs. Each check asks the registry itself instead, through the
engine (``docker.images.get_registry_data``, the engine's ``/distribution`` endpoint, which
does Docker Hub's token exchange as a pull would): the login is stored and then removed, both
tags are there and name one digest, the digest the push recorded and the pull brought back.
A set-up never empties the registry: it is the reader's own, and what an earlier run pushed
stays there (a second push says ``Layer already exists``).
"""

from __future__ import annotations

from helpers import messages
from helpers.errors import KitError
from helpers.hub import account as hub_account
from helpers.hub.account import remote_of
from helpers.hub.target import HubTarget
from helpers.kit import Kit
from helpers.steps.catalogue import STEPS as ALL_STEPS
from helpers.steps.catalogue import Step

STEPS = tuple(name for name, step in ALL_STEPS.items() if step.hub_check is not None)
"""The steps Docker Hub mode runs: the others need the kit's own registry."""

NAMING_STEPS = frozenset(STEPS) - {"login"}
"""The steps that give or push the account's names: ``hub_account.refuse_foreign`` first."""


def announcement(kit: Kit) -> str:
    """Say, as a step starts, what this mode does and what it does not check."""
    remote = remote_of(kit)
    return (
        f"Docker Hub mode: the commands below run against {remote.host} as {remote.user}. "
        "What they print is yours, so it is compared with no stored output; the check at the "
        "end holds the flow instead (credentials stored and removed, tags present, digests "
        "equal)."
    )


def _require_a_step_of_the_mode(step: Step) -> None:
    if step.hub_check is None:
        raise KitError(
            f"Docker Hub mode runs steps 2 to 6 (login to logout) only; the {step.name!r} step "
            "needs the kit's own registry: unset KIT_HUB_USER and KIT_HUB_TOKEN to run it."
        )


def prepare(kit: Kit, step: Step) -> None:
    """Say what this mode does, check the account, then put the world where ``step`` starts;
    refuse, in one sentence, a step that needs the kit's own registry, a token the registry
    does not take, or names that hold something of the reader's."""
    _require_a_step_of_the_mode(step)
    print(messages.in_language(announcement(kit)))
    hub_account.require_login(kit)
    if step.name in NAMING_STEPS:
        hub_account.refuse_foreign(kit)
    step.prepare(HubTarget(kit))


def check(kit: Kit, step: Step) -> str:
    """Check what ``step`` did in the account; return what that confirms."""
    _require_a_step_of_the_mode(step)
    assert step.hub_check is not None
    return step.hub_check(kit)
