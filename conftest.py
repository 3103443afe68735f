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


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Remove this run's registry and its session folder, whatever the outcome.

    A run of the site tests alone never touches the engine, so it leaves it alone too.
    """
    if not any(_uses_the_engine(item) for item in session.items):
        return
    from helpers.errors import KitError
    from helpers.paths import session_home
    from helpers.registry import remove_leftovers

    with contextlib.suppress(KitError):
        remove_leftovers(os.environ["KIT_SESSION"])
    shutil.rmtree(session_home().parent, ignore_errors=True)
