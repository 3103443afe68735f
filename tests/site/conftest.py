"""Start the site's build early: it takes several seconds, and it can run beside other tests."""

from __future__ import annotations

import pytest
from site_support import start_build, wait_for_build

NEEDS_BUILD = {"build", "site"}
"""Fixtures that need the built site (the browser tests' ``base_url`` asks for ``site``)."""


def pytest_collection_finish(session: pytest.Session) -> None:
    """Once the tests to run are known, start the build if one of them needs it."""
    if session.config.option.collectonly:
        return
    if any(NEEDS_BUILD & set(getattr(item, "fixturenames", ())) for item in session.items):
        # The factory the tmp_path_factory fixture returns; no fixture can be asked for here.
        start_build(session.config._tmp_path_factory)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Let a build started early finish (another xdist worker may be waiting for it)."""
    wait_for_build()
