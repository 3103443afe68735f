"""Settings for every pytest run of the kit: its own session and engine, and how nbval
compares outputs.

Tests run in the session ``test`` (``test-gwN`` per xdist worker), never in ``main``, so a
learner's registry and credentials are left alone; whatever a run started is removed at its end.

Under xdist on Linux as root, each worker starts a private engine of its own
(``helpers.private_engine``), so workers share nothing and the notebooks run side by side.
Elsewhere (Docker Desktop, ``$DOCKER_HOST``, no root) every test that uses the engine runs on
one worker, in order, on the one engine there is.
"""

from __future__ import annotations

import contextlib
import os
import shutil

import pytest

from helpers import private_engine

pytest_plugins = ["tests.kernel_pool"]

# xdist workers inherit the controller's environment, so each adds its own id to the name.
_base = os.environ.setdefault("KIT_SESSION", "test")
_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker and not _base.endswith(f"-{_worker}"):
    os.environ["KIT_SESSION"] = f"{_base}-{_worker}"

# Decided before a worker points $DOCKER_HOST at its own engine, and the same on every worker.
_PRIVATE_ENGINES = _worker is not None and private_engine.available()
_engine: private_engine.PrivateEngine | None = None


def pytest_configure(config: pytest.Config) -> None:
    """Point nbval at the sanitize file that fits this engine."""
    if getattr(config.option, "nbval", False) and not config.option.nbval_sanitize_with:
        from helpers.errors import KitError
        from helpers.recorded import sanitize_file

        try:
            config.option.nbval_sanitize_with = str(sanitize_file())
        except KitError as error:
            raise pytest.UsageError(str(error)) from None


def pytest_sessionstart(session: pytest.Session) -> None:
    """On the xdist controller, before the workers start, make sure the main engine holds a
    registry image for their private engines to copy: two workers building one at once, on a
    machine without one, would run apt-get at the same time."""
    config = session.config
    controller = config.getoption("numprocesses", None) and not hasattr(config, "workerinput")
    if controller and private_engine.available():
        from helpers.errors import KitError
        from helpers.registry_image import registry_image

        with contextlib.suppress(KitError):  # the workers say what is wrong, if it matters
            registry_image()


def _uses_the_engine(item: pytest.Item) -> bool:
    return "site" not in item.path.relative_to(item.config.rootpath).parts[:2]


def pytest_itemcollected(item: pytest.Item) -> None:
    """Tell xdist which tests must share a worker, in order (``--dist loadgroup``).

    A notebook's cells always do. With private engines nothing else needs to. On one shared
    engine, everything that uses it does: the demo images are the engine's, not a
    session's, the pull step deletes them and the CLI tests reset them.
    """
    if not _uses_the_engine(item):
        return
    if _PRIVATE_ENGINES:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.xdist_group(item.path.stem))
    else:
        item.add_marker(pytest.mark.xdist_group("engine"))


_demo_images_were_loaded: bool | None = None


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start this worker's private engine, or, on a shared engine, note whether the demo
    images were there before this run touches it."""
    global _demo_images_were_loaded, _engine
    if not any(_uses_the_engine(item) for item in session.items):
        return
    from helpers import engine, settings, state
    from helpers.errors import KitError

    if _PRIVATE_ENGINES:
        # Each worker's registries prefer their own ports: 5000, 5100, ...
        os.environ["KIT_REGISTRY_PORT"] = str(5000 + 100 * int(_worker.removeprefix("gw")))
        _engine = private_engine.PrivateEngine(os.environ["KIT_SESSION"])
        try:
            os.environ["DOCKER_HOST"] = _engine.start()
        except KitError as error:
            raise pytest.UsageError(str(error)) from None
        engine.client.cache_clear()  # the sanitize choice asked the main engine
        return
    with contextlib.suppress(KitError):
        _demo_images_were_loaded = state.local_image_id(settings.DEMO_IMAGE) is not None


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Leave nothing behind: stop this worker's private engine with all it holds; on a shared
    engine, remove this run's registry and its session folder, whatever the outcome, and the
    demo images too if the run loaded them.

    A run of the site tests alone never touches the engine, so it leaves it alone too.
    """
    from helpers.paths import session_home

    if _engine is not None:
        _engine.stop()
        shutil.rmtree(session_home().parent, ignore_errors=True)
        return
    if _demo_images_were_loaded is None:
        return
    from helpers import images
    from helpers.errors import KitError
    from helpers.registry import remove_leftovers

    with contextlib.suppress(KitError):
        remove_leftovers(os.environ["KIT_SESSION"])
        if not _demo_images_were_loaded:
            images.remove_kit_images()
    shutil.rmtree(session_home().parent, ignore_errors=True)
