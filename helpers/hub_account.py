"""The reader's account in Docker Hub mode: what it holds, and what of it the kit may change.

``remote_digest`` asks the registry through the engine (its ``/distribution`` endpoint, which
does Docker Hub's token exchange as a pull would), so the kit needs no client of its own for
Docker Hub's token service.

The mode gives the demo images the names ``HOST/USER/hello-world:0.1.0``, ``...:latest`` and
``HOST/USER/tinybase:latest``, on this engine and in the reader's account. Either may already
hold something of the reader's: an image of theirs under that name here, or a repository
``hello-world`` of theirs on Docker Hub. Before a step changes anything, ``refuse_foreign``
stops, in one sentence, if a name here is on an image that is not a demo image, or if a tag
in the account names a digest that the kit never pushed there. The kit knows what it pushed:
the shell runner tells ``remember_push`` each digest a ``docker push`` printed, and the
session's folder keeps them (``pushed-digests.txt``).
"""

from __future__ import annotations

import re

import docker.errors

from helpers import images, settings
from helpers.errors import KitError
from helpers.kit import Kit
from helpers.remote import Remote

PUSHED = re.compile(r"^\S+: digest: (sha256:[0-9a-f]{64}) size: \d+$", re.MULTILINE)
"""The line ``docker push`` ends with: ``TAG: digest: sha256:... size: N``."""

RECORD = "pushed-digests.txt"

NO_SUCH_REPOSITORY = ("does not exist", "denied")
"""How Docker Hub may answer for a repository that does not exist yet: as for one the account
may not read, since it does not say which (measured on the stand-in: 404 ``manifest unknown``)."""


def remote_of(kit: Kit) -> Remote:
    """Return the reader's account (the kit of Docker Hub mode always has one)."""
    if kit.remote is None:
        raise KitError(
            "Docker Hub mode needs your Docker ID in KIT_HUB_USER and an access token in "
            "KIT_HUB_TOKEN (on hub.docker.com: Account settings, Personal access tokens, with "
            "Read & Write): set both and run again."
        )
    return kit.remote


def refusal(remote: Remote) -> str:
    """Say that the registry did not take the account, and what to check."""
    return (
        f"{remote.host} refused the account {remote.user}: check that KIT_HUB_USER is your "
        "Docker ID and KIT_HUB_TOKEN an access token of it that may read and write."
    )


def remote_digest(kit: Kit, repository: str, tag: str) -> str | None:
    """Return the digest the registry serves for one of the guide's ``repository:tag`` in
    the reader's account, or ``None`` if it has no such tag."""
    remote = remote_of(kit)
    name = remote.name(repository, tag)
    try:
        found = kit.client().images.get_registry_data(name, auth_config=remote.auth_config())
    except docker.errors.NotFound:
        return None
    except docker.errors.APIError as error:
        if error.status_code == 401:
            raise KitError(refusal(remote)) from None
        if any(word in str(error.explanation) for word in NO_SUCH_REPOSITORY):
            return None
        raise KitError(
            f"{remote.host} did not say what {name} is ({error.explanation}): check "
            "KIT_HUB_USER and KIT_HUB_TOKEN."
        ) from None
    return str(found.id)


def names() -> list[tuple[str, str]]:
    """Return the guide's ``(repository, tag)`` pairs that the mode gives the account."""
    pairs = [(settings.DEMO_REPOSITORY, tag) for tag in settings.DEMO_TAGS]
    return [*pairs, (settings.BASE_REPOSITORY, "latest")]


def _record(kit: Kit) -> set[str]:
    path = kit.folder / RECORD
    return set(path.read_text().split()) if path.exists() else set()


def remember_push(kit: Kit, printed: str) -> None:
    """Keep the digests a ``docker push`` printed as pushed by the kit."""
    pushed = set(PUSHED.findall(printed))
    if pushed - _record(kit):
        kit.folder.mkdir(parents=True, exist_ok=True)
        (kit.folder / RECORD).write_text("".join(f"{d}\n" for d in sorted(_record(kit) | pushed)))


def refuse_foreign(kit: Kit) -> None:
    """Raise one sentence if a name the mode uses holds something of the reader's."""
    remote = remote_of(kit)
    client = kit.client()
    demo_ids = {image.id for image in images.kit_images(client)}
    for repository, tag in names():
        name = remote.name(repository, tag)
        found = [image for image in client.images.list(name=name) if image.id not in demo_ids]
        if found:
            raise KitError(
                f"This engine has an image of yours named {name}, which Docker Hub mode would "
                "take for the demo image: rename it (docker tag, then docker image rm) and run "
                "again."
            )
    pushed = _record(kit)
    for repository, tag in names():
        digest = remote_digest(kit, repository, tag)
        if digest is not None and digest not in pushed:
            raise KitError(
                f"{remote.name(repository, tag)} already names an image the kit did not push "
                f"({digest}), and Docker Hub mode would replace it: delete that tag on "
                f"{remote.host}, if it is not yours to keep, or give the mode another account."
            )
