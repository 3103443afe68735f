"""Settings for every pytest run of the kit: its own session and engine, and which worker runs
which tests.

Tests run in the session ``test`` (``test-gwN`` per xdist worker), never in ``main``, so a
learner's registry and credentials are left alone; whatever a run started is removed at its end.
A second run of the same session, while one is going, stops at once and names the first.

``scripts/test`` runs two xdist workers with ``--dist each``: each worker collects every test and
keeps its own share (``run_config.ROLES``); the run is worked out once per process and handed on
explicitly (``tests.plugins.run_config``). On Linux as root each worker starts a private engine of
one reference pair (``helpers.engine.pairs``), with that pair's own CLI first on ``PATH``: ``gw0``
Debian 12's engine and CLI on the classic store, for the engine tests and the notebooks, ``gw1``
Debian 13's engine and CLI (unpacked by ``scripts/setup``) on the containerd store, for the
notebooks, the site, the Python packages and the whole runs. The other pairs of the matrix run in
``tests/lesson/test_pairs.py``. So both stores are verified side by side; a test that no store
changes, and the Chinese notebooks, run on one worker only (``one_store``). A private engine starts
bare and runs the notebooks before any other test, so each store's verification is a learner's first
run. Elsewhere (Docker Desktop, ``$DOCKER_HOST``, no root) ``gw0`` verifies the engine at hand and
``gw1`` runs only the site and Python-package tests. Without xdist, one process runs everything on
the engine at hand.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator

import docker.errors
import pytest
from filelock import FileLock, Timeout

from helpers.engine import image_store
from helpers.errors import KitError
from helpers.kit import Kit
from tests.plugins import run_lock
from tests.plugins.run_config import (
    AREAS,
    ENGINE_WAS_BARE,
    NOTEBOOKS,
    RUN,
    SITE,
    Role,
    RunConfig,
    wants_the_engine,
)
from tests.plugins.run_config import of as the_run

pytest_plugins = [
    "tests.plugins.engine_fixtures",
    "tests.plugins.kernel_pool",
    "tests.plugins.nbval_profiles",
    "tests.plugins.skips",
]

CHINESE_EDITION_STORE = image_store.CONTAINERD
"""The store whose worker runs the Chinese notebooks. Their code cells and outputs are the
English ones (``tests/lesson/test_translations.py``), which both workers verify; the Chinese
edition adds only its kernel and prose, so one store suffices: the one a reader of Docker
Desktop or Docker 29+ meets."""


def one_store(item: pytest.Item) -> str | None:
    """Return the one image store whose worker runs a test when both stores are verified side
    by side: the store its ``one_store`` marker names (a test whose outcome no store changes,
    or a pairing such as bash with one store and zsh with the other), the Chinese edition's
    for a Chinese notebook's cells; None for a test that each store's worker runs."""
    marker = item.get_closest_marker("one_store")
    if marker is not None:
        return str(marker.args[0])
    if is_chinese_cell(item):
        return CHINESE_EDITION_STORE
    return None


def is_chinese_cell(item: pytest.Item) -> bool:
    """Tell whether a test is a cell of a Chinese notebook (``notebooks/zh``)."""
    return is_notebook_cell(item) and item.path.parent.name == "zh"


def area(item: pytest.Item) -> str:
    """Return the area a test belongs to: its folder's under ``tests/`` (``AREAS``); a
    notebook's cell is ``NOTEBOOKS``."""
    if is_notebook_cell(item):
        return NOTEBOOKS
    folder = item.path.relative_to(item.config.rootpath).parts[1]
    if folder not in AREAS:
        raise pytest.UsageError(
            f"tests/{folder} has no area: add it to AREAS in tests/plugins/run_config.py."
        )
    return AREAS[folder]


def is_kept(item: pytest.Item, role: Role, side_by_side: bool) -> bool:
    """Tell whether a worker of this role runs a test: side by side, the worker of the store
    a test's ``one_store`` names, else each worker whose role has the test's area."""
    store = one_store(item) if side_by_side else None
    return role.store == store if store is not None else area(item) in role.areas


_run_lock: list[object] = []
"""The run locks this process holds (its session's, and its engine's), kept open until the
process ends."""


def is_notebook_cell(item: pytest.Item) -> bool:
    """Tell whether a test is a notebook cell that nbval runs."""
    return item.path.suffix == ".ipynb"


