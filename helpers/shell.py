"""Run docker CLI commands the way a reader types them, with output that can be stored.

IPython's ``!`` runs commands in a pseudo-terminal, so docker draws progress with cursor codes,
and it never fails a cell. ``run`` instead pipes the command (stdout and stderr merged, in
order), in a fixed environment that uses the kit's own Docker config, and reduces per-layer
progress to the final line a terminal shows for each layer. ``install`` makes ``!`` use it.

The containerd image store prints a push's layers in the order they finish, which changes
from run to run. ``run`` puts them in the image's layer order, as the classic store prints
them: top layer first for a push, bottom layer first for a pull.

Commands run with ``$HOME`` set to the session's home and no ``$DOCKER_CONFIG``, so they type
``~/.docker/config.json`` as the guide does; the home's absolute path is printed back as ``~``.
A command whose failure is part of the lesson is marked in its notebook (``helpers.lesson``):
``run`` is told so, and fails when such a command succeeds. Commands run exactly as typed:
``$name`` and ``{expression}`` are never expanded from Python, as a terminal would not.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker.errors

from helpers import engine, settings
from helpers.errors import CommandFailed, KitError
from helpers.paths import session_home

FINAL_STATUSES = (
    "Pushed",
    "Mounted from ",
    "Layer already exists",
    "Already exists",
    "Pull complete",
)
_LAYER_LINE = re.compile(r"^([0-9a-f]{12}): (.*?)\s*$")

_registry_address = settings.GUIDE_ADDRESS


@dataclass(frozen=True)
class Result:
    """What a command printed (already reduced) and how it exited."""

    command: str
    output: str
    returncode: int


def use_registry(address: str) -> None:
    """Map the guide's ``localhost:5000`` in commands to the registry's real address."""
    global _registry_address
    _registry_address = address


def mapped(text: str) -> str:
    """Return ``text`` with the guide's registry address replaced by the real one."""
    return text.replace(settings.GUIDE_ADDRESS, _registry_address)


def environment() -> dict[str, str]:
    """Return the fixed environment commands run in: C locale, UTC, 80 columns, the session's
    home (so ``~/.docker`` is the kit's, never the user's)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": str(session_home()),
        "LANG": "C",
        "LC_ALL": "C",
        "TZ": "UTC",
        "COLUMNS": "80",
        "DOCKER_CLI_HINTS": "false",
    }
    if "DOCKER_HOST" in os.environ:
        env["DOCKER_HOST"] = os.environ["DOCKER_HOST"]
    return env


def reduce_progress(text: str) -> str:
    """Keep one line per layer, its final status, where the layer first appeared."""
    lines = text.splitlines()
    status: dict[str, str] = {}
    kept: list[str | None] = []
    for line in lines:
        match = _LAYER_LINE.match(line)
        if match is None:
            kept.append(line)
            continue
        layer, said = match.groups()
        if layer not in status:
            kept.append(layer)
        if layer not in status or not status[layer].startswith(FINAL_STATUSES):
            status[layer] = said
    out = [f"{item}: {status[item]}" if item in status else item for item in kept]
    return "\n".join(line for line in out if line is not None) + ("\n" if out else "")


def image_named_by(command: str) -> tuple[str, str] | None:
    """Return the verb (``push``, ``pull``, ``run``) and image of a docker command, if any."""
    try:
        words = shlex.split(command, comments=True)
    except ValueError:
        return None
    if len(words) < 3 or words[0] != "docker" or words[1] not in ("push", "pull", "run"):
        return None
    names = [word for word in words[2:] if not word.startswith("-")]
    if not names:
        return None
    return words[1], names[-1] if words[1] != "run" else names[0]


def layer_order(command: str) -> list[str]:
    """Return the short layer IDs of the command's image in the order the classic store
    prints them (none if the command names no local image)."""
    named = image_named_by(command)
    if named is None:
        return []
    verb, name = named
    try:
        layers = engine.client().images.get(name).attrs["RootFS"]["Layers"]
    except (docker.errors.DockerException, KeyError):
        return []
    short = [layer.removeprefix("sha256:")[:12] for layer in layers]
    return short[::-1] if verb == "push" else short


def in_layer_order(text: str, order: list[str]) -> str:
    """Put the per-layer lines of ``text`` in ``order``, each line keeping one of the slots
    layer lines held; leave the text as it is unless ``order`` knows every layer."""
    lines = text.splitlines(keepends=True)
    slots = [i for i, line in enumerate(lines) if _LAYER_LINE.match(line)]
    layers = [lines[i][:12] for i in slots]
    if not slots or not set(layers) <= set(order):
        return text
    ordered = sorted((lines[i] for i in slots), key=lambda line: order.index(line[:12]))
    for slot, line in zip(slots, ordered, strict=True):
        lines[slot] = line
    return "".join(lines)


def without_home(text: str, home: Path) -> str:
    """Return ``text`` with the home folder's absolute path written as ``~``."""
    return text.replace(f"{home}/", "~/").replace(str(home), "~")


