"""Where a step's set-up puts the world: the kit's own registry, or the reader's Docker Hub
account (``helpers.hub.target``).

A set-up types the guide's commands, which name ``localhost:5000``; the shell runner maps them
to the target (the registry's real address, or the account). What differs between the two is
small, and is this interface: how to log in, which names to take off the demo image, how to
empty the registry (the reader's account is never emptied) and which digest a tag names there.
"""

from __future__ import annotations

import shutil
from typing import Protocol

from helpers import journal, settings
from helpers.kit import Kit
from helpers.registry.container import Registry
from helpers.settings import DEMO_TAGS as TAGS
from helpers.settings import GUIDE_ADDRESS as ADDRESS
from helpers.settings import registry_name
from helpers.steps import local_state
from helpers.terminal import shell


class Target(Protocol):
    """What a step's set-up needs of the registry it shares images through."""

    @property
    def kit(self) -> Kit:
        """The session the steps run in."""
        ...

    @property
    def address(self) -> str:
        """What the shell runner writes for the guide's ``localhost:5000``."""
        ...

    def log_in(self) -> None:
        """Log in as the learner does in step 2."""
        ...

    def untag(self, tags: tuple[str, ...] = TAGS) -> None:
        """Take the registry's names of the demo image off it, keeping the image."""
        ...

    def empty(self) -> None:
        """Leave the registry holding nothing, where the kit may."""
        ...

    def digest(self, repository: str, tag: str) -> str | None:
        """Return the digest a tag of the guide's names there, or None if it has no such tag."""
        ...


def type_in(target: Target, command: str) -> None:
    """Run a command as the learner types it, in the target's session, at its address."""
    shell.run(target.kit, command, address=target.address)


def logout(kit: Kit) -> None:
    """Forget every stored credential (the session's own config only)."""
    shutil.rmtree(kit.docker_config, ignore_errors=True)
    journal.note("rm -rf ~/.docker")


class LocalTarget:
    """The kit's own registry of the session."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    @property
    def kit(self) -> Kit:
        return self.registry.kit

    @property
    def address(self) -> str:
        return self.registry.address

    def log_in(self) -> None:
        """Store the demo credentials in ``config.json``: a credential store that the helper
        step left named there goes first (only that step's commands find its helper)."""
        if "credsStore" in local_state.docker_config(self.kit):
            logout(self.kit)
        type_in(
            self,
            f"echo {settings.DEMO_PASSWORD} | docker login {ADDRESS} "
            f"-u {settings.DEMO_USER} --password-stdin",
        )

    def untag(self, tags: tuple[str, ...] = TAGS) -> None:
        client = self.kit.client()
        for tag in tags:
            name = shell.mapped(registry_name(tag), self.address)
            if local_state.local_image_id(client, name) is not None:
                client.images.remove(name, noprune=True)
                journal.note(f"docker image rm --no-prune {registry_name(tag)}")

    def empty(self) -> None:
        if self.registry.api.repositories():  # a registry never pushed to is empty already
            self.registry.restart_empty()

    def digest(self, repository: str, tag: str) -> str | None:
        return self.registry.api.digest(repository, tag)