def _refuse_a_second_run(config: pytest.Config, run: RunConfig) -> None:
    """Two runs with one session name would share (and stop) each other's engines and
    registries: the second one stops at once, naming the first (``tests/plugins/run_lock.py``)."""
    if hasattr(config, "workerinput") or not wants_the_engine(config):
        return  # a worker belongs to its controller's run
    try:
        _run_lock.append(run_lock.take(run.base))
    except run_lock.Held as held:
        pytest.exit(
            f"Another test run (pid {held.holder}) uses the test session {run.base!r}: wait for "
            "it to end, or stop it, and run again (or give this run its own KIT_SESSION).",
            returncode=3,
        )
    except run_lock.Unusable as error:
        pytest.exit(str(error), returncode=3)
    if _shares_its_engine(config, run):
        _refuse_a_second_run_on_the_engine(run)


def _shares_its_engine(config: pytest.Config, run: RunConfig) -> bool:
    """Tell whether the run's notebooks use an engine it does not own (``scripts/tutorial``, a
    learner's): not when each xdist worker starts an engine of its own."""
    return not _workers_get_private_engines(config, run)


def _workers_get_private_engines(config: pytest.Config, run: RunConfig) -> bool:
    """Tell, in the process that starts the xdist workers, whether each will start its own
    engine."""
    workers = bool(config.getoption("numprocesses", None))
    return RunConfig.workers_get_private_engines(run.environment, workers)


def _refuse_a_second_run_on_the_engine(run: RunConfig) -> None:
    """Two runs of different sessions on one engine share its demo images: the second one
    stops at once, naming the first (no engine: the run says so where it needs one)."""
    try:
        engine_id = str(run.kit.client().info()["ID"])
    except (KitError, docker.errors.DockerException):
        return
    try:
        _run_lock.append(run_lock.take(run_lock.engine_lock(engine_id)))
    except run_lock.Held as held:
        if held.by_an_ancestor():
            return  # a test's own run, on its run's engine
        pytest.exit(
            f"Another test run (pid {held.holder}) verifies the notebooks on this Docker engine, "
            "whose demo images every session shares: wait for it to end, or stop it, and run "
            "again.",
            returncode=3,
        )
    except run_lock.Unusable as error:
        pytest.exit(str(error), returncode=3)


def pytest_configure(config: pytest.Config) -> None:
    """Work out the run (``tests.plugins.run_config``: on a worker with a private engine, that
    starts it), and refuse a second run of the same session."""
    _refuse_a_second_run(config, the_run(config))


@pytest.fixture(scope="session")
def run_config(request: pytest.FixtureRequest) -> RunConfig:
    """Return the run's configuration: its ``child()`` is the environment of every command a
    test starts."""
    return the_run(request.config)


@pytest.fixture(scope="session")
def kit(run_config: RunConfig) -> Kit:
    """Return this worker's kit: its session (``test-gwN``) on the engine it verifies; the
    notebooks' kernels and the commands the tests start make theirs from ``run.environment``."""
    return run_config.kit


def every_session_lock(run: RunConfig) -> str:
    """Return the lock, in the run locks' folder (``run_lock.folder``), held by the workers of
    one run in turn. Per session, not per machine: a run that such a test starts (``-m
    every_session`` in ``test_cli``) has a session, and so a lock, of its own, and would wait
    for its parent's for ever. Two test runs of different sessions at once can still take each
    other's killed engines; the README says to run one at a time there."""
    return f"{run.base}-every-session.lock"


EVERY_SESSION_WAIT = 600


@pytest.fixture(autouse=True)
def _one_every_session_test_at_a_time(request: pytest.FixtureRequest) -> Iterator[None]:
    """Run the tests marked ``every_session`` or ``engines_of_its_own`` one at a time in a
    run: a `down --all` on one worker stops the engines that a whole-run test on the other has
    just orphaned on purpose, and would take them from under it; and an interrupted whole run
    must stop its engines within xdist's grace, which it missed once in CI while the other
    worker ran a pair's engine and notebooks."""
    marked = ("every_session", "engines_of_its_own")
    if not any(request.node.get_closest_marker(name) for name in marked):
        yield
        return
    path = run_lock.folder() / every_session_lock(the_run(request.config))
    try:
        lock = FileLock(path, timeout=EVERY_SESSION_WAIT)
        lock.acquire()
    except Timeout:
        pytest.fail(
            f"The other worker held {path} for {EVERY_SESSION_WAIT} s: one of its tests hangs.",
            pytrace=False,
        )
    try:
        yield
    finally:
        lock.release()


CHINESE_CELLS_KEPT = pytest.StashKey[bool]()
"""Whether the run asked for Chinese notebooks and this worker is to run them."""


@pytest.fixture
def chinese_cells_kept(request: pytest.FixtureRequest) -> bool:
    """Tell whether this worker is to run the Chinese notebooks' cells (``one_store``)."""
    return request.config.stash.get(CHINESE_CELLS_KEPT, False)


@pytest.fixture
def engine_was_bare(request: pytest.FixtureRequest) -> bool | None:
    """Whether this worker's private engine started with no image (None: it has none)."""
    return request.config.stash.get(ENGINE_WAS_BARE, None)


