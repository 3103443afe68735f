"""A pytest plugin: nbval holds the Docker at hand to the outputs recorded on its pair, with the
values that differ between engines read from the engine and the registry
(``helpers.lesson.expected``, ``helpers.lesson.engine_values``).

It reads the engine's image store and versions and the ``docker`` CLI on PATH, chooses the recorded
pair they are held to, says so in the report's header, gives each notebook cell that pair's stored
outputs (a cell that runs a platform's program, those of the case the engine is in), and has nbval
compare each cell's output with them once the values this engine printed are written in. After each
set-up cell it reads the values the set-up made. With ``--kit-mutations`` it also proves, for each
mutation of ``tests/plugins/mutations.py``, that the same comparison fails on that cell
(``tests.plugins.mutations``). Loaded by the root ``conftest.py``, and with ``-p
tests.plugins.nbval_profiles`` by runs in a folder of their own; either way it reads the run's kit
(``tests.plugins.run_config``).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import pytest
from nbval.plugin import IPyNbCell

from helpers import steps
from helpers.demo import platform_builds
from helpers.errors import KitError
from helpers.lesson import expected, ran_as, recorded, values_in_outputs
from helpers.lesson import notebooks as lesson
from helpers.lesson.engine_values import ADDRESS, ValueChanged, Values
from tests.plugins import mutations, run_config

VERSIONS = pytest.StashKey[recorded.Versions]()
PAIR = pytest.StashKey[str]()
VALUES = pytest.StashKey[Values]()
REFERENCE_VALUES = pytest.StashKey[dict[str, str]]()
"""The values every stored output of the store at hand is written with (read once a run)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--kit-mutations``."""
    parser.addoption(
        mutations.OPTION,
        action="store_true",
        default=False,
        help="prove that each mutation of tests/plugins/mutations.py fails its cell's comparison",
    )


def _checks_notebooks(config: pytest.Config) -> bool:
    return bool(config.getoption("nbval", False) or config.getoption("nbval_lax", False))


def pytest_configure(config: pytest.Config) -> None:
    """Read the Docker of the run's kit (its engine and CLI) and choose the recorded pair it
    is held to."""
    controller = config.getoption("numprocesses", None) and not hasattr(config, "workerinput")
    if not _checks_notebooks(config) or controller:
        return  # an xdist controller runs no notebook; its workers decide for themselves
    kit = run_config.of(config).kit
    try:
        versions = recorded.current_versions(kit.client(), kit.docker_cli)
        pair = recorded.nearest_pair(versions)
    except KitError as error:
        raise pytest.UsageError(str(error)) from None
    config.stash[VERSIONS] = versions
    config.stash[PAIR] = pair
    # Only a set-up cell (re)starts the registry: the address is read again after each one,
    # not for every cell's comparison (which cost 1.7 s of a 25 s verification).
    config.stash[VALUES] = Values(kit, keeps_address=True)
    config.stash[REFERENCE_VALUES] = recorded.reference_values(versions.store)
    if not config.option.nbval_sanitize_with:
        config.option.nbval_sanitize_with = str(expected.SANITIZE)


def pytest_report_header(config: pytest.Config) -> str | None:
    """Say which pair's outputs are verified, on which engine, and how."""
    versions = config.stash.get(VERSIONS, None)
    return None if versions is None else recorded.summary(versions)


Compare = Callable[..., bool]


def _compare_with_values(item: IPyNbCell, compare: Compare) -> Compare:
    """Return nbval's comparison of ``item``, run on its stored outputs with the values of
    the engine at hand written in; with mutations, also prove each fails it."""
    step = lesson.step_of(item.parent.nb)  # the notebook nbval read (its IPyNbFile)
    recorded_values = values_in_outputs.shown_by(step, item.config.stash[REFERENCE_VALUES])
    values = item.config.stash[VALUES]

    def with_values(ref: list[Any]) -> list[Any]:
        return values_in_outputs.outputs_with_values(ref, recorded_values, values)

    def compare_outputs(test: list[Any], ref: list[Any], skip_compare: Any = None) -> bool:
        try:
            test = _without_what_the_kit_added(item, values, test)
            matches = compare(test, with_values(ref), skip_compare)
        except KitError as error:
            item.comparison_traceback = [str(error)]
            return False
        if matches and item.config.getoption(mutations.OPTION):
            survived = mutations.survivors(
                item, item.config.stash[VERSIONS].store, test, ref, with_values, compare, values
            )
            if survived:
                item.comparison_traceback = survived
                return False
        return matches

    return compare_outputs


