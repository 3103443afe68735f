"""The test run's configuration: worked out once in each pytest process, kept in
``config.stash``, and handed on explicitly.

The first hook that asks for it (``of``) reads the process's environment once
(``helpers.environment``) and makes a ``RunConfig``: the run's session and this worker's, the
worker's share of the tests (``Role``), and, on a worker with a private engine, that engine
(started then), its pair's CLI first on ``PATH`` and the registry port the worker prefers. Its
``environment`` is what this process's kit uses, what the notebooks' kernels are started with
(``tests.plugins.kernel_pool``) and what every command a test starts gets
(``env=run_config.child()``, checked by ``tests/install/test_layout.py``). The process's own
``os.environ`` is never written, and whichever hook asks first gets the same configuration, so
no hook has to run before another. A pytest that a test starts in a folder of its own, with
only some of these plugins, works its run out the same way.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import pytest

from helpers import environment as process_environment
from helpers.engine import image_store, pairs
from helpers.engine import private as private_engine
from helpers.environment import Environment
from helpers.errors import KitError
from helpers.hub import remote
from helpers.kit import MAIN_SESSION, Kit

ENGINE, INSTALL, NOTEBOOKS, RUNS, SITE, TERMINAL = (
    "engine",
    "install",
    "notebooks",
    "runs",
    "site",
    "terminal",
)
"""The areas the workers share the tests by: what a test needs of the run."""

AREAS = {
    **dict.fromkeys(("engine", "demo", "registry", "hub", "kit"), ENGINE),
    **dict.fromkeys(("lesson", "steps", "maintain"), NOTEBOOKS),
    "terminal": TERMINAL,
    "install": INSTALL,
    "site": SITE,
    "runs": RUNS,
}
"""The area of each folder of ``tests/``, which mirror the packages of ``helpers/``:
``ENGINE``, tests that use an engine the way no notebook does (starting and stopping
registries, ``down --all``), run on one worker only; ``NOTEBOOKS`` and ``TERMINAL``, each
store's worker (a test marked ``one_store`` on that store's only); ``INSTALL``, ``SITE`` and
``RUNS``, the worker that needs no engine of its own for them. The notebooks' cells are
``NOTEBOOKS``."""


@dataclass(frozen=True)
class Role:
    """A worker's share of the tests, and the engine-and-CLI pair of its private engine."""

    areas: frozenset[str]
    pair: pairs.Pair

    @property
    def store(self) -> str:
        """Return the image store of its engine."""
        return self.pair.store


ROLES = {
    "gw0": Role(frozenset({ENGINE, NOTEBOOKS, TERMINAL}), pairs.REFERENCE[image_store.CLASSIC]),
    "gw1": Role(
        frozenset({INSTALL, NOTEBOOKS, RUNS, SITE, TERMINAL}),
        pairs.REFERENCE[image_store.CONTAINERD],
    ),
}
"""The whole runs (``tests/runs``) go with the containerd store's worker only to even out the
two workers' time: they start engines of their own."""
SHARED_ENGINE_ROLES = {
    "gw0": Role(frozenset({ENGINE, NOTEBOOKS, RUNS, TERMINAL}), pairs.DEBIAN_12),
    "gw1": Role(frozenset({INSTALL, SITE}), pairs.DEBIAN_12),
}
"""Without private engines the notebooks' pull step and the engine tests cannot share the one
engine with another worker, so one worker runs all that uses it."""

DEFAULT_SESSION = "test"
WORKER = "PYTEST_XDIST_WORKER"
WORKER_COUNT = "PYTEST_XDIST_WORKER_COUNT"