def pytest_report_header(config: pytest.Config) -> str | None:
    """On the xdist controller, say which worker verifies which image store."""
    if not config.getoption("numprocesses", None) or hasattr(config, "workerinput"):
        return None
    run = the_run(config)
    if _workers_get_private_engines(config, run):
        return (
            "gw0: the classic image store and the engine tests, on a private Debian 12 "
            "engine with its own CLI; gw1: the containerd image store, the site, the Python "
            "packages and the whole runs, on a private Debian 13 engine with its own CLI; "
            "each engine starts bare; tests/lesson/test_pairs.py runs the other pairs."
        )
    from helpers.errors import KitError
    from helpers.lesson import recorded

    try:
        versions = recorded.current_versions(run.kit.client(), run.kit.docker_cli)
        verified = recorded.summary(versions)
    except KitError as error:
        verified = str(error)
    return f"gw0: the engine tests and notebooks on the engine at hand; gw1: the rest. {verified}"


def pytest_sessionstart(session: pytest.Session) -> None:
    """On the xdist controller, before the workers start, fetch what their bare private
    engines build the registry image from, when Docker Hub is out of reach: two workers
    fetching Debian's package at once would run apt-get at the same time."""
    config = session.config
    controller = config.getoption("numprocesses", None) and not hasattr(config, "workerinput")
    run = the_run(config)
    if controller and _workers_get_private_engines(config, run) and wants_the_engine(config):
        from helpers import settings
        from helpers.errors import KitError
        from helpers.registry import image as registry_image

        with contextlib.suppress(KitError):  # the workers say what is wrong, if it matters
            found = registry_image.registry_image(run.kit.client())
            if found != settings.UPSTREAM_REGISTRY_IMAGE:
                registry_image.unpacked_registry()


EVERY_SESSION_ON_A_SHARED_ENGINE = pytest.mark.skip(
    reason="removes what belongs to every session (down --all, reset), which on a shared engine "
    "would take a learner's own registry or demo images: run on a private engine only"
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep this worker's share of the tests (``run_config.ROLES``, ``one_store``); a
    notebook's cells run in order. On an engine the run does not own, skip the tests marked
    ``every_session``."""
    run = the_run(config)
    role, side_by_side = run.role, run.side_by_side
    if run.engine is None:
        for item in items:
            if item.get_closest_marker("every_session"):
                item.add_marker(EVERY_SESSION_ON_A_SHARED_ENGINE)
    config.stash[CHINESE_CELLS_KEPT] = any(map(is_chinese_cell, items)) and (
        not side_by_side or role is None or role.store == CHINESE_EDITION_STORE
    )
    if role is None:
        return
    kept = [item for item in items if is_kept(item, role, side_by_side)]
    config.hook.pytest_deselected(items=[item for item in items if item not in kept])
    # The notebooks first, in order: on a private engine, they are a learner's first run.
    items[:] = sorted(kept, key=lambda item: not is_notebook_cell(item))


DEMO_IMAGES_WERE_LOADED = pytest.StashKey[bool]()
"""On a shared engine, whether the demo images were there before this run."""


def pytest_collection_finish(session: pytest.Session) -> None:
    """On a shared engine, note whether the demo images were there before this run."""
    run = the_run(session.config)
    if run.engine is not None or not any(area(item) != SITE for item in session.items):
        return
    from helpers import settings
    from helpers.errors import KitError
    from helpers.steps import local_state

    with contextlib.suppress(KitError):
        demo = local_state.local_image_id(run.kit.client(), settings.DEMO_IMAGE)
        session.config.stash[DEMO_IMAGES_WERE_LOADED] = demo is not None


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Leave nothing behind: stop this worker's private engine with all it holds; on a shared
    engine, remove this run's registry and its session folder, whatever the outcome, and the
    demo images too if the run loaded them.

    A run of the site tests alone never touches the engine, so it leaves it alone too.
    """
    run = session.config.stash.get(RUN, None)
    if run is None:
        return  # the run stopped before it was worked out: it started nothing
    kit = run.kit
    from helpers.steps import credential_helper

    credential_helper.stop_agent(kit.home)  # a helper step that failed halfway leaves it running
    if run.engine is not None:
        run.engine.stop()
        shutil.rmtree(kit.folder, ignore_errors=True)
        return
    loaded = session.config.stash.get(DEMO_IMAGES_WERE_LOADED, None)
    if loaded is None:
        return
    from helpers.demo import images
    from helpers.errors import KitError
    from helpers.registry.sessions import remove_leftovers

    with contextlib.suppress(KitError):
        remove_leftovers(kit)
        if not loaded:
            images.remove_kit_images(kit.client())
    shutil.rmtree(kit.folder, ignore_errors=True)
