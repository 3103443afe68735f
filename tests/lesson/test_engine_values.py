"""The values a run reads from the engine and the registry (``helpers.lesson.engine_values``)."""

from __future__ import annotations

from collections.abc import Iterator

from helpers.kit import Kit
from helpers.lesson.engine_values import ADDRESS, Values
from helpers.registry.container import Registry


def _moving_registry(kit: Kit, ports: Iterator[int]) -> Registry:
    """A registry found on the next port each time it is looked for, as one restarted while
    its port was taken would be."""
    return Registry(kit, port=next(ports))


def test_nbvals_run_reads_the_address_again_only_after_a_set_up(kit: Kit) -> None:
    """The run that keeps the address (nbval's) reads it once, and again only after a set-up
    cell may have moved the registry; any other reader reads it each time it asks."""
    ports = iter(range(5301, 5310))
    kept = Values(kit, registry_of=lambda kit: _moving_registry(kit, ports), keeps_address=True)
    assert [kept.get(ADDRESS), kept.get(ADDRESS)] == ["localhost:5301", "localhost:5301"]
    kept.address_may_have_moved()
    assert [kept.get(ADDRESS), kept.get(ADDRESS)] == ["localhost:5302", "localhost:5302"]
    every_time = Values(kit, registry_of=lambda kit: _moving_registry(kit, ports))
    assert [every_time.get(ADDRESS), every_time.get(ADDRESS)] == [
        "localhost:5303",
        "localhost:5304",
    ]
