"""Find a ``registry:2`` image, without Docker Hub if need be.

In order: a local ``registry:2``; a pull of it; or an equivalent image built here from
Debian's ``docker-registry`` package (the same distribution 2.8 software), labelled as
built locally and named ``docker-share-kit/registry:2`` so the user's ``registry:2`` stays theirs.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import docker
import docker.errors
import requests

from helpers import environment, settings
from helpers.demo import archive, images
from helpers.demo.archive import Entry, ImageSpec, Layer
from helpers.engine import debian as debian_engine
from helpers.engine import host as engine
from helpers.environment import state_dir
from helpers.errors import ImageError, KitError

DEBIAN_BINARY = Path("/usr/bin/docker-registry")
"""Debian's registry binary, when the user has the package installed: used as it is."""
DEBIAN_PACKAGE = "docker-registry"
DEBIAN_SUITE = "bookworm"
"""Debian 12, whose docker-registry (distribution 2.8) the kit unpacks when none is installed."""

CONFIG_YML = b"""version: 0.1
log:
  fields:
    service: registry
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: /var/lib/registry
http:
  addr: :5000
  headers:
    X-Content-Type-Options: [nosniff]
"""


def registry_image(
    client: docker.DockerClient, progress: Callable[[str], None] = lambda line: None
) -> str:
    """Return the name of a registry image the engine holds, pulling or building one if
    needed.

    ``progress`` hears a line before each long step; by default nothing is printed, so a
    notebook's set-up cell stays silent even on a first run.
    """
    for name in (settings.UPSTREAM_REGISTRY_IMAGE, settings.LOCAL_REGISTRY_IMAGE):
        if _present(client, name):
            return name
    progress(f"pulling {settings.UPSTREAM_REGISTRY_IMAGE} from Docker Hub")
    try:
        client.images.pull(settings.UPSTREAM_REGISTRY_IMAGE)
        return settings.UPSTREAM_REGISTRY_IMAGE
    except (docker.errors.APIError, requests.exceptions.RequestException):
        pass
    progress(
        f"Docker Hub is out of reach: building {settings.LOCAL_REGISTRY_IMAGE} from Debian's "
        f"{DEBIAN_PACKAGE} package instead"
    )
    build_local_registry_image(client, progress)
    return settings.LOCAL_REGISTRY_IMAGE


def _present(client: docker.DockerClient, name: str) -> bool:
    try:
        client.images.get(name)
    except docker.errors.ImageNotFound:
        return False
    return True


def _shared_libraries(binary: Path) -> list[Path]:
    done = subprocess.run(["ldd", str(binary)], capture_output=True, text=True)
    return sorted({Path(p) for p in re.findall(r"(/\S+)\s+\(0x", done.stdout)})


def registry_spec(architecture: str, binary: Path = DEBIAN_BINARY) -> ImageSpec:
    """Describe an image that runs Debian's registry binary like ``registry:2`` does."""
    files = [Entry("bin/registry", binary.read_bytes(), 0o755)]
    for library in _shared_libraries(binary):
        files.append(Entry(str(library.resolve()), library.resolve().read_bytes(), 0o755))
        if library.resolve() != library:
            files.append(Entry(str(library), library.resolve().read_bytes(), 0o755))
    files += [
        Entry("etc/docker/registry/config.yml", CONFIG_YML),
        Entry("var/lib/registry"),
        Entry("tmp", None, 0o1777),
    ]
    return ImageSpec(
        repo_tags=[settings.LOCAL_REGISTRY_IMAGE],
        layers=[Layer(files, f"registry from Debian's {DEBIAN_PACKAGE} package")],
        architecture=architecture,
        entrypoint=["/bin/registry"],
        cmd=["serve", "/etc/docker/registry/config.yml"],
        labels={settings.LABEL: "registry", f"{settings.LABEL}.built-locally": "true"},
        exposed_ports=["5000/tcp"],
        volumes=["/var/lib/registry"],
    )


def unpacked_registry(progress: Callable[[str], None] = lambda line: None) -> Path:
    """Return Debian's registry binary unpacked into the state folder, fetching it if missing.

    Never installed: Debian's package would start a registry service listening on port 5000
    of every interface, at every boot.
    """
    folder = state_dir() / "registry" / DEBIAN_SUITE
    binary = folder / "root" / "usr" / "bin" / "docker-registry"
    if binary.exists():
        return binary
    if not debian_engine.supported():
        raise ImageError(
            f"No {settings.UPSTREAM_REGISTRY_IMAGE} image is available: it is not on this "
            "engine, it cannot be pulled, and Debian's docker-registry package can be fetched "
            "only as root on Debian or Ubuntu. Pull registry:2 once while online, then try "
            "again."
        )
    progress(f"fetching Debian {DEBIAN_SUITE}'s {DEBIAN_PACKAGE} into {folder} (not installed)")
    try:
        debian_engine.unpack(folder, DEBIAN_SUITE, (DEBIAN_PACKAGE,))
    except KitError as error:
        raise ImageError(str(error)) from None
    if not binary.exists():
        raise ImageError(f"Debian's {DEBIAN_PACKAGE} holds no {binary.name}: see {folder}.")
    return binary


def build_local_registry_image(
    client: docker.DockerClient, progress: Callable[[str], None] = lambda line: None
) -> str:
    """Build the registry image from Debian's package and load it into the engine; return its
    image ID."""
    binary = DEBIAN_BINARY if DEBIAN_BINARY.exists() else unpacked_registry(progress)
    spec = registry_spec(images.engine_architecture(client), binary)
    data, image_id = archive.docker_archive(spec)
    client.images.load(data)
    return image_id


def copy_from_main_engine(target: docker.DockerClient) -> None:
    """Copy the main engine's registry images into another engine (a private one), so none is
    pulled or built again; with no main engine, copy nothing: the target pulls or builds its
    own, as the main would."""
    try:
        main = engine.engine_host(environment.current())
        source = docker.DockerClient(base_url=main, timeout=120)
        for name in (settings.UPSTREAM_REGISTRY_IMAGE, settings.LOCAL_REGISTRY_IMAGE):
            with contextlib.suppress(docker.errors.ImageNotFound):
                target.api.load_image(source.images.get(name).save(named=True))
    except (docker.errors.DockerException, requests.exceptions.RequestException):
        return
