"""The site tests' fixtures: one strict build of the site per test run, shared, and one
Chromium per test process for the browser tests (of the MkDocs build and of Zensical's)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright
from site_support import (
    CHROMIUM_ARGS,
    VIEWPORT,
    Build,
    build_once,
    chromium_executable,
    require_clean,
    zensical_build_once,
)

from tests.plugins.run_config import RunConfig

NETWORK_CHANGED = pytest.mark.flaky(reruns=1, only_rerun=["ERR_NETWORK_CHANGED"])
"""Chromium drops a page's requests with ERR_NETWORK_CHANGED when the machine's addresses
change, and the test run's own private engines add bridges and containers' veths while pages
load. Such a failure says nothing of the page, so a browser test that failed with it alone
runs once more, from the start, and must then pass whole (pytest-rerunfailures); any other
failure stands."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses the browser with ``NETWORK_CHANGED``."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(NETWORK_CHANGED)


@pytest.fixture(scope="session")
def build(tmp_path_factory: pytest.TempPathFactory, run_config: RunConfig) -> Build:
    """Return the one strict build of the site for this test run, passed or failed."""
    return build_once(tmp_path_factory, run_config)


@pytest.fixture(scope="session")
def site(build: Build) -> Path:
    """Return the folder of the run's successful build of the site."""
    return require_clean(build).site


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """Start Playwright's driver for the session."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Launch one headless Chromium for the session."""
    launched = playwright.chromium.launch(
        executable_path=chromium_executable(playwright), headless=True, args=CHROMIUM_ARGS
    )
    yield launched
    launched.close()


@pytest.fixture(scope="session")
def context(browser: Browser) -> Iterator[BrowserContext]:
    """Return the light-palette context shared by the tests, allowed to use the clipboard."""
    shared = browser.new_context(
        viewport=VIEWPORT,
        color_scheme="light",
        permissions=["clipboard-read", "clipboard-write"],
    )
    yield shared
    shared.close()


@pytest.fixture(scope="session")
def zensical_build(tmp_path_factory: pytest.TempPathFactory, run_config: RunConfig) -> Build:
    """Return the one Zensical build of both editions for this test run, passed or failed."""
    return zensical_build_once(tmp_path_factory, run_config)
