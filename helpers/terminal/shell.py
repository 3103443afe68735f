"""Run docker CLI commands the way a reader types them, with output that can be stored.

A reader types each command into a terminal, and what they see when it ends is the terminal's
final screen: progress bars redrawn to their last state, the CLI's terminal styling, tabs drawn
as spaces. ``run`` shows the same: it runs the command in a pseudo-terminal of its own (stdout
and stderr both, stdin empty so that nothing waits at a prompt), in a fixed environment that
uses the kit's own Docker config, and shows what it wrote as a terminal's final screen
(``helpers.terminal.screen``, which also puts a push's or pull's layer lines in the image's layer
order). Unlike IPython's own ``!``, it fails the cell when the command fails
(``helpers.terminal.bang`` makes ``!`` use it).

Commands run with ``$HOME`` set to the session's home and no ``$DOCKER_CONFIG``, so they type
``~/.docker/config.json`` as the guide does; the home's absolute path is printed back as ``~``.
(The pseudo-terminal itself is ``pseudo_terminal``'s.)
A command whose failure is part of the lesson is marked in its notebook
(``helpers.lesson.notebooks``): ``run`` is told so, and fails when such a command succeeds. Commands
run exactly as typed: ``$name`` and ``{expression}`` are never expanded from Python, as a terminal
would not.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass

from helpers import journal, settings
from helpers.errors import CommandFailed
from helpers.kit import Kit
from helpers.terminal import pseudo_terminal, screen
from helpers.terminal.tools import tools_dir


@dataclass(frozen=True)
class Result:
    """What a command printed (its terminal's final screen) and how it exited."""

    command: str
    output: str
    returncode: int


def mapped(text: str, address: str) -> str:
    """Return ``text`` with the guide's ``localhost:5000`` written as the registry's real
    address (the same unless port 5000 was taken)."""
    return text.replace(settings.GUIDE_ADDRESS, address)


def in_session(kit: Kit, text: str) -> str:
    """Return a command with the guide's registry container (the ``main`` session's) named as
    the kit's session names it."""
    return text.replace(settings.GUIDE_CONTAINER, kit.registry_container)


def as_run(kit: Kit, command: str, address: str = settings.GUIDE_ADDRESS) -> str:
    """Return a command (or an image name) as the kit runs it: in Docker Hub mode, mapped to
    the reader's own account; else with the guide's registry at ``address``, the registry's
    real address, and its container named as the session names it."""
    if kit.remote is not None:
        return kit.remote.mapped(command)
    return in_session(kit, mapped(command, address))


def as_the_guide_names_it(kit: Kit, text: str) -> str:
    """Return what a command printed with the session's registry container named as the guide
    names it."""
    return text.replace(kit.registry_container, settings.GUIDE_CONTAINER)


def environment(kit: Kit) -> dict[str, str]:
    """Return the fixed environment commands run in: C locale, UTC, a terminal, the session's home
    (so ``~/.docker`` is the kit's, never the user's), and a ``PATH`` on which the docker CLI finds
    no credential helper (``helpers.terminal.tools``), unless the kit's step brings one."""
    tools = tools_dir(kit.environment.search_path, kit.state_dir)
    env = {
        "PATH": os.pathsep.join((str(tools), *kit.command_path)),
        "HOME": str(kit.home),
        "GNUPGHOME": str(kit.gnupg_home),  # never the user's agent (``settings.GNUPG_FOLDER``)
        "LANG": "C",
        "LC_ALL": "C",
        "TZ": "UTC",
        "TERM": "xterm-256color",
        "DOCKER_CLI_HINTS": "false",
    }
    # The engine the kit uses, named explicitly: with HOME set to the session's home, the
    # CLI would no longer see the user's docker context (Docker Desktop's socket, say).
    env["DOCKER_HOST"] = kit.engine_host
    if kit.remote is not None:
        env.update(kit.remote.environment())
    if kit.environment.docker_host == kit.engine_host:
        env.update(kit.environment.docker_tls())
    return env


SUCCEEDS, FAILS, EITHER = journal.SUCCEEDS, journal.FAILS, journal.EITHER
"""How a command must end (the journal, which notes them, defines them)."""

COMMAND_TIMEOUT = 600.0
"""How long one command may run before the runner stops it and says so: a push that hangs
must not hang a notebook cell for ever."""


def run(
    kit: Kit,
    command: str,
    *,
    address: str = settings.GUIDE_ADDRESS,
    expect: str = SUCCEEDS,
    echo: bool = False,
    timeout: float = COMMAND_TIMEOUT,
) -> Result:
    """Run one shell command in the kit's session and engine, with the guide's registry address
    mapped to ``address`` (or to the reader's account, in Docker Hub mode; where either changed
    the command, ``echo`` shows first how it ran); raise unless its outcome is the one
    ``expect`` names (a step check's commands may go ``EITHER`` way: it judges them itself), or
    if it outlasts ``timeout`` seconds."""
    journal.note(command, expect)
    changed = kit.remote is not None or mapped(command, address) != command
    command = as_run(kit, command, address)
    home = kit.home
    home.mkdir(parents=True, exist_ok=True)
    try:
        written, returncode = pseudo_terminal.run(command, home, environment(kit), timeout)
    except subprocess.TimeoutExpired:
        raise CommandFailed(
            f"This command did not finish within {timeout:.0f} s, so it was stopped: {command}"
        ) from None
    output = as_the_guide_names_it(kit, screen.without_home(screen.final_screen(written), home))
    if any(screen.LAYER_LINE.match(line) for line in output.splitlines()):
        output = screen.in_layer_order(output, screen.layer_order(kit.client(), command))
    output = screen.in_sorted_order(output)
    if kit.remote is not None:
        output = kit.remote.masked(output)
        kit.remote.remember_push(output, kit.state_dir)
    if echo and changed:  # what ran is not what the notebook typed: show it (``ran_as``)
        sys.stdout.write(f"$ {command}\n")
    result = Result(command, output, returncode)
    if echo:
        sys.stdout.write(result.output)
        sys.stdout.flush()
    if expect == FAILS and returncode == 0:
        raise CommandFailed(f"This command was meant to fail but succeeded: {command}")
    if expect == SUCCEEDS and returncode != 0:
        printed = result.output.rstrip()
        said = f"\nIt printed:\n{printed}" if printed and not echo else ""
        raise CommandFailed(f"This command failed (exit {returncode}): {command}{said}")
    return result
