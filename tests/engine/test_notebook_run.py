"""Regenerating and the canary run the notebooks as the check does, and keep every output."""

from __future__ import annotations

import os
import re

from helpers.engine import image_store
from helpers.lesson import expected, notebook_run
from helpers.lesson import notebooks as lesson


def test_a_run_keeps_what_each_cell_printed_as_nbval_compared_it(kit, docker_client) -> None:
    """One nbval run of a notebook, through ``helpers.lesson.notebook_run``, passes the comparison
    with the stored outputs and hands back what every code cell printed: the same text as
    stored, once the registry's port is written as the guide's (the run's session may find
    5000 taken by another session's registry: any port, as the sanitising rule has it)."""
    path = lesson.notebook_for("login")
    env = {**os.environ, "KIT_SESSION": f"{kit.session}-capture"}
    ran = notebook_run.run([path], env, compare=True)
    assert ran.returncode == 0, ran.said
    profile = image_store.detect(docker_client)
    code = [cell for cell in lesson.read(path).cells if cell.cell_type == "code"]
    printed = ran.cells(path, len(code))
    for number, (cell, outputs) in enumerate(zip(code, printed, strict=True)):
        stored = "".join(o.get("text", "") for o in expected.cell_outputs(cell, profile))
        got = re.sub(
            r"localhost:\d+", "localhost:5000", "".join(o.get("text", "") for o in outputs)
        )
        assert got == stored, f"Cell {number}"
