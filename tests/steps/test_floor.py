"""The benchmark's floor does what a verification of the notebooks does, command for command."""

from __future__ import annotations

import docker
import pytest

from benchmarks import floor
from helpers.engine.image_store import CLASSIC
from helpers.kit import Kit

# One store suffices: the floor's journal is the same on both.
pytestmark = pytest.mark.one_store(CLASSIC)


def test_the_floor_is_the_commands_a_verification_runs(
    kit: Kit, docker_client: docker.DockerClient
) -> None:
    """Made again from a run of the steps, the floor is the committed one: every notebook's
    commands, its check's commands and what its set-up did, in order. (An action a set-up does
    through the SDK without noting it in the journal would go unseen here.)"""
    made = floor.script(floor.journal_of_the_steps(kit))
    assert made == floor.FLOOR.read_text(), (
        "benchmarks/floor.sh no longer matches the notebooks: run `python -m benchmarks.floor`"
    )
