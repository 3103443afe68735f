"""What a terminal shows once a command has ended, as the kit stores and compares it.

``final_screen`` draws what a command wrote with a terminal emulator (pyte), so progress bars
end in their last state and styling is gone. The containerd image store prints a push's layer
lines in the order they finish, which changes from run to run: ``in_layer_order`` puts them in
the image's layer order, as the classic store prints them (top layer first for a push, bottom
layer first for a pull). The registry's garbage collection lists the blobs it deletes in an
order that changes from run to run too: ``in_sorted_order`` sorts that list. ``without_home``
writes the session's home as ``~``.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import docker.errors
import pyte

SCREEN_COLUMNS, SCREEN_LINES = 250, 1000
"""The pseudo-terminal's size: wide enough that no output line wraps, tall enough that
nothing scrolls away."""
LAYER_LINE = re.compile(r"^([0-9a-f]{12}): (.*?)\s*$")


def final_screen(written: bytes) -> str:
    """Return what a terminal shows once ``written`` has been drawn: each line as it ended up,
    without trailing spaces or colours, and no empty lines after the last one."""
    # As many lines as it wrote line feeds, so nothing scrolls away (drawing a screen costs
    # time in proportion to its size: the pty's 1000 lines took 85 ms a command).
    screen = pyte.Screen(SCREEN_COLUMNS, written.count(b"\n") + 1)
    pyte.ByteStream(screen).feed(written)
    lines = [line.rstrip() for line in screen.display]
    while lines and not lines[-1]:
        lines.pop()
    return "".join(f"{line}\n" for line in lines)


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


def layer_order(client: docker.DockerClient, command: str) -> list[str]:
    """Return the short layer IDs of the command's image in the order the classic store
    prints them (none if the command names no local image on the client's engine)."""
    named = image_named_by(command)
    if named is None:
        return []
    verb, name = named
    try:
        layers = client.images.get(name).attrs["RootFS"]["Layers"]
    except (docker.errors.DockerException, KeyError):
        return []
    short = [layer.removeprefix("sha256:")[:12] for layer in layers]
    return short[::-1] if verb == "push" else short


def in_layer_order(text: str, order: list[str]) -> str:
    """Put each block of per-layer lines of ``text`` (``docker push --all-tags`` prints one
    per tag, ended by the tag's digest line) in ``order``; leave the text as it is unless
    ``order`` knows every layer."""
    lines = text.splitlines(keepends=True)
    layers = {lines[i][:12] for i, line in enumerate(lines) if LAYER_LINE.match(line)}
    if not layers or not layers <= set(order):
        return text
    start = 0
    while start < len(lines):
        if not LAYER_LINE.match(lines[start]):
            start += 1
            continue
        end = start
        while end < len(lines) and LAYER_LINE.match(lines[end]):
            end += 1
        lines[start:end] = sorted(lines[start:end], key=lambda line: order.index(line[:12]))
        start = end
    return "".join(lines)


ELIGIBLE_LINE = "blob eligible for deletion: "
"""How ``registry garbage-collect`` names each blob it deletes, in Go's random map order."""


def in_sorted_order(text: str) -> str:
    """Sort each block of the lines of ``text`` that name a blob garbage collection deletes."""
    lines = text.split("\n")
    start = 0
    while start < len(lines):
        end = start
        while end < len(lines) and lines[end].startswith(ELIGIBLE_LINE):
            end += 1
        lines[start:end] = sorted(lines[start:end])
        start = end + 1
    return "\n".join(lines)


def without_home(text: str, home: Path) -> str:
    """Return ``text`` with the home folder's absolute path written as ``~`` (only where the
    path ends: ``<home>-2`` is another folder)."""
    return re.sub(re.escape(str(home)) + r"(?![\w-])", "~", text)
