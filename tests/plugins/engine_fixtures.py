"""The fixtures of the tests that use the engine, loaded by the root ``conftest.py``: one
engine client, throwaway registries removed in teardown, demo images.

The tests run against the real engine and real registries, in the run's own kit (the root
``conftest.py``'s ``kit``: session ``test``, or ``test-gwN``) and a second session beside it,
so their registries and Docker config never meet the ``main`` session a
person records notebooks with. Some tests change engine-global state (they remove and reload
the demo images, run ``reset`` and ``down --all``), so two processes must not run them on one
engine at once: under xdist on Linux as root each worker has a private engine (see the root
``conftest.py``); otherwise they all run on one worker, in order.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import docker
import docker.errors
import pytest
from docker.models.containers import Container
from docker.utils import parse_repository_tag

from helpers import settings
from helpers.demo import archive, images
from helpers.demo.archive import Entry, ImageSpec, Layer
from helpers.kit import Kit
from helpers.paths import PROJECT_ROOT
from helpers.registry.container import Registry
from helpers.registry.sessions import remove_leftovers
from helpers.steps import setups as step_setups
from tests.plugins.run_config import RunConfig

SENTINEL = "sentinel-{session}"
"""The name of an image (``:latest``) and a container that are not the kit's."""


@pytest.fixture(scope="session")
def other_kit(kit: Kit) -> Kit:
    """Return a second session of the tests' own, for tests that need two registries at once."""
    return dataclasses.replace(kit, session=f"{kit.session}-other")


