"""What a run of the steps did to the engine, the registry and the home, as shell commands.

The benchmark compares the kit's verification with the cost of the work itself: the same
commands, typed bare (``benchmarks/floor.sh``). Most of that work is the notebooks' own
commands, but a step's set-up does some too, partly through the Docker SDK (loading an image,
restarting the registry). While ``keeping`` is on, each such action notes the command a
learner would type to do the same, and the shell runner notes every command it runs. Nothing
is noted otherwise: only the floor's generator (``benchmarks/floor.py``) turns it on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

SUCCEEDS, FAILS, EITHER = "succeeds", "fails", "either"
"""How a command is meant to end: as the lesson needs, or either way (a check judges it)."""

START_REGISTRY, STOP_REGISTRY = "start_registry", "stop_registry"
"""The floor's shell functions that stand for the kit's registry start and removal."""


@dataclass(frozen=True)
class Entry:
    """One command, as typed (with the guide's registry address), and how it must end."""

    command: str
    expect: str = SUCCEEDS


_entries: list[Entry] | None = None


@contextmanager
def keeping() -> Iterator[list[Entry]]:
    """Note every action until the block ends; yield the list the notes go to."""
    global _entries
    _entries = []
    try:
        yield _entries
    finally:
        _entries = None


def note(command: str, expect: str = SUCCEEDS) -> None:
    """Note a command that was just run, or that does what the kit just did (while one is kept)."""
    if _entries is not None:
        _entries.append(Entry(command, expect))