def _without_what_the_kit_added(item: IPyNbCell, values: Values, test: list[Any]) -> list[Any]:
    """Return what a cell printed without the lines the kit adds when port 5000 was taken (the
    registry's address, once, and each changed command as it ran: ``helpers.lesson.ran_as``)
    and, in a Chinese notebook, under a check's verdict, each of which must be there; the
    stored outputs, recorded at port 5000 and shared by both editions, have none."""
    chinese = item.path.parent.name == "zh"
    added = ran_as.verdicts_in_chinese(test) if chinese and lesson.is_check(item.cell) else []
    address = values.get(ADDRESS)
    if address is not None:
        kit = run_config.of(item.config).kit
        added = ran_as.added_lines(kit, item.cell, address, chinese) + added
    return ran_as.without_what_the_kit_added(test, added)


@pytest.hookimpl(trylast=True)  # after conftest.py kept this worker's share
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Give each notebook cell this worker runs the outputs stored for the pair at hand and the
    comparison with values; skip a step that needs what this machine lacks (the credential
    helper, buildx), with its sentence (no other step needs it). Only a worker that runs step
    10 asks the engine which platforms it runs: two workers' probes on one engine would untag
    each other's demo image."""
    versions = config.stash.get(VERSIONS, None)
    if versions is None:
        return
    cells = [item for item in items if isinstance(item, IPyNbCell)]
    runnable = _runnable_platforms(config, cells)
    for item in cells:
        item.cell.outputs = expected.cell_outputs(item.cell, config.stash[PAIR], runnable)
        item.compare_outputs = _compare_with_values(item, item.compare_outputs)  # type: ignore[method-assign]
    # Both editions: the Chinese notebook has the English one's name (helpers.lesson.translations).
    for step in steps.STEPS.values():
        if step.needs is None:
            continue
        notebook = lesson.notebook_for(step.name).name
        if not any(item.path.name == notebook for item in cells):
            continue
        try:
            step.needs(run_config.of(config).environment)
        except KitError as error:
            skip = pytest.mark.skip(reason=str(error))
            for item in cells:
                if item.path.name == notebook:
                    item.add_marker(skip)


def _runnable_platforms(config: pytest.Config, cells: list[IPyNbCell]) -> frozenset[str] | None:
    """Return the platforms whose programs the engine at hand runs, asked of it as a step's
    set-up asks, if a cell's outputs depend on it (None if none does)."""
    if not any(lesson.platform_run(item.cell) for item in cells):
        return None
    try:
        return platform_builds.runnable_platforms(run_config.of(config).kit.client())
    except KitError as error:
        raise pytest.UsageError(str(error)) from None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Around a set-up cell: the registry's address is read again when next asked for (the
    set-up may restart the registry, on another port if its own was taken); after it, read
    the values its set-up made (a later cell may show an image that is gone by then: step 5
    removes it and shows its ID), until every value is known; a value that reads otherwise
    than earlier in the run fails the set-up cell."""
    values = item.config.stash.get(VALUES, None)
    if values is None or not isinstance(item, IPyNbCell) or not lesson.is_setup(item.cell):
        return (yield)
    values.address_may_have_moved()
    outcome = yield
    if set(item.config.stash[REFERENCE_VALUES]) <= set(values.known):
        return outcome  # every value is known: reading them again would only cost time
    try:
        values.refresh()
    except ValueChanged as error:
        pytest.fail(str(error), pytrace=False)
    except KitError:
        pass  # a registry that does not answer fails the cell that shows a value, then
    return outcome


def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> None:
    """Name the pair in a failing cell's report, so a reader knows which output it was."""
    versions = item.config.stash.get(VERSIONS, None)
    if versions is not None and isinstance(item, IPyNbCell) and call.when == "call":
        item.add_report_section("call", "pair", recorded.summary(versions))
