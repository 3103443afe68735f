"""A pytest plugin: nbval verifies the stored outputs of the image store the engine at hand
uses (``helpers.image_store``), compared as ``helpers.expected`` says.

It reads the engine's image store and version, points nbval at the sanitize rules that apply,
says in the report's header which profile is verified and how, and gives each notebook cell
the outputs stored for that profile. Loaded by the root ``conftest.py`` and, with
``-p tests.nbval_profiles``, by the mutation run.
"""

from __future__ import annotations

import pytest
from nbval.plugin import IPyNbCell

from helpers import credential_helper, engine, expected, lesson, steps
from helpers.errors import KitError

SETUP = pytest.StashKey[expected.Setup]()


def _checks_notebooks(config: pytest.Config) -> bool:
    return bool(config.getoption("nbval", False) or config.getoption("nbval_lax", False))


@pytest.hookimpl(trylast=True)  # after the root conftest has pointed at this run's engine
def pytest_configure(config: pytest.Config) -> None:
    """Read the engine's profile and choose the sanitize rules for it."""
    controller = config.getoption("numprocesses", None) and not hasattr(config, "workerinput")
    if not _checks_notebooks(config) or controller:
        return  # an xdist controller runs no notebook; its workers decide for themselves
    try:
        setup = expected.current_setup(engine.client())
    except KitError as error:
        raise pytest.UsageError(str(error)) from None
    config.stash[SETUP] = setup
    if not config.option.nbval_sanitize_with:
        config.option.nbval_sanitize_with = str(expected.sanitize_file(setup))


def pytest_report_header(config: pytest.Config) -> str | None:
    """Say which profile is verified, on which engine, and how strictly."""
    setup = config.stash.get(SETUP, None)
    return None if setup is None else expected.summary(setup)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Give each notebook cell the outputs stored for the engine's profile; skip the
    credential-helper step, with its sentence, where the helper cannot be had (no other step
    needs it)."""
    setup = config.stash.get(SETUP, None)
    if setup is None:
        return
    cells = [item for item in items if isinstance(item, IPyNbCell)]
    for item in cells:
        item.cell.outputs = expected.cell_outputs(item.cell, setup.profile)
    # Both editions: the Chinese notebook has the English one's name (helpers.translations).
    helper_notebook = lesson.notebook_for(steps.HELPER_STEP).name
    if not any(item.path.name == helper_notebook for item in cells):
        return
    try:
        credential_helper.command_path()
    except KitError as error:
        skip = pytest.mark.skip(reason=str(error))
        for item in cells:
            if item.path.name == helper_notebook:
                item.add_marker(skip)


def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> None:
    """Name the profile in a failing cell's report, so a reader knows which output it was."""
    setup = item.config.stash.get(SETUP, None)
    if setup is not None and isinstance(item, IPyNbCell) and call.when == "call":
        item.add_report_section("call", "profile", expected.summary(setup))
