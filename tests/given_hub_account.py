"""A Docker Hub account given to a test run, set aside for the one test that uses it.

``KIT_HUB_USER`` and ``KIT_HUB_TOKEN`` put the kit in Docker Hub mode. A test run verifies the
local tutorial, and its notebooks' kernels and the commands its tests start inherit its
environment, so the root ``conftest.py`` moves the variables out of it (``set_aside``) before
anything starts; ``given()`` hands them to ``tests/engine/test_hub_mode.py``.
"""

from __future__ import annotations

import json
import os

from helpers.hub import remote

KEPT_IN = "KIT_TEST_HUB_ACCOUNT"
"""Where the account waits, as JSON: xdist workers inherit the controller's environment."""


def set_aside() -> None:
    """Move Docker Hub mode's variables out of this process's environment."""
    account = {name: os.environ.pop(name) for name in remote.VARIABLES if name in os.environ}
    if account:
        os.environ[KEPT_IN] = json.dumps(account)


def given() -> dict[str, str]:
    """Return the variables of the account the run was given (none if it was given none)."""
    return dict(json.loads(os.environ.get(KEPT_IN) or "{}"))
