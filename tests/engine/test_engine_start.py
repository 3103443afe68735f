"""Starting a stopped engine the way the machine starts it: systemd's unit where systemd has one.

A systemd host cannot be made here (no systemd runs on this machine), so the condition is
simulated at its edge, in a mount namespace of the test's own: a tmpfs over ``/run`` (no
engine answers at the default socket, and ``/run/systemd/system`` says systemd runs), and a
``systemctl`` on ``PATH`` that records each call and, for ``start docker.service``, starts a real
``dockerd`` as the unit would. A ``dockerd`` on ``PATH`` records a bare start and fails, so the
kit cannot start the real one behind systemd's back. The namespace has its own network too:
a dockerd started with ``--bridge=none`` deletes the host's ``docker0``. Nothing outside the
namespaces changes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.paths import PROJECT_ROOT
from tests.engine.host_network import host_interfaces
from tests.plugins.run_config import RunConfig

SYSTEMCTL = """#!/bin/sh
echo "systemctl $*" >> "$CALLS"
case "$*" in
  "cat docker.service") echo "[Service]"; exit 0 ;;
  "start docker.service")
    "$REAL_DOCKERD" --data-root=/run/test-docker --storage-driver=vfs --bridge=none \\
      --iptables=false --ip-masq=false > /run/test-dockerd.log 2>&1 &
    exit 0 ;;
esac
exit 1
"""

BARE_DOCKERD = """#!/bin/sh
echo "dockerd $*" >> "$CALLS"
exit 1
"""

SCENARIO = """
set -eu
mount -t tmpfs test-run /run
mkdir -p /run/systemd/system /run/lock
stop_engine() {
  pid=$(cat /run/docker.pid 2>/dev/null) || return 0
  kill "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}
trap stop_engine EXIT
"$PYTHON" -c 'from helpers import environment; from helpers.engine import bootstrap
print(bootstrap.ensure_engine(environment.current(), print))'
"""


def test_a_stopped_engine_that_systemd_owns_is_started_by_systemd(
    tmp_path: Path, run_config: RunConfig
) -> None:
    """With systemd running and Docker's unit present, a stopped engine is started with
    `systemctl start docker.service`, never as a bare dockerd of the kit's."""
    real_dockerd = shutil.which("dockerd")
    if os.geteuid() != 0 or shutil.which("unshare") is None or real_dockerd is None:
        pytest.skip("needs root, unshare and dockerd for a mount namespace with an engine")
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    for name, script in (("systemctl", SYSTEMCTL), ("dockerd", BARE_DOCKERD)):
        (fake_bin / name).write_text(script)
        (fake_bin / name).chmod(0o755)
    calls = tmp_path / "calls"
    home = tmp_path / "home"  # no docker context: the default socket is the engine
    home.mkdir()
    without_engine = run_config.environment.without(
        "DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CONFIG"
    )
    environment = without_engine.child(
        PATH=f"{fake_bin}:{run_config.environment.search_path}",
        HOME=str(home),
        CALLS=str(calls),
        REAL_DOCKERD=real_dockerd,
        PYTHON=sys.executable,
        KIT_STATE_DIR=str(tmp_path / "state"),
    )
    interfaces = host_interfaces()
    done = subprocess.run(
        ["unshare", "--mount", "--net", "--propagation", "private", "sh", "-c", SCENARIO],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert host_interfaces() == interfaces, "the host's network is as it was"
    said = done.stdout.splitlines()
    assert said[-1] == "started by systemd", said
    assert "starting Docker's engine with `systemctl start docker.service`" in said
    assert calls.read_text().splitlines() == [
        "systemctl cat docker.service",
        "systemctl start docker.service",
    ]
    pgrep = ["pgrep", "-f", "--data-root=/run/test-docker"]
    left = subprocess.run(pgrep, env=run_config.child(), capture_output=True)
    assert left.stdout == b"", "the namespace's engine was stopped"
