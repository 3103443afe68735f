"""The throwaway registry: it starts, checks passwords, finds a port, and leaves nothing behind."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from helpers import kit_registry, running_registry, settings
from helpers.environment import Environment
from helpers.errors import RegistryError
from helpers.registry import ports
from helpers.registry.container import Registry

KILLED_RUN = (
    "import os, signal\n"
    "from helpers import Kit, kit_registry\n"
    "kit_registry(Kit.from_environment())\n"
    "os.kill(os.getpid(), signal.SIGKILL)\n"
)
"""A run that starts the session's registry and dies without cleaning up."""


def test_start_returns_once_ready_within_the_timeout(kit, empty_sessions):
    """start() returns a registry that already answers, well inside its ready timeout."""
    began = time.monotonic()
    with Registry(kit, ready_timeout=10) as registry:
        elapsed = time.monotonic() - began
        assert registry.answers()
    assert elapsed < registry.ready_timeout


def test_right_password_gives_200_and_wrong_gives_401(registry):
    """GET /v2/ answers 200 with the demo login, 401 with a wrong password or none."""
    right = (settings.DEMO_USER, settings.DEMO_PASSWORD)
    wrong = (settings.DEMO_USER, "not-the-password")
    for login, status in ((right, 200), (wrong, 401), (None, 401)):
        answer = requests.get(f"{registry.api.url}/v2/", auth=login, timeout=5)
        assert answer.status_code == status, login


def test_falls_back_to_a_free_port_when_5000_is_taken(kit, empty_sessions):
    """With 127.0.0.1:5000 (or this worker's own first port) taken, by this test or already by
    something else, start() picks another port and the registry answers there."""
    with contextlib.ExitStack() as stack:
        holder = stack.enter_context(socket.socket())
        # Recently closed connections (TIME_WAIT) must not keep the test from holding it.
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        preferred = ports.preferred(kit.environment.registry_port)
        with contextlib.suppress(OSError):  # already held by something else: fine too
            holder.bind(("127.0.0.1", preferred))
            holder.listen()
        assert not ports.is_free(preferred)
        registry = stack.enter_context(Registry(kit))
        assert registry.port != preferred
        assert registry.answers()


def test_the_preferred_port_is_5000_unless_set():
    """Registries prefer the guide's port 5000; $KIT_REGISTRY_PORT moves that, and a value that
    is no port gets a sentence."""
    unset, moved = Environment(), Environment({"KIT_REGISTRY_PORT": "5100"})
    assert ports.preferred(unset.registry_port) == settings.PREFERRED_PORT == 5000
    assert ports.preferred(moved.registry_port) == 5100
    with pytest.raises(RegistryError, match="KIT_REGISTRY_PORT must be a port"):
        ports.preferred(Environment({"KIT_REGISTRY_PORT": "http"}).registry_port)


def test_an_explicit_free_port_is_used_as_given(kit, empty_sessions):
    """Registry(port=N) publishes the registry on exactly 127.0.0.1:N."""
    port = ports.free(kit.environment.registry_port)
    with Registry(kit, port=port) as registry:
        assert registry.address == f"localhost:{port}"
        assert registry.answers()


def test_stop_leaves_no_container_and_no_volume(kit, footprint, volume_names, empty_sessions):
    """stop() removes the container together with its anonymous storage volume."""
    before = volume_names()
    registry = Registry(kit).start()
    left = footprint(registry.container)
    assert left.remaining() == [left.container_id, *left.volumes]
    registry.stop()
    assert left.remaining() == []
    assert volume_names() - before == set()


def test_context_manager_cleans_up_when_the_body_raises(kit, footprint, empty_sessions):
    """Leaving a ``with Registry()`` block by an exception still removes container and volume."""
    with pytest.raises(RuntimeError), Registry(kit) as registry:
        left = footprint(registry.container)
        raise RuntimeError("the body failed")
    assert left.remaining() == []


def test_kit_registry_reuses_the_running_one(kit, empty_sessions):
    """kit_registry() twice gives the same container, and running_registry(kit) finds it."""
    first = kit_registry(kit)
    second = kit_registry(kit)
    assert first.container is not None and second.container is not None
    assert second.container.id == first.container.id
    assert second.address == first.address
    found = running_registry(kit)
    assert found is not None and found.container is not None
    assert found.container.id == first.container.id


@pytest.mark.parametrize("cleaner", ["kit_registry", "python -m helpers down"])
def test_leftovers_of_a_killed_run_are_removed(
    kit, cleaner, cli, footprint, session_containers, docker_client, empty_sessions, run_config
):
    """A registry left stopped by a run killed with SIGKILL (then an engine restart) is removed,
    with its volume, by the next kit_registry() or by `python -m helpers down`."""
    killed = subprocess.run([sys.executable, "-c", KILLED_RUN], env=run_config.child(), timeout=60)
    assert killed.returncode == -signal.SIGKILL
    [leftover_id] = session_containers(kit.session)
    leftover = docker_client.containers.get(leftover_id)
    leftover.kill()  # what an engine restart leaves: a stopped container
    left = footprint(leftover)
    if cleaner == "kit_registry":
        fresh = kit_registry(kit)
        assert fresh.answers()
        assert fresh.container is not None and fresh.container.id != leftover_id
    else:
        assert cli("down").returncode == 0
        assert session_containers(kit.session) == []
    assert left.remaining() == []


def test_down_and_reset_spare_what_is_not_the_kits(
    sentinel, cli, demo_images, docker_client, empty_sessions
):
    """An image and a container that are not the kit's survive `up`, `reset` and `down`."""
    image_id, container_id = sentinel
    for verb in ("up", "reset", "down"):
        done = cli(verb)
        assert done.returncode == 0, done.stderr
    assert docker_client.images.get(image_id).id == image_id
    assert docker_client.containers.get(container_id).id == container_id


def test_a_restart_keeps_its_port_or_picks_another_when_it_was_taken(kit, empty_sessions):
    """restart_empty() comes back on the registry's own port; if another program took that
    port meanwhile, it picks another as start() does, instead of failing with the engine's
    error (a restart is the set-up of most steps)."""
    with Registry(kit) as registry:
        first = registry.port
        assert registry.restart_empty().port == first and registry.answers()
        registry.stop()  # the moment between removing the old container and running the new
        with socket.socket() as thief:
            thief.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past TIME_WAIT
            thief.bind(("127.0.0.1", first))
            thief.listen()
            registry.restart_empty()
        assert registry.port != first and registry.answers()
