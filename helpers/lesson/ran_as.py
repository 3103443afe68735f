"""What a notebook shows besides Docker's output when port 5000 was taken.

The notebooks type the guide's ``localhost:5000``; when another program holds that port, the
kit's registry listens on another one and the shell runner maps each command to it. So that
what Jupyter shows is what ran, the first cell then says once where the registry listens
(``port_taken``), and each command that names ``localhost:5000`` is shown first as it ran
(``shell.run``: ``$ docker push localhost:5100/...``). The stored outputs are recorded at port
5000 and hold neither; a verification on another port takes exactly those lines out again
(``without_what_the_kit_added``), after finding each where it must be, and compares the rest.
"""

from __future__ import annotations

import copy
from typing import Any

from helpers import messages, settings
from helpers.errors import KitError
from helpers.kit import Kit
from helpers.lesson import notebooks as lesson
from helpers.terminal import shell


def port_taken(address: str, asked: bool) -> str:
    """Say once, as a step starts, where the registry listens instead of ``localhost:5000``,
    and why: ``KIT_REGISTRY_PORT`` asked for it (``asked``), or port 5000 was taken."""
    guide = settings.GUIDE_ADDRESS
    if asked:
        return (
            f"The kit's registry listens at {address} here, not at {guide}, as "
            f"KIT_REGISTRY_PORT asks: each command below that names {guide} shows first how it "
            "ran."
        )
    return (
        f"The kit's registry listens at {address} here, not at {guide} (port "
        f"{settings.PREFERRED_PORT} was taken): each command below that names {guide} shows "
        "first how it ran."
    )


def added_lines(kit: Kit, cell: Any, address: str, chinese: bool) -> list[str]:
    """Return the lines the kit adds to a cell's output when the registry is at ``address``,
    in the order they are printed (none at ``localhost:5000``)."""
    if address == settings.GUIDE_ADDRESS:
        return []
    added = []
    if lesson.is_setup(cell):
        sentence = port_taken(address, bool(kit.environment.registry_port))
        added.append(messages.in_chinese(sentence) if chinese else sentence)
    for command in lesson.commands(cell):
        if shell.mapped(command, address) != command:
            added.append(f"$ {shell.as_run(kit, command, address)}")
    return added


def verdicts_in_chinese(outputs: list[Any]) -> list[str]:
    """Return the line a Chinese kernel adds under each check verdict (``ok: ...``) printed
    in ``outputs`` (``messages.verdict_in_language``)."""
    return [
        messages.VERDICT_IN_CHINESE.format(messages.in_chinese(line.removeprefix("ok: ")))
        for output in outputs
        if output.get("output_type") == "stream" and isinstance(output.get("text"), str)
        for line in output["text"].splitlines()
        if line.startswith("ok: ")
    ]


def without_what_the_kit_added(outputs: list[Any], added: list[str]) -> list[Any]:
    """Return a cell's outputs without the ``added`` lines, each found in order at the start
    of a line of the printed text; say in a sentence which one is missing."""
    waiting = list(added)
    kept = []
    for output in outputs:
        text = output.get("text")
        if output.get("output_type") != "stream" or not isinstance(text, str):
            kept.append(output)
            continue
        lines = []
        for line in text.splitlines(keepends=True):
            if waiting and line.rstrip("\n") == waiting[0]:
                waiting.pop(0)
            else:
                lines.append(line)
        output = copy.copy(output)
        output["text"] = "".join(lines)
        if output["text"]:
            kept.append(output)
    if waiting:
        raise KitError(f"The cell does not show the line the kit adds here: {waiting[0]}")
    return kept
