"""Where the registry listens, when not at the pages' ``localhost:5000``, is said with why."""

from __future__ import annotations

import pytest

from helpers import messages
from helpers.engine.image_store import CONTAINERD
from helpers.lesson import ran_as
from helpers.terminal import own_terminal

pytestmark = pytest.mark.one_store(CONTAINERD)  # no store changes what it says


def test_a_port_asked_for_is_not_called_taken() -> None:
    """``KIT_REGISTRY_PORT`` set: the notebook's first cell and ``helpers terminal`` say the
    setting asked for the port; unset, that port 5000 was taken. Both sentences speak Chinese."""
    taken = ran_as.port_taken("localhost:5100", asked=False)
    asked = ran_as.port_taken("localhost:5100", asked=True)
    assert "(port 5000 was taken)" in taken and "KIT_REGISTRY_PORT" not in taken
    assert "as KIT_REGISTRY_PORT asks" in asked and "taken" not in asked
    assert all(messages.in_chinese(said) != said for said in (taken, asked))
    for language in ("en", "zh"):
        said = own_terminal.instructions(
            "localhost:5100", "c", "/home", language=language, asked=True
        )
        assert "KIT_REGISTRY_PORT" in said
        assert "was taken" not in said and "已被占用" not in said
    plain = own_terminal.instructions("localhost:5100", "c", "/home")
    assert "Port 5000 was taken" in plain
