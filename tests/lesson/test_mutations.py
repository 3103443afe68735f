"""A mutation that survives names what let it through (``tests.plugins.mutations.let_through``)."""

from __future__ import annotations

from typing import Any

from tests.plugins.mutations import PRINTED, PUSH_DENIED, let_through

REASON = "authorization failed: no basic auth credentials\n"


def _unchanged(outputs: list[Any]) -> list[Any]:
    return outputs


def test_a_survivor_forgiven_by_a_sanitize_rule_names_the_rule() -> None:
    said = let_through(PRINTED, [{"text": REASON}], [{"text": PUSH_DENIED + REASON}], _unchanged)
    assert said == f"the sanitize rule {PUSH_DENIED + 'authorization failed'!r} (common.cfg)"


def test_a_survivor_no_rule_forgives_names_nbvals_comparison() -> None:
    said = let_through(PRINTED, [{"text": REASON}], [{"text": "denied\n"}], _unchanged)
    assert said == "nbval's comparison, which leaves this output out"
