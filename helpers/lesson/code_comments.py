"""The comment lines of a notebook's code cell (``# Before logging in``), which no terminal
runs and the site does not show: found, and replaced one for one by a translation's, so that
the cell's commands stay byte for byte what was recorded (``helpers.lesson.translations``)."""

from __future__ import annotations

from typing import Any

from helpers.errors import KitError


def line_numbers(source: str) -> list[int]:
    """Return the numbers of a code cell's comment lines (which no terminal runs)."""
    return [n for n, line in enumerate(source.splitlines()) if line.lstrip().startswith("#")]


def translated(cell: Any, chinese: str) -> str:
    """Return a code cell's source with its comment lines in Chinese, one for one; its
    commands stay as they are."""
    lines = cell.source.splitlines()
    numbers = line_numbers(cell.source)
    comments = chinese.rstrip("\n").splitlines()
    if len(comments) != len(numbers) or not all(c.startswith("#") for c in comments):
        raise KitError(
            f"The translation of cell {cell.id} gives {len(comments)} line(s), not its "
            f"{len(numbers)} comment line(s) each starting with #."
        )
    for number, comment in zip(numbers, comments, strict=True):
        lines[number] = lines[number][: len(lines[number]) - len(lines[number].lstrip())] + comment
    return "\n".join(lines)
