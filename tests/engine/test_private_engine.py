"""The private engines that let test workers run side by side: they run containers with
published ports, and leave nothing behind, not even when the run that started one is killed."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import docker
import pytest
import requests

from helpers import private_engine, settings
from helpers.paths import session_name
from helpers.private_engine import PrivateEngine
from helpers.registry import free_port

REGISTRY_IMAGES = {settings.UPSTREAM_REGISTRY_IMAGE, settings.LOCAL_REGISTRY_IMAGE}

pytestmark = pytest.mark.skipif(
    not private_engine.supported(), reason="private engines need Linux, root and dockerd"
)


def _traces(engine: PrivateEngine) -> list[str]:
    """Return what is left of an engine: its folders, log, bridge and mounts."""
    left = [str(p) for p in (engine.exec_root, engine.data_root, engine.log) if p.exists()]
    link = subprocess.run(["ip", "link", "show", engine.bridge], capture_output=True)
    if link.returncode == 0:
        left.append(f"bridge {engine.bridge}")
    mounts = Path("/proc/self/mountinfo").read_text()
    left += [
        f"mount under {root}"
        for root in (engine.exec_root, engine.data_root)
        if f" {root}/" in mounts or f" {root} " in mounts
    ]
    return left


def _answers(url: str, status: int, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=1).status_code == status:
                return True
        except requests.exceptions.RequestException:
            pass
        time.sleep(0.02)
    return False


def test_private_engines_publish_ports_and_leave_nothing_behind(cli):
    """A started engine holds the registry image and publishes a registry's port on 127.0.0.1
    without iptables. An engine whose run ended without stopping it is an orphan: `down --all`
    stops it and leaves this test's own engine running. Once stopped, an engine's dockerd,
    bridge, folders and mounts are gone."""
    live = PrivateEngine(f"{session_name()}-live")
    orphan = PrivateEngine(f"{session_name()}-orphan")
    try:
        client = docker.DockerClient(base_url=live.start())
        names = {tag for image in client.images.list() for tag in image.tags}
        image = next(n for n in names if n in REGISTRY_IMAGES)
        port = free_port()
        client.containers.run(image, detach=True, ports={"5000/tcp": ("127.0.0.1", port)})
        assert _answers(f"http://127.0.0.1:{port}/v2/", 200)
        pid = int((live.exec_root / "dockerd.pid").read_text())

        killed_run = (
            f"from helpers import private_engine as p; p.PrivateEngine({orphan.name!r}).start()"
        )
        subprocess.run([sys.executable, "-c", killed_run], check=True, timeout=120)
        assert docker.DockerClient(base_url=orphan.host).ping()
        done = cli("down", "--all")
        assert done.returncode == 0, done.stderr
        assert done.stdout.endswith(", and 1 private engine(s) of killed test runs.\n")
        assert _traces(orphan) == []
        assert client.ping()
    finally:
        live.stop()
        orphan.stop()
    assert not Path(f"/proc/{pid}").exists() or " Z " in Path(f"/proc/{pid}/stat").read_text()
    assert _traces(live) == []
    assert not _answers(f"http://127.0.0.1:{port}/v2/", 200, timeout=0.5)
