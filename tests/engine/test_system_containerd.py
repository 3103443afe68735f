"""The kit's private engines never share a system containerd with the user's Docker.

See ``system_containerd.py``, which builds the scene in a mount namespace and runs every
notebook on a private engine there.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.engine import debian as debian_engine
from helpers.engine import image_store, system_containerd
from helpers.engine import private as private_engine
from helpers.kit import Kit
from helpers.paths import PROJECT_ROOT
from tests.engine.host_network import host_interfaces
from tests.plugins.run_config import RunConfig

SCENE = Path(__file__).with_name("system_containerd.py")


@pytest.mark.one_store(image_store.CONTAINERD)
def test_a_system_containerd_keeps_the_users_images_out_of_the_kits_reach(
    kit: Kit, tmp_path: Path, run_config: RunConfig
) -> None:
    """With a system containerd running and the user's engine on it (containerd image store,
    the demo images loaded, a tag of the user's), a private engine starts a containerd of its
    own, every English notebook passes on it, and the user's images and tags are exactly as
    before: the user's containerd never holds a namespace of the kit's."""
    if not private_engine.supported() or not debian_engine.supported():
        pytest.skip("needs Linux, root and Debian's newer engine for the containerd store")
    if image_store.detect(kit.client()) != image_store.CONTAINERD:
        pytest.skip("the classic image store keeps images outside containerd; the containerd "
                    "store's worker runs this")  # fmt: skip
    folder = system_containerd.SOCKET.parent
    made_folder = not folder.exists()
    folder.mkdir(exist_ok=True)  # the mount point of the namespace's tmpfs
    # A network of its own too: the user's engine there has no bridge, and a dockerd started
    # with --bridge=none deletes the host's docker0.
    hide = f'mount -t tmpfs test-system-containerd {folder} && ip link set lo up && exec "$@"'
    interfaces = host_interfaces()
    try:
        done = subprocess.run(
            ["unshare", "--mount", "--net", "--propagation", "private", "sh", "-c", hide, "sh",
             sys.executable, str(SCENE), f"{kit.session}-syscd", "5901", str(tmp_path)],
            cwd=PROJECT_ROOT,
            env=run_config.child(PYTHONPATH=str(PROJECT_ROOT)),  # the kit is not installed
            capture_output=True,
            text=True,
            timeout=900,
        )  # fmt: skip
    finally:
        if made_folder:
            shutil.rmtree(folder, ignore_errors=True)
    assert done.returncode == 0, done.stderr[-3000:]
    assert host_interfaces() == interfaces, "the host's network is as it was"
    scene = json.loads(done.stdout.splitlines()[-1])
    assert scene["nbval"] == 0, scene["nbval_tail"]
    assert "mine/hello:1" in scene["before"] and "learner/hello-world:latest" in scene["before"]
    assert scene["after"] == scene["before"]
    assert [n for n in scene["namespaces"] if "kit" in n] == []
    assert scene["kit_engine_has_its_own_containerd"]
