"""What every step check does: show a command as a terminal would, and require a condition.

A check shows what it looks at (the ``docker`` or ``curl`` commands it runs, after ``$ ``,
and what they print), then returns what it confirmed, or raises one sentence saying what is
missing (``StepIncomplete``). It never starts a registry.
"""

from __future__ import annotations

import sys

from helpers import settings
from helpers.errors import StepIncomplete
from helpers.kit import Kit
from helpers.lesson import notebooks as lesson
from helpers.registry import api as registry_api
from helpers.registry.container import Registry
from helpers.settings import GUIDE_ADDRESS as ADDRESS
from helpers.terminal import shell


def require(condition: bool, sentence: str) -> None:
    """Raise the sentence that says what is missing, unless the condition holds."""
    if not condition:
        raise StepIncomplete(sentence)


def show(registry: Registry, command: str) -> str:
    """Run one of a check's commands and show it, and what it printed, as a terminal would."""
    return show_in(registry.kit, command, registry.address)


def show_in(kit: Kit, command: str, address: str = ADDRESS) -> str:
    """Run a check's command in ``kit`` with the guide's registry at ``address`` and show it as
    it ran (the registry's real address; in Docker Hub mode, the reader's account), and what it
    printed: the command and its output name one registry."""
    result = shell.run(kit, command, address=address, expect=shell.EITHER)
    shown = result.command if kit.remote is not None else shell.mapped(command, address)
    sys.stdout.write(f"{lesson.PROMPT}{shown}\n{result.output}")
    sys.stdout.flush()
    return result.output


def short(image_id: str | None) -> str:
    """Return an image ID as ``docker image ls`` shows it (12 hex digits)."""
    return (image_id or "").removeprefix("sha256:")[:12]


ACCEPT_OPTIONS = " ".join(f"-H 'Accept: {kind}'" for kind in registry_api.ACCEPTED)
"""``curl``'s options that accept every form a tag may name (``registry_api.ACCEPTED``)."""


def digest_command(repository: str, tag: str) -> str:
    """Return the ``curl`` command that shows the manifest digest the registry serves."""
    return (
        f"curl -s -I -u {settings.DEMO_USER}:{settings.DEMO_PASSWORD} "
        f"{ACCEPT_OPTIONS} "
        f"http://{ADDRESS}/v2/{repository}/manifests/{tag} | grep Docker-Content-Digest"
    )
