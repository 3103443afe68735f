"""What each engine-and-CLI pair is expected to print, and how nbval compares it.

A notebook holds its prose and commands once. A code cell's ``outputs`` are the classic
store's reference pair's (Debian 12's engine and CLI, as the guide shows them); where the
containerd store's reference pair prints something else, the cell's metadata holds that under
``docker-share-kit.outputs.containerd``; where another pair of the matrix (``helpers.engine.pairs``)
words something its own way, under ``docker-share-kit.outputs.<pair>``.

Every stored output of a store is written with its reference pair's values (which pair, and
which values: ``helpers.lesson.recorded``); verification writes in the values read from the
engine and registry at hand (``with_values``) and compares every byte.
The one rule nbval still applies (``sanitize/common.cfg``) is listed, with why, in the
maintainers' page.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from helpers.engine import image_store, pairs
from helpers.errors import KitError
from helpers.lesson.engine_values import ADDRESS, Values
from helpers.paths import NOTEBOOKS
from helpers.terminal import screen

SANITIZE = NOTEBOOKS / "sanitize" / "common.cfg"
METADATA_KEY = "docker-share-kit"


def _variant_key(pair: str) -> str | None:
    """Return the metadata key a pair's own outputs are stored under (None: the cell's own)."""
    if pair == pairs.REFERENCE[image_store.CLASSIC].name or pair == image_store.CLASSIC:
        return None
    if pair == pairs.REFERENCE[image_store.CONTAINERD].name:
        return image_store.CONTAINERD
    return pair


def cell_outputs(cell: Any, pair: str) -> list[Any]:
    """Return the outputs a code cell is expected to print on ``pair`` (a pair of the matrix,
    or an image store for its reference pair): its own if it words them its own way, else its
    store's reference pair's."""
    variants = cell.get("metadata", {}).get(METADATA_KEY, {}).get("outputs", {})
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


_HEX = "0-9a-f"


def _forms(name: str, value: str) -> list[tuple[str, str]]:
    """Return the regular expressions a value is printed as, each with how to print it."""
    if value.startswith("sha256:"):
        hexa = value.removeprefix("sha256:")
        return [
            (rf"(?<![{_HEX}]){hexa}(?![{_HEX}])", "full"),
            (rf"(?<![{_HEX}]){hexa[:12]}(?![{_HEX}])", "short"),
        ]
    if name.endswith("manifest size"):
        return [(rf"(?<=size: ){value}(?!\d)", "plain")]
    if name == ADDRESS:
        return [(rf"{re.escape(value)}(?!\d)", "plain")]
    return [(rf"(?<![\w.]){re.escape(value)}(?![\w.])", "plain")]


def _printed(value: str, form: str) -> str:
    hexa = value.removeprefix("sha256:")
    return {"full": hexa, "short": hexa[:12]}.get(form, value)


def _new_value(names: list[tuple[str, str]], shown: str, values: Values) -> str:
    """Return what ``shown`` reads as on the engine at hand: the value of the names recorded
    with it that are known (one value, if several are); fail in a sentence if none is."""
    printed = {_printed(new, form) for name, form in names if (new := values.known.get(name))}
    if not printed:
        which = " or ".join(name for name, _ in names)
        raise KitError(
            f"This output shows the {which} ({shown}), which neither the engine nor the "
            "registry reports now, so it cannot be checked."
        )
    if len(printed) > 1:
        raise KitError(
            f"{shown} was recorded for values that now differ ({sorted(printed)}): record again."
        )
    return printed.pop()


def with_values(text: str, recorded_values: dict[str, str], values: Values) -> str:
    """Return a stored output with each recorded value it shows replaced by the value the
    engine and registry report now, in the kit's order of the garbage-collection list; fail
    in a sentence when a value it shows cannot be read. The engine and registry are asked
    again (once) only when the output shows a value not read yet."""
    by_pattern: dict[str, list[tuple[str, str]]] = {}
    for name, old in recorded_values.items():
        for pattern, form in _forms(name, old):
            by_pattern.setdefault(pattern, []).append((name, form))
    shown = {
        pattern: [match.group(0) for match in re.finditer(pattern, text)] for pattern in by_pattern
    }
    shown = {pattern: found for pattern, found in shown.items() if found}
    if not shown:
        return text
    if any(name == ADDRESS for pattern in shown for name, _ in by_pattern[pattern]):
        values.refresh_address()  # never kept: a restarted registry may have another port
    if any(not any(name in values.known for name, _ in by_pattern[pattern]) for pattern in shown):
        values.refresh()
    replacements: dict[str, str] = {}
    for pattern, found in shown.items():
        for old in found:
            new = _new_value(by_pattern[pattern], old, values)
            if replacements.setdefault(old, new) != new:
                raise KitError(f"{old} was recorded for two values: record again.")
    combined = "|".join(f"(?:{pattern})" for pattern in shown)
    swapped = re.sub(combined, lambda match: replacements.get(match.group(0), match.group(0)), text)
    return screen.in_sorted_order(swapped)


def outputs_with_values(
    outputs: list[Any], recorded_values: dict[str, str], values: Values
) -> list[Any]:
    """Return a cell's stored outputs with the values of the engine at hand written in."""
    fresh = []
    for output in outputs:
        output = copy.copy(output)  # a NotebookNode stays one: nbval reads its attributes
        if isinstance(output.get("text"), str):
            output["text"] = with_values(output["text"], recorded_values, values)
        fresh.append(output)
    return fresh
