"""The site tests' fixtures: one strict build of the site per test run, shared."""

from __future__ import annotations

from pathlib import Path

import pytest
from site_support import Build, build_once, require_clean

from tests.plugins.run_config import RunConfig


@pytest.fixture(scope="session")
def build(tmp_path_factory: pytest.TempPathFactory, run_config: RunConfig) -> Build:
    """Return the one strict build of the site for this test run, passed or failed."""
    return build_once(tmp_path_factory, run_config)


@pytest.fixture(scope="session")
def site(build: Build) -> Path:
    """Return the folder of the run's successful build of the site."""
    return require_clean(build).site
