"""The reader's Docker Hub account as the target of the steps' set-ups
(``helpers.steps.target``).

The set-ups type the guide's commands, and the shell runner maps them to the account. The
account differs from the kit's registry in three ways: the login is the reader's token, which
the runner gives ``docker login`` in place of the demo password; the kit never empties it (it
is the reader's, and what an earlier run pushed stays there); and the digest of a tag is asked
through the engine, which does Docker Hub's token exchange as a pull would.
"""

from __future__ import annotations

from helpers import settings
from helpers.hub import account as hub_account
from helpers.kit import Kit
from helpers.settings import DEMO_TAGS as TAGS
from helpers.terminal import shell


class HubTarget:
    """The reader's own account, in Docker Hub mode."""

    def __init__(self, kit: Kit) -> None:
        self.kit = kit
        self.address = settings.GUIDE_ADDRESS
        """The runner maps the guide's address itself, to the account."""

    def log_in(self) -> None:
        """Log in with the reader's token (the runner gives it to the guide's login)."""
        shell.run(self.kit, settings.GUIDE_LOGIN)

    def untag(self, tags: tuple[str, ...] = TAGS) -> None:
        """Take every name of the account off the demo images (a name on an image of the
        reader's, which ``hub_account.refuse_foreign`` found, stays)."""
        hub_account.untag(self.kit)

    def empty(self) -> None:
        """Leave the account as it is: it is the reader's."""

    def digest(self, repository: str, tag: str) -> str | None:
        return hub_account.remote_digest(self.kit, repository, tag)