@pytest.fixture(scope="session")
def docker_client(kit: Kit, other_kit: Kit) -> Iterator[docker.DockerClient]:
    """Return the kit's one engine client, and leave the engine as the run found it.

    Before the first test that needs the engine, clear what a killed run left behind; after
    the last, remove the tests' registries (with their volumes), session folders and
    sentinels, and give the demo images back exactly the tags they had.
    """
    client = kit.client()
    kits = (kit, other_kit)
    _clear_sessions(kits)
    _remove_sentinels(client, kit)
    tags = _kit_tags(client)
    yield client
    _clear_sessions(kits)
    _remove_sentinels(client, kit)
    _restore_demo_images(client, tags)
    for each in kits:
        shutil.rmtree(each.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def architecture(docker_client: docker.DockerClient) -> str:
    """Return the image architecture the engine runs natively (``amd64`` or ``arm64``)."""
    return images.engine_architecture(docker_client)


def _kit_tags(client: docker.DockerClient) -> dict[str, str]:
    return {
        tag: image.id
        for image in images.kit_images(client)
        if image.labels.get(settings.LABEL) != "registry"
        for tag in image.tags
    }


def _restore_demo_images(client: docker.DockerClient, tags: dict[str, str]) -> None:
    """Load the demo images and give them exactly the tags they had (tag -> image ID)."""
    images.load_demo_images(client)
    for tag in set(_kit_tags(client)) - set(tags) - {settings.DEMO_IMAGE, settings.BASE_IMAGE}:
        client.images.remove(tag, noprune=True)
    present = {image.id for image in images.kit_images(client)}
    for tag, image_id in tags.items():
        if image_id in present:
            client.images.get(image_id).tag(*parse_repository_tag(tag))


def _remove_sentinels(client: docker.DockerClient, kit: Kit) -> None:
    name = SENTINEL.format(session=kit.session)
    with contextlib.suppress(docker.errors.NotFound):
        client.containers.get(name).remove(force=True, v=True)
    with contextlib.suppress(docker.errors.ImageNotFound):
        client.images.remove(f"{name}:latest", force=True)


def _clear_sessions(kits: tuple[Kit, ...]) -> None:
    """Remove the sessions' registries, and their Docker config: the tests log in to a plain
    ``config.json``, and a run of every step (the notebooks, the floor) leaves step 9's
    credential helper named there."""
    for kit in kits:
        remove_leftovers(kit)
        shutil.rmtree(kit.docker_config, ignore_errors=True)


@pytest.fixture
def empty_sessions(docker_client: docker.DockerClient, kit: Kit, other_kit: Kit) -> Iterator[None]:
    """Start and end the test with no kit registry and no Docker config in the tests' two
    sessions (other tests may leave the session's registry running for reuse, as
    ``kit_registry()`` intends)."""
    _clear_sessions((kit, other_kit))
    yield
    _clear_sessions((kit, other_kit))


@pytest.fixture
def registry(empty_sessions: None, kit: Kit) -> Iterator[Registry]:
    """Start a throwaway registry for the test's session; remove it and its volume after."""
    with Registry(kit) as started:
        yield started


@pytest.fixture
def other_registry(empty_sessions: None, other_kit: Kit) -> Iterator[Registry]:
    """Start a second throwaway registry, in the tests' other session."""
    with Registry(other_kit) as started:
        yield started


@pytest.fixture
def guide_registry(registry: Registry) -> Registry:
    """Return the test's registry, to run the guide's ``localhost:5000`` commands against
    (``run(kit, command, address=guide_registry.address)``)."""
    return registry


@pytest.fixture
def demo_images(docker_client: docker.DockerClient) -> Iterator[dict[str, str]]:
    """Load the demo images (name -> ID), as step 1 leaves them (without the names a run of
    step 10 gives its builds); after the test, reload them and restore their tags."""
    tags = _kit_tags(docker_client)
    for name in step_setups.platforms_names(docker_client):
        docker_client.images.remove(name, noprune=True)
    yield images.load_demo_images(docker_client)
    _restore_demo_images(docker_client, tags)


@pytest.fixture
def sentinel(
    docker_client: docker.DockerClient, kit: Kit, architecture: str
) -> Iterator[tuple[str, str]]:
    """Create an image and a container that are not the kit's; return their IDs."""
    name = SENTINEL.format(session=kit.session)
    spec = ImageSpec(
        repo_tags=[f"{name}:latest"],
        layers=[Layer([Entry("sentinel", b"not the kit's\n")], "sentinel: someone else's file")],
        architecture=architecture,
        cmd=["/sentinel"],
        labels={"org.example.owner": "someone-else"},
    )
    data, image_id = archive.docker_archive(spec)
    docker_client.images.load(data)
    container = docker_client.containers.create(f"{name}:latest", name=name)
    yield image_id, container.id
    _remove_sentinels(docker_client, kit)


@dataclass(frozen=True)
class Footprint:
    """A container and its volumes, remembered so a test can check later that all are gone."""

    client: docker.DockerClient
    container_id: str
    volumes: tuple[str, ...]

    def remaining(self) -> list[str]:
        """Return the container ID and volume names that still exist."""
        left = []
        try:
            self.client.containers.get(self.container_id)
            left.append(self.container_id)
        except docker.errors.NotFound:
            pass
        for name in self.volumes:
            try:
                self.client.volumes.get(name)
                left.append(name)
            except docker.errors.NotFound:
                pass
        return left


@pytest.fixture
def footprint(docker_client: docker.DockerClient) -> Callable[[Container | None], Footprint]:
    """Return a function that remembers a registry container and its volumes."""

    def remember(container: Container | None) -> Footprint:
        assert container is not None
        container.reload()
        mounts = container.attrs["Mounts"]
        volumes = tuple(m["Name"] for m in mounts if m["Type"] == "volume")
        assert volumes, "a registry container stores its data in a volume"
        return Footprint(docker_client, container.id, volumes)

    return remember


@pytest.fixture
def volume_names(docker_client: docker.DockerClient) -> Callable[[], set[str]]:
    """Return a function listing the engine's volumes, for before/after comparisons."""
    return lambda: {volume.name for volume in docker_client.volumes.list()}


@pytest.fixture
def session_containers(docker_client: docker.DockerClient) -> Callable[[str], list[str]]:
    """Return a function listing the IDs of a session's kit containers (any state)."""

    def find(session: str) -> list[str]:
        label = f"{settings.SESSION_LABEL}={session}"
        return [c.id for c in docker_client.containers.list(all=True, filters={"label": label})]

    return find


@pytest.fixture
def held_port() -> Iterator[int]:
    """Listen on a free port of 127.0.0.1 for the test, as another program would."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


CliRun = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cli(run_config: RunConfig) -> CliRun:
    """Return a function that runs ``python -m helpers ARGS`` in a real process, in the run's
    environment with some variables changed."""

    def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "helpers", *args],
            cwd=PROJECT_ROOT,  # the kit runs from its folder
            env=run_config.child(**env),
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run_cli
