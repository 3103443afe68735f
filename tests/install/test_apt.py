"""Installing Debian packages never takes one of the user's away: apt-get runs with
``--no-remove`` (and no recommends, no prompt, the user's config files kept).

Checked with apt-get's own simulation (``-s``: nothing is installed or removed) of a package
that conflicts with the engine's: ``podman-docker`` conflicts with ``docker.io``.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from helpers.engine import apt

pytestmark = pytest.mark.skipif(
    shutil.which("apt-get") is None
    or subprocess.run(["dpkg", "-s", "docker.io"], capture_output=True).returncode != 0,
    reason="needs apt-get and Debian's docker.io installed",
)


def _simulated(command: list[str]) -> subprocess.CompletedProcess[str]:
    install = command.index("install")
    return subprocess.run(
        [*command[:install], "-s", *command[install:]],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={"LC_ALL": "C", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
    )


def test_an_install_that_would_remove_a_users_package_stops_instead():
    """Without ``--no-remove`` apt would remove docker.io to install podman-docker; the kit's
    command stops and removes nothing."""
    command = apt.commands(["podman-docker"])[1]
    assert "--no-install-recommends" in command and "Dpkg::Options::=--force-confold" in command
    careless = _simulated([word for word in command if word != "--no-remove"])
    assert "Remv docker.io" in careless.stdout, careless.stdout + careless.stderr
    done = _simulated(command)
    assert done.returncode != 0
    assert "Remv" not in done.stdout
    assert "remove is disabled" in done.stderr or "remove is disabled" in done.stdout
