"""Settings for every pytest run of the kit: its own session, and how nbval compares outputs.

Tests run in the session ``test`` (``test-gwN`` per xdist worker), never in ``main``, so a
learner's registry and credentials are left alone; whatever a run started is removed at its end.
"""

from __future__ import annotations

import contextlib
import os
import shutil

import pytest

# xdist workers inherit the controller's environment, so each adds its own id to the name.
_base = os.environ.setdefault("KIT_SESSION", "test")
_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker and not _base.endswith(f"-{_worker}"):
    os.environ["KIT_SESSION"] = f"{_base}-{_worker}"


def pytest_configure(config: pytest.Config) -> None:
    """Point nbval at the sanitize file that fits this engine."""
    if getattr(config.option, "nbval", False) and not config.option.nbval_sanitize_with:
        from helpers.errors import KitError
        from helpers.recorded import sanitize_file

        try:
            config.option.nbval_sanitize_with = str(sanitize_file())
        except KitError as error:
            raise pytest.UsageError(str(error)) from None


def _uses_the_engine(item: pytest.Item) -> bool:
    return "site" not in item.path.relative_to(item.config.rootpath).parts[:2]


def pytest_itemcollected(item: pytest.Item) -> None:
    """Keep everything that uses the engine on one xdist worker, in order.

    The demo images are the engine's, not a session's: the pull step deletes them and the
    CLI tests reset them, so engine tests and notebooks must not overlap. The site tests
    need no engine and spread over the other workers (``-n 2 --dist loadgroup``).
    """
    if _uses_the_engine(item):
        item.add_marker(pytest.mark.xdist_group("engine"))


_demo_images_were_loaded: bool | None = None


def pytest_collection_finish(session: pytest.Session) -> None:
    """Note whether the demo images were on the engine before this run touches it."""
    global _demo_images_were_loaded
    if any(_uses_the_engine(item) for item in session.items):
        from helpers import settings, state
        from helpers.errors import KitError

        with contextlib.suppress(KitError):
            _demo_images_were_loaded = state.local_image_id(settings.DEMO_IMAGE) is not None


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Remove this run's registry and its session folder, whatever the outcome, and the demo
    images too if the run loaded them: the engine is left as the run found it.

    A run of the site tests alone never touches the engine, so it leaves it alone too.
    """
    if _demo_images_were_loaded is None:
        return
    from helpers import images
    from helpers.errors import KitError
    from helpers.paths import session_home
    from helpers.registry import remove_leftovers

    with contextlib.suppress(KitError):
        remove_leftovers(os.environ["KIT_SESSION"])
        if not _demo_images_were_loaded:
            images.remove_kit_images()
    shutil.rmtree(session_home().parent, ignore_errors=True)
