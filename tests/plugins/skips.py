"""Skips that cannot hide a missing part.

CI on Linux as root (``CI=true``, as ``.ci/run`` runs on the kit's own machine) has everything
the tests need: tmux, zsh, ``pass``, GnuPG, private engines, a browser. There a skip means a part
went missing, so it fails the run, unless the test is marked ``may_skip``: only Docker Hub's
real-account test is, since no account is given to CI. Anywhere else (a learner's machine, the
GitHub workflow without root) a skip stays a skip, and the run ends with one line that says how
many tests this machine could not run, next to pytest's own list of them and their reasons.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Generator

import pytest

from helpers import environment
from helpers.environment import Environment

STRICT = pytest.StashKey[bool]()


def skips_fail(environment: Environment, platform: str, euid: int) -> bool:
    """Tell whether a skip fails the run: under CI on Linux as root."""
    return environment.get("CI").lower() == "true" and platform == "linux" and euid == 0


def pytest_configure(config: pytest.Config) -> None:
    """Decide once, for the whole run, whether a skip fails it (a plugin a run in a folder of
    its own loads alone: it reads the environment pytest started in)."""
    config.stash[STRICT] = skips_fail(environment.current(), sys.platform, os.geteuid())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, None]:
    """Under CI as root, turn the skip of a test not marked ``may_skip`` into a failure that
    gives the skip's reason."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if not (report.skipped and item.config.stash[STRICT]):
        return
    if item.get_closest_marker("may_skip") or hasattr(report, "wasxfail"):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = (
        f"CI on Linux as root has every part the tests need, so this test may not skip; "
        f"it skipped: {reason.removeprefix('Skipped: ')}"
    )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """End with one line naming how many tests this machine did not run, if any."""
    skipped = terminalreporter.stats.get("skipped", [])
    if skipped:
        terminalreporter.write_line(
            f"Not run on this machine: {len(skipped)} test{'s' * (len(skipped) != 1)} "
            "(SKIPPED above, each with what it needs)."
        )
