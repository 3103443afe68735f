"""The reader's account in Docker Hub mode: what it holds, and what of it the kit may change.

The kit asks the registry through the engine: its ``/auth`` endpoint checks the login, and its
``/distribution`` endpoint gives a tag's digest, doing Docker Hub's token exchange as a pull
would; the kit needs no client of its own for Docker Hub's token service.

The mode gives the demo images names in the repositories ``USER/hello-world`` and
``USER/tinybase``, on this engine and in the account, and step 4 pushes every local tag of the
first (``docker push --all-tags``). Either may already hold something of the reader's: an
image of theirs under such a name here, or a repository ``hello-world`` of theirs on Docker
Hub. Before a step gives or pushes a name, ``refuse_foreign`` stops, in one sentence, if a
local tag of those repositories is on an image that is not a demo image, or if a tag the mode
pushes names, in the account, a digest that the kit never pushed there (``Remote.pushed``).
"""

from __future__ import annotations

import contextlib

import docker.errors

from helpers import settings
from helpers.demo import images
from helpers.errors import KitError
from helpers.hub.remote import Remote
from helpers.kit import Kit

NO_SUCH_REPOSITORY = ("does not exist", "denied", "unauthorized")
"""How Docker Hub may answer, to a login it took, for a repository that does not exist yet: as
for one the account may not read, since it does not say which (measured on the stand-in only:
404 ``manifest unknown``)."""

REPOSITORIES = (settings.DEMO_REPOSITORY, settings.BASE_REPOSITORY)
"""The guide's repositories that the mode moves into the account."""


def remote_of(kit: Kit) -> Remote:
    """Return the reader's account (the kit of Docker Hub mode always has one)."""
    if kit.remote is None:
        raise KitError(
            "Docker Hub mode needs your Docker ID in KIT_HUB_USER and an access token in "
            "KIT_HUB_TOKEN (in your Docker account's settings, app.docker.com: Personal access "
            "tokens, with Read & Write): set both and run again."
        )
    return kit.remote


def refusal(remote: Remote) -> str:
    """Say that the registry did not take the account, and what to check."""
    return (
        f"{remote.host} refused the account {remote.user}: check that KIT_HUB_USER is your "
        "Docker ID and KIT_HUB_TOKEN an access token of it that may read and write."
    )


def require_login(kit: Kit) -> None:
    """Raise one sentence unless the registry takes the account's token (the engine checks
    it; nothing is written, and the user's own ``~/.docker`` is never read)."""
    remote = remote_of(kit)
    try:
        kit.client().login(
            remote.user,
            remote.token,
            registry=remote.config_key,
            reauth=True,
            dockercfg_path=str(kit.docker_config / "config.json"),
        )
    except docker.errors.APIError:
        raise KitError(refusal(remote)) from None


def pushed_names() -> list[tuple[str, str]]:
    """Return the guide's ``(repository, tag)`` pairs that the mode pushes to the account."""
    return [
        *((settings.DEMO_REPOSITORY, tag) for tag in settings.DEMO_TAGS),
        (REPOSITORIES[1], "latest"),
    ]


def remote_digest(kit: Kit, repository: str, tag: str) -> str | None:
    """Return the digest the registry serves for one of the guide's ``repository:tag`` in
    the reader's account, or ``None`` if it has no such tag (``require_login`` first)."""
    remote = remote_of(kit)
    name = remote.name(repository, tag)
    try:
        found = kit.client().images.get_registry_data(name, auth_config=remote.auth_config())
    except docker.errors.NotFound:
        return None
    except docker.errors.APIError as error:
        if any(word in str(error.explanation).lower() for word in NO_SUCH_REPOSITORY):
            return None
        raise KitError(f"{remote.host} did not say what {name} is: {error.explanation}.") from None
    return str(found.id)


def _account_tags(kit: Kit) -> list[tuple[bool, list[str]]]:
    """Return, for each local image tagged in the account's repositories, whether it is a demo
    image, and those tags."""
    client = kit.client()
    remote = remote_of(kit)
    demo_ids = {image.id for image in images.kit_images(client)}
    prefixes = tuple(f"{remote.repository(repository)}:" for repository in REPOSITORIES)
    found = []
    for repository in REPOSITORIES:
        for image in client.images.list(name=remote.repository(repository)):
            tags = [tag for tag in image.tags if tag.startswith(prefixes)]
            found.append((image.id in demo_ids, tags))
    return found


def refuse_foreign(kit: Kit) -> None:
    """Raise one sentence if a name the mode gives or pushes holds something of the reader's."""
    remote = remote_of(kit)
    for is_demo, tags in _account_tags(kit):
        if not is_demo and tags:
            raise KitError(
                f"This engine has an image of yours named {tags[0]}, which Docker Hub mode "
                "would replace or push: rename it (docker tag, then docker image rm) and run "
                "again."
            )
    pushed = remote.pushed(kit.state_dir)
    for repository, tag in pushed_names():
        digest = remote_digest(kit, repository, tag)
        if digest is not None and digest not in pushed:
            raise KitError(
                f"{remote.name(repository, tag)} on {remote.host} already names an image the "
                f"kit did not push ({digest}), and Docker Hub mode would replace it: delete "
                "that tag, if it is not yours to keep, or give the mode another account."
            )


def untag(kit: Kit) -> None:
    """Take the account's names off the demo images; a name on an image of the user's, which
    ``refuse_foreign`` found, stays."""
    client = kit.client()
    for is_demo, tags in _account_tags(kit):
        for name in tags if is_demo else []:
            with contextlib.suppress(docker.errors.ImageNotFound):
                client.images.remove(name, noprune=True)
