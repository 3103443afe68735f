"""Mutations each verification run proves it catches, one per kind of value a cell shows.

With ``--kit-mutations``, ``tests.plugins.nbval_profiles`` compares each listed cell twice more once
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

from helpers.engine import image_store
from helpers.lesson import expected
from helpers.lesson.engine_values import ADDRESS, Values
from helpers.terminal import screen

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


def _swap_two_digests(text: str, values: Values) -> str | None:
    """Swap the first two digests the text shows: each is still a value the engine reports,
    in the other's place."""
    found = list(dict.fromkeys(re.findall(r"sha256:[0-9a-f]{64}", text)))
    if len(found) < 2:
        return None
    first, second = found[:2]
    return text.replace(first, "\0").replace(second, first).replace("\0", second)


def _drop_line(starting: str) -> Callable[[str, Values], str | None]:
    def change(text: str, values: Values) -> str | None:
        lines = text.splitlines(keepends=True)
        at = next((i for i, line in enumerate(lines) if line.startswith(starting)), None)
        return None if at is None else "".join(lines[:at] + lines[at + 1 :])

    return change


PUSH_DENIED = "push access denied, repository does not exist or may require authorization: "
"""The words the one sanitize rule forgives before a push's ``authorization failed``."""
PULL_DENIED = PUSH_DENIED.replace("push", "pull")


def _replace(old: str, new: str) -> Callable[[str, Values], str | None]:
    def change(text: str, values: Values) -> str | None:
        return text.replace(old, new, 1) if old in text else None

    return change


NO_RUN, RAN = "exec /hello: exec format error", "Hello World"


def _other_outcome(text: str, values: Values) -> str | None:
    """Print what a platform's build prints in the other case: ``Hello World`` where the
    kernel refused it, the kernel's refusal where it ran (an engine that emulates)."""
    if NO_RUN in text:
        return text.replace(NO_RUN, RAN)
    return text.replace(RAN, NO_RUN) if RAN in text else None


@dataclass(frozen=True)
class Mutation:
    """One change to one cell's stored or printed output that its comparison must catch."""

    kind: str
    notebook: str
    cell: int
    """The cell's number among the notebook's code cells, as nbval numbers them."""
    side: str
    change: Callable[[str, Values], str | None]
    stores: tuple[str, ...] = (image_store.CLASSIC, image_store.CONTAINERD)
    """The image stores whose outputs of this cell show what the mutation changes."""


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
        4,
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
    Mutation(
        "two digests swapped, each still one the engine reports",
        "08-clean-up.ipynb",
        9,
        STORED,
        _swap_two_digests,
    ),
    Mutation(
        "a blob left out of the garbage collection's list, which is compared sorted",
        "08-clean-up.ipynb",
        10,
        PRINTED,
        _drop_line(screen.ELIGIBLE_LINE),
    ),
    Mutation(
        "the reason after the push-denied words the sanitize rule forgives",
        "07-common-mistakes.ipynb",
        2,
        PRINTED,
        _replace(
            "authorization failed: no basic auth credentials",
            f"{PUSH_DENIED}authorization failed: insufficient_scope",
        ),
        (image_store.CONTAINERD,),
    ),
    Mutation(
        "a pull's denial words where only a push's are forgiven",
        "07-common-mistakes.ipynb",
        2,
        PRINTED,
        _replace("authorization failed:", f"{PULL_DENIED}authorization failed:"),
        (image_store.CONTAINERD,),
    ),
    Mutation(
        "an index's digest and a platform's swapped, each one the registry reports",
        "10-platforms.ipynb",
        10,
        STORED,
        _swap_two_digests,
    ),
    Mutation(
        "a build's other outcome: run where the set-up found it cannot, or refused where it can",
        "10-platforms.ipynb",
        12,
        PRINTED,
        _other_outcome,
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


def _texts(outputs: list[Any]) -> list[str]:
    return [str(output.get("text", "")) for output in outputs]


def let_through(
    side: str, before: list[Any], mutated: list[Any], with_values: Callable[[list[Any]], list[Any]]
) -> str:
    """Name what made a mutated output compare as the real one: the values written into the
    stored side, a sanitize rule (by its regex, as nbval reads it), or nbval itself."""
    if side == STORED and _texts(with_values(mutated)) == _texts(with_values(before)):
        return "writing in the engine's values (helpers.lesson.expected.with_values)"
    mutated_texts, before_texts = _texts(mutated), _texts(before)
    for regex, replace in expected.sanitize_rules():  # in nbval's order, each on the last's
        mutated_texts = [re.sub(regex, replace, text) for text in mutated_texts]
        before_texts = [re.sub(regex, replace, text) for text in before_texts]
        if mutated_texts == before_texts:
            return f"the sanitize rule {regex!r} ({expected.SANITIZE.name})"
    return "nbval's comparison, which leaves this output out"


def survivors(
    item: Any,
    store: str,
    test: list[Any],
    ref: list[Any],
    with_values: Callable[[list[Any]], list[Any]],
    compare: Callable[..., bool],
    values: Values,
) -> list[str]:
    """Return a sentence for each mutation of this cell, on this image store, that its
    comparison did not catch, naming what let it through."""
    said = []
    for mutation in MUTATIONS:
        if (item.path.name, item.cell_num) != (mutation.notebook, mutation.cell):
            continue
        if store not in mutation.stores:
            continue
        before = ref if mutation.side == STORED else test
        mutated = _changed(before, mutation, values)
        if mutated is None:
            said.append(f"The mutation of {mutation.kind} found nothing to change in this cell.")
            continue
        if mutation.side == STORED:
            caught = not compare(test, with_values(mutated))
        else:
            caught = not compare(mutated, with_values(ref))
        if not caught:
            said.append(
                f"The mutation of {mutation.kind} ({mutation.side}) was not caught: "
                f"{let_through(mutation.side, before, mutated, with_values)} let it through."
            )
    return said
