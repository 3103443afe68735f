"""Write the values of the engine at hand into a stored output, in place of those recorded.

Every stored output of a store is written with its reference pair's values
(``helpers.lesson.recorded``): digests, IDs, sizes, the registry's address. Before nbval (or
the terminal test) compares every byte, ``with_values`` writes in those read from the engine
and registry at hand (``helpers.lesson.engine_values``), in each form the output prints them.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from helpers import settings
from helpers.errors import KitError
from helpers.lesson.engine_values import ADDRESS, PLATFORMS_VALUES, Values
from helpers.terminal import screen


def shown_by(step: str, recorded_values: dict[str, str]) -> dict[str, str]:
    """Return the recorded values a step's outputs may show: the platforms step's builds' in
    that step, the demo images' in every other, and the registry's address in all. On an amd64
    recording the amd64 build's digests are the demo image's too; on an arm64 engine the demo
    image is the arm64 build, so one may not stand in for the other."""
    platforms = step == settings.PLATFORMS_STEP
    return {
        name: value
        for name, value in recorded_values.items()
        if name == ADDRESS or name.startswith(PLATFORMS_VALUES) == platforms
    }


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