SUCCEEDS, FAILS, EITHER = "succeeds", "fails", "either"


def run(command: str, *, expect: str = SUCCEEDS, echo: bool = False) -> Result:
    """Run one shell command in the kit's environment; raise unless its outcome is the one
    ``expect`` names (a step check's commands may go ``EITHER`` way: it judges them itself)."""
    command = mapped(command)
    home = session_home()
    home.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        command,
        shell=True,
        cwd=home,
        env=environment(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    output = without_home(reduce_progress(done.stdout), home)
    if any(_LAYER_LINE.match(line) for line in output.splitlines()):
        output = in_layer_order(output, layer_order(command))
    result = Result(command, output, done.returncode)
    if echo:
        sys.stdout.write(result.output)
        sys.stdout.flush()
    if expect == FAILS and done.returncode == 0:
        raise CommandFailed(f"This command was meant to fail but succeeded: {command}")
    if expect == SUCCEEDS and done.returncode != 0:
        printed = result.output.rstrip()
        said = f"\nIt printed:\n{printed}" if printed and not echo else ""
        raise CommandFailed(f"This command failed (exit {done.returncode}): {command}{said}")
    return result


class _CellWatch:
    """Remember whether the cell IPython is running fails on purpose (IPython's
    ``pre_run_cell`` event gives each cell's source before it runs)."""

    def __init__(self, failing: frozenset[str]) -> None:
        self.failing = failing
        self.expect = SUCCEEDS

    def before_cell(self, info: Any) -> None:
        source = (getattr(info, "raw_cell", "") or "").strip()
        self.expect = FAILS if source in self.failing else SUCCEEDS


def install(ip: Any | None = None, failing: frozenset[str] = frozenset()) -> None:
    """Make ``!command`` in this IPython session use ``run``, with the command exactly as typed
    (IPython would first expand ``$name`` and ``{expression}`` from Python, which a terminal
    does not: ``echo '{"credsStore": ...}'`` must stay JSON). ``failing`` holds the sources of
    the cells whose commands fail on purpose."""
    if ip is None:
        from IPython import get_ipython

        ip = get_ipython()
        if ip is None:
            return
    for callback in list(ip.events.callbacks["pre_run_cell"]):
        if isinstance(getattr(callback, "__self__", None), _CellWatch):
            ip.events.unregister("pre_run_cell", callback)
    watch = _CellWatch(failing)
    ip.events.register("pre_run_cell", watch.before_cell)

    def system(command: str) -> None:
        run(command, expect=watch.expect, echo=True)

    def explain(
        shell: Any, kind: type, error: BaseException, tb: Any, tb_offset: Any = None
    ) -> None:
        shell.showtraceback((kind, error, tb), exception_only=True)

    ip.system = system
    ip.system_piped = system
    ip.set_custom_exc((KitError,), explain)
