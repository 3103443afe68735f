"""Mutations each verification run proves it catches, one per kind of value a cell shows.

With ``--kit-mutations``, ``tests.nbval_profiles`` compares each listed cell twice more once
its real comparison has passed: with its stored output changed (as if the recording were
wrong), or with what the engine printed changed (as if the engine or the wrong registry had
printed it). nbval's own comparison must fail each time; a mutation that passes, or finds
nothing to change in its cell, fails the cell and is named. Each pair of the matrix and each
image store runs them (``scripts/test``), so no rule and no value written in lets one through.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from helpers.engine_values import ADDRESS, Values

OPTION = "--kit-mutations"
STORED, PRINTED = "stored", "printed"


def _digest_character(text: str, values: Values) -> str | None:
    """Change one character of the first manifest digest the text shows."""
    found = re.search(r"sha256:[0-9a-f]{64}", text)
    if found is None:
        return None
    at = found.start() + len("sha256:") + 20
    return text[:at] + ("0" if text[at] != "0" else "1") + text[at + 1 :]


def _port(text: str, values: Values) -> str | None:
    """Print the registry's address with another port (the registry of another run)."""
    address = values.get(ADDRESS)
    if address is None or address not in text:
        return None
    host, port = address.rsplit(":", 1)
    return text.replace(address, f"{host}:{int(port) + 1}", 1)


def _replace(old: str, new: str) -> Callable[[str, Values], str | None]:
    def change(text: str, values: Values) -> str | None:
        return text.replace(old, new, 1) if old in text else None

    return change


@dataclass(frozen=True)
class Mutation:
    """One change to one cell's stored or printed output that its comparison must catch."""

    kind: str
    notebook: str
    cell: int
    """The cell's number among the notebook's code cells, as nbval numbers them."""
    side: str
    change: Callable[[str, Values], str | None]


MUTATIONS = (
    Mutation("a stored digest's character", "05-pull.ipynb", 4, STORED, _digest_character),
    Mutation("a printed digest's character", "05-pull.ipynb", 4, PRINTED, _digest_character),
    Mutation(
        "a layer status",
        "04-push.ipynb",
        4,
        STORED,
        _replace("Layer already exists", "Pushed"),
    ),
    Mutation("the registry's port", "04-push.ipynb", 2, PRINTED, _port),
    Mutation("the user name", "02-login.ipynb", 4, PRINTED, _replace("learner:", "learnex:")),
    Mutation(
        "an error text",
        "06-logout.ipynb",
        3,
        STORED,
        _replace("no basic auth credentials", "no basic auth credential"),
    ),
    Mutation("a status code", "07-common-mistakes.ipynb", 1, STORED, _replace("401", "403")),
    Mutation(
        "a CLI's warning (stored per CLI)",
        "02-login.ipynb",
        2,
        STORED,
        _replace("unencrypted", "encrypted"),
    ),
    Mutation(
        "a pull's layer status (stored per engine)",
        "05-pull.ipynb",
        2,
        STORED,
        _replace(" complete", " completed"),
    ),
    Mutation(
        "a blob digest in the garbage collection's list",
        "08-clean-up.ipynb",
        10,
        PRINTED,
        _digest_character,
    ),
    Mutation(
        "the user name a credential helper keeps",
        "09-credential-helper.ipynb",
        6,
        PRINTED,
        _replace('"learner"', '"learnex"'),
    ),
)


def _changed(outputs: list[Any], mutation: Mutation, values: Values) -> list[Any] | None:
    """Return the outputs with the mutation applied to the first text it changes, or None."""
    for index, output in enumerate(outputs):
        text = output.get("text")
        if not isinstance(text, str):
            continue
        new = mutation.change(text, values)
        if new is not None and new != text:
            mutated = [copy.copy(out) for out in outputs]
            mutated[index]["text"] = new
            return mutated
    return None


def survivors(
    item: Any,
    test: list[Any],
    ref: list[Any],
    with_values: Callable[[list[Any]], list[Any]],
    compare: Callable[..., bool],
    values: Values,
) -> list[str]:
    """Return a sentence for each mutation of this cell that its comparison did not catch."""
    said = []
    for mutation in MUTATIONS:
        if (item.path.name, item.cell_num) != (mutation.notebook, mutation.cell):
            continue
        if mutation.side == STORED:
            mutated_ref = _changed(ref, mutation, values)
            caught = mutated_ref is not None and not compare(test, with_values(mutated_ref))
            changed = mutated_ref is not None
        else:
            mutated_test = _changed(test, mutation, values)
            caught = mutated_test is not None and not compare(mutated_test, with_values(ref))
            changed = mutated_test is not None
        if not changed:
            said.append(f"The mutation of {mutation.kind} found nothing to change in this cell.")
        elif not caught:
            said.append(f"The mutation of {mutation.kind} ({mutation.side}) was not caught.")
    return said
