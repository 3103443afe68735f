"""Steps 2 to 6 in Docker Hub mode: their set-ups, and their checks (``checks``), which hold
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

from collections.abc import Callable

from helpers import settings
from helpers.demo import images
from helpers.errors import KitError
from helpers.hub import account as hub_account
from helpers.hub.account import remote_digest, remote_of
from helpers.hub.checks import CHECK
from helpers.kit import Kit
from helpers.settings import DEMO_TAGS as TAGS
from helpers.settings import registry_name
from helpers.steps import setups as step_setups
from helpers.terminal import shell

STEPS = ("login", "tag", "push", "pull", "logout")
"""The steps Docker Hub mode runs: the others need the kit's own registry."""

LOGIN = settings.GUIDE_LOGIN
"""The login the notebooks type; the shell runner gives it the token instead."""

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


def _tag(kit: Kit) -> None:
    for tag in TAGS:
        shell.run(kit, f"docker tag {settings.DEMO_IMAGE} {registry_name(tag)}")


def _push_all(kit: Kit) -> None:
    """Redo the push step: log in, then push the base and both tags of the demo image."""
    shell.run(kit, LOGIN)
    base = registry_name("latest", settings.BASE_REPOSITORY)
    shell.run(kit, f"docker tag {settings.BASE_IMAGE} {base}")
    shell.run(kit, f"docker push {base}")
    _tag(kit)
    for tag in TAGS:
        shell.run(kit, f"docker push {registry_name(tag)}")


def _prepare_login(kit: Kit) -> None:
    images.load_demo_images(kit.client())
    step_setups.logout(kit)


def _prepare_tag(kit: Kit) -> None:
    images.load_demo_images(kit.client())
    hub_account.untag(kit)


def _prepare_push(kit: Kit) -> None:
    images.load_demo_images(kit.client())
    shell.run(kit, LOGIN)
    _tag(kit)


def _prepare_pull(kit: Kit) -> None:
    images.reload_demo_image(kit.client())
    _push_all(kit)


def _prepare_logout(kit: Kit) -> None:
    images.load_demo_images(kit.client())
    digests = {remote_digest(kit, settings.DEMO_REPOSITORY, tag) for tag in TAGS}
    if None in digests or len(digests) != 1:
        _push_all(kit)
    shell.run(kit, LOGIN)


PREPARE: dict[str, Callable[[Kit], None]] = {
    "login": _prepare_login,
    "tag": _prepare_tag,
    "push": _prepare_push,
    "pull": _prepare_pull,
    "logout": _prepare_logout,
}


def _require_a_step_of_the_mode(step: str) -> None:
    if step not in STEPS:
        raise KitError(
            f"Docker Hub mode runs steps 2 to 6 (login to logout) only; the {step!r} step "
            "needs the kit's own registry: unset KIT_HUB_USER and KIT_HUB_TOKEN to run it."
        )


def prepare(kit: Kit, step: str) -> None:
    """Say what this mode does, check the account, then put the world where ``step`` starts;
    refuse, in one sentence, a step that needs the kit's own registry, a token the registry
    does not take, or names that hold something of the reader's."""
    _require_a_step_of_the_mode(step)
    print(announcement(kit))
    hub_account.require_login(kit)
    if step in NAMING_STEPS:
        hub_account.refuse_foreign(kit)
    PREPARE[step](kit)


def check(kit: Kit, step: str) -> str:
    """Check what ``step`` did in the account; return what that confirms."""
    _require_a_step_of_the_mode(step)
    return CHECK[step](kit)