@dataclass(frozen=True)
class RunConfig:
    """One pytest process's share of a test run, and the environment it hands on."""

    base: str
    """The run's session: each xdist worker's is ``<base>-gwN``."""
    worker: str | None
    """The xdist worker this process is (``gw0``), or None."""
    private_engines: bool
    """Whether the run's workers each start an engine of their own."""
    side_by_side: bool
    """Whether both image stores are verified side by side, one worker each (``one_store``)."""
    environment: Environment
    """What this process's kit, its notebooks' kernels and its tests' commands get."""
    hub_account: Mapping[str, str] = field(default_factory=dict)
    """Docker Hub mode's variables, if the run was given an account: kept out of
    ``environment`` (the run verifies the local tutorial) for the one test that uses them."""
    engine: private_engine.PrivateEngine | None = None
    """This worker's private engine, once started."""

    @classmethod
    def read(cls, environment: Environment) -> RunConfig:
        """Work out the run from the environment pytest started in."""
        base = environment.session or DEFAULT_SESSION
        worker = environment.get(WORKER) or None
        private = cls.workers_get_private_engines(environment, workers=worker is not None)
        # A pytest that a test starts inherits a worker's session name, and keeps it.
        suffix = f"-{worker}" if worker and not base.endswith(f"-{worker}") else ""
        account = {
            name: environment.get(name) for name in remote.VARIABLES if environment.has(name)
        }
        return cls(
            base=base,
            worker=worker,
            private_engines=private,
            side_by_side=private and environment.get(WORKER_COUNT) == str(len(ROLES)),
            environment=environment.without(*remote.VARIABLES).with_values(
                KIT_SESSION=base + suffix,
                # English, as the tests expect, unless the run was told otherwise: not the locale
                KIT_LANGUAGE=environment.get(process_environment.LANGUAGE, "en"),
            ),
            hub_account=account,
        )

    @staticmethod
    def workers_get_private_engines(environment: Environment, workers: bool) -> bool:
        """Tell whether a run's xdist workers (if it has any) each start an engine of their
        own: where the machine supports it and ``$DOCKER_HOST`` names no engine."""
        return workers and private_engine.available(environment)

    @property
    def role(self) -> Role | None:
        """Return this worker's share of the tests, or None outside xdist."""
        return (ROLES if self.private_engines else SHARED_ENGINE_ROLES).get(self.worker or "")

    @property
    def session(self) -> str:
        """Return this process's session (``test-gwN`` on a worker)."""
        return self.environment.session

    def on_private_engine(self, engine: private_engine.PrivateEngine, host: str) -> RunConfig:
        """Return the run pointed at this worker's started private engine: its pair's CLI first
        on ``PATH``, and a registry port of the worker's own (5000, 5100, ...), so that one
        worker's registry restarting on its port never finds the other's there."""
        assert self.role is not None and self.worker is not None
        port = 5000 + 100 * int(self.worker.removeprefix("gw"))
        search = self.role.pair.path(self.environment.search_path)
        moved = self.environment.with_values(
            DOCKER_HOST=host, PATH=search, KIT_REGISTRY_PORT=str(port)
        )
        return replace(self, environment=moved, engine=engine)

    @functools.cached_property
    def kit(self) -> Kit:
        """Return this process's kit: its session on the engine it verifies."""
        return Kit.from_environment(environment=self.environment)

    def child(self, **values: str) -> dict[str, str]:
        """Return the environment of a command a test starts, with some variables changed."""
        return self.environment.child(**values)


RUN = pytest.StashKey[RunConfig]()
ENGINE_WAS_BARE = pytest.StashKey[bool]()
"""Whether this worker's private engine held no image at all when it had started."""


def of(config: pytest.Config) -> RunConfig:
    """Return the run's configuration, worked out (and this worker's private engine started)
    the first time any hook asks."""
    found = config.stash.get(RUN, None)
    if found is None:
        found = config.stash[RUN] = _work_out(config)
    return found


def wants_the_engine(config: pytest.Config) -> bool:
    """Tell whether the run asked for more than the site tests (a site-only run never
    starts an engine)."""
    asked = [arg.split("::")[0].rstrip("/") for arg in config.args] or ["tests"]
    return any(not arg.startswith(f"tests/{SITE}") for arg in asked)


def _work_out(config: pytest.Config) -> RunConfig:
    run = RunConfig.read(process_environment.current())
    if run.base == MAIN_SESSION:
        raise pytest.UsageError(
            "KIT_SESSION=main is a person's session: unset it to run the tests."
        )
    if run.role is None or not run.private_engines or not wants_the_engine(config):
        return run
    # Bare, as a learner's first run meets it: the notebooks, which run first, find no
    # registry image and no demo image there.
    pair = run.role.pair
    try:
        engine = private_engine.PrivateEngine(run.session, pair.store, pair.binaries())
        run = run.on_private_engine(engine, engine.start(copy_registry_image=False))
    except KitError as error:
        raise pytest.UsageError(str(error)) from None
    config.stash[ENGINE_WAS_BARE] = not run.kit.client().images.list(all=True)
    return run
