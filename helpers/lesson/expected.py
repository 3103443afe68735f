"""What each engine-and-CLI pair is expected to print, and how nbval compares it.

A notebook holds its prose and commands once. A code cell's ``outputs`` are the classic
store's reference pair's (Debian 12's engine and CLI, as the guide shows them); where the
containerd store's reference pair prints something else, the cell's metadata holds that under
``docker-share-kit.outputs.containerd``; where another pair of the matrix
(``helpers.engine.pairs``) words something its own way, under ``docker-share-kit.outputs.<pair>``;
where a cell runs a platform's program, what an engine that does the other prints, under
``where-it-runs`` or ``where-it-cannot-run``.

Every stored output of a store is written with its reference pair's values (which pair, and
which values: ``helpers.lesson.recorded``); verification writes in the values read from the
engine and registry at hand (``helpers.lesson.values_in_outputs``) and compares every byte.
The one rule nbval still applies (``sanitize/common.cfg``) is listed, with why, in the
maintainers' page.
"""

from __future__ import annotations

import re
from typing import Any

from helpers.engine import image_store, pairs
from helpers.errors import KitError
from helpers.lesson import notebooks as lesson
from helpers.lesson import recorded
from helpers.paths import NOTEBOOKS

SANITIZE = NOTEBOOKS / "sanitize" / "common.cfg"
METADATA_KEY = "docker-share-kit"


def _variant_key(pair: str) -> str | None:
    """Return the metadata key a pair's own outputs are stored under (None: the cell's own)."""
    if pair == pairs.REFERENCE[image_store.CLASSIC].name or pair == image_store.CLASSIC:
        return None
    if pair == pairs.REFERENCE[image_store.CONTAINERD].name:
        return image_store.CONTAINERD
    return pair


WHERE_IT_RUNS = "where-it-runs"
WHERE_IT_CANNOT_RUN = "where-it-cannot-run"
"""Where a cell runs a platform's program (``helpers.lesson.notebooks.platform_run``), its
outputs as its pair's engine printed them, and under one of these keys what an engine that
does the other prints: every pair is recorded on an engine that runs its own platform's
programs only (``helpers.maintain.regenerate`` refuses another)."""


def recorded_runnable(pair: str) -> frozenset[str]:
    """Return the platforms whose programs the engine a pair (or a store's reference pair)
    was recorded on ran: its own."""
    name = pair if pair in pairs.BY_NAME else pairs.REFERENCE[pair].name
    return frozenset({f"linux/{recorded.recorded()[name]['architecture']}"})


def cell_outputs(cell: Any, pair: str, runnable: frozenset[str] | None = None) -> list[Any]:
    """Return the outputs a code cell is expected to print on ``pair`` (a pair of the matrix,
    or an image store for its reference pair): its own if it words them its own way, else its
    store's reference pair's. A cell that runs a platform's program, on an engine that runs
    the ``runnable`` platforms' programs (None: as the pair's engine did), prints what it
    stores for the case at hand."""
    variants = cell.get("metadata", {}).get(METADATA_KEY, {}).get("outputs", {})
    platform = lesson.platform_run(cell)
    if platform is not None and runnable is not None:
        runs = platform in runnable
        if runs != (platform in recorded_runnable(pair)):
            case = WHERE_IT_RUNS if runs else WHERE_IT_CANNOT_RUN
            if case not in variants:
                raise KitError(f"The cell {cell['source']!r} stores no outputs {case}.")
            return list(variants[case])
    key = _variant_key(pair)
    if key in variants:
        return list(variants[key])
    store = pairs.BY_NAME[pair].store if pair in pairs.BY_NAME else pair
    if store == image_store.CONTAINERD and image_store.CONTAINERD in variants:
        return list(variants[image_store.CONTAINERD])
    return list(cell.get("outputs", []))


def set_cell_outputs(cell: Any, pair: str, outputs: list[Any]) -> None:
    """Store a pair's outputs in a code cell: the classic reference's as its outputs, another
    pair's in its metadata, and only where they differ from what it would fall back to."""
    key = _variant_key(pair)
    if key is None:
        cell["outputs"] = outputs
        return
    kit = cell.setdefault("metadata", {}).setdefault(METADATA_KEY, {})
    variants = kit.setdefault("outputs", {})
    variants.pop(key, None)
    if outputs != cell_outputs(cell, pair):
        variants[key] = outputs
    if not variants:
        kit.pop("outputs")
    if not kit:
        cell["metadata"].pop(METADATA_KEY)


def printed_text(outputs: list[Any]) -> str:
    """Return the text a cell's outputs hold, as a terminal would show it."""
    return "".join(output.get("text", "") for output in outputs)


def sanitize_rules() -> list[tuple[str, str]]:
    """Return nbval's sanitize rules (regex, replacement), read by nbval's own reader."""
    from nbval.plugin import get_sanitize_patterns  # kernels never sanitize: not on import

    return list(get_sanitize_patterns(SANITIZE.read_text()))


def sanitized(text: str) -> str:
    """Return a text after nbval's sanitize rules, as nbval applies them to both sides of a
    comparison."""
    for regex, replace in sanitize_rules():
        text = re.sub(regex, replace, text)
    return text


def same_after_sanitizing(printed: list[Any], stored: list[Any]) -> bool:
    """Tell whether two cells' outputs are the same once nbval's sanitize rules are applied."""

    def without_masked(outputs: list[Any]) -> list[Any]:
        return [{**output, "text": sanitized(str(output.get("text", "")))} for output in outputs]

    return without_masked(printed) == without_masked(stored)


def has_own_outputs(cell: Any, pair: str) -> bool:
    """Tell whether a cell stores outputs of a pair's own (not its fallback's)."""
    key = _variant_key(pair)
    return key is not None and key in cell.get("metadata", {}).get(METADATA_KEY, {}).get(
        "outputs", {}
    )
