"""Regenerating and the canary run the notebooks as the check does, and keep every output."""

from __future__ import annotations

import pytest

from helpers.engine import image_store
from helpers.environment import Environment
from helpers.kit import Kit
from helpers.lesson import (
    expected,
    notebook_run,
    ran_as,
    recorded,
    values_in_outputs,
)
from helpers.lesson import notebooks as lesson
from helpers.lesson.engine_values import ADDRESS, Values

# One store suffices for how runs keep their outputs.
pytestmark = pytest.mark.one_store(image_store.CLASSIC)


def test_a_run_keeps_what_each_cell_printed_as_nbval_compared_it(kit, docker_client) -> None:
    """One nbval run of a notebook, through ``helpers.lesson.notebook_run``, passes the comparison
    with the stored outputs and hands back what every code cell printed and the values this
    engine and the run's registry reported: the same text as stored, once those values are
    written in as nbval writes them (the run's session may find 5000 taken by another
    session's registry: then its real port, not any port, and the lines the kit adds to say
    so, ``helpers.lesson.ran_as``, each where it must be)."""
    path = lesson.notebook_for("login")
    env = kit.environment.child(KIT_SESSION=f"{kit.session}-capture")
    capturing = Kit.from_environment(environment=Environment(env))
    ran = notebook_run.run([path], env, compare=True, values=True)
    assert ran.returncode == 0, ran.said
    profile = image_store.detect(docker_client)
    code = [cell for cell in lesson.read(path).cells if cell.cell_type == "code"]
    printed = ran.cells(path, len(code))
    values = Values(None, ran.values)
    reference = values_in_outputs.shown_by("login", recorded.reference_values(profile))
    address = values.known[ADDRESS]
    for number, (cell, printed_by_kit) in enumerate(zip(code, printed, strict=True)):
        added = ran_as.added_lines(capturing, cell, address, chinese=False)
        outputs = ran_as.without_what_the_kit_added(printed_by_kit, added)
        stored = values_in_outputs.outputs_with_values(
            expected.cell_outputs(cell, profile), reference, values
        )
        assert expected.printed_text(outputs) == expected.printed_text(stored), f"Cell {number}"
