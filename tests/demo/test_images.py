"""The demo images: built offline, the same bytes every time, and they really print Hello World."""

from __future__ import annotations

import contextlib
import platform
import re
import subprocess
from io import BytesIO

import docker.errors
import pytest

from helpers import settings
from helpers.demo import archive
from helpers.demo.elf import MESSAGE, hello_program
from helpers.demo.specs import base_spec, hello_spec
from helpers.engine.qemu import emulator
from helpers.registry import image as registry_image
from helpers.registry.container import Registry
from helpers.steps import setups as step_setups
from helpers.steps.target import LocalTarget
from helpers.terminal.shell import run

REMOTE = f"{settings.GUIDE_ADDRESS}/{settings.DEMO_REPOSITORY}:0.1.0"


@pytest.mark.parametrize("arch", ["amd64", "arm64"])
@pytest.mark.parametrize("make_spec", [base_spec, hello_spec], ids=["base", "hello"])
def test_two_builds_give_the_same_bytes_and_image_id(make_spec, arch):
    """Building an image's docker-archive twice gives identical bytes and the same image ID."""
    first_tar, first_id = archive.docker_archive(make_spec(arch))
    second_tar, second_id = archive.docker_archive(make_spec(arch))
    assert first_tar == second_tar
    assert first_id == second_id
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", first_id)


def test_the_engine_gives_loaded_images_the_predicted_ids(demo_images, docker_client, architecture):
    """`docker load` of the archives gives exactly the image IDs the archive writer predicts."""
    for spec in (base_spec(architecture), hello_spec(architecture)):
        name = spec.repo_tags[0]
        predicted = archive.docker_archive(spec)[1]
        assert demo_images[name] == predicted
        loaded = docker_client.images.get(name)
        assert loaded.id == predicted
        assert loaded.attrs["Architecture"] == architecture


def _login_and_push(registry: Registry) -> str:
    """Log in to a registry, push the demo image to it as 0.1.0, return the printed digest."""
    name = f"{registry.address}/{settings.DEMO_REPOSITORY}:0.1.0"
    login = f"docker login {registry.address} -u {settings.DEMO_USER} --password-stdin"
    run(registry.kit, f"echo {settings.DEMO_PASSWORD} | {login}")
    run(registry.kit, f"docker tag {settings.DEMO_IMAGE} {name}")
    pushed = run(registry.kit, f"docker push {name}").output
    return re.search(r"digest: (sha256:[0-9a-f]{64})", pushed).group(1)


def test_pushes_to_two_fresh_registries_give_the_same_digest(registry, other_registry, demo_images):
    """The same image pushed to two empty registries gets the same manifest digest in both."""
    digests = set()
    for target in (registry, other_registry):
        printed = _login_and_push(target)
        served = target.api.digest(settings.DEMO_REPOSITORY, "0.1.0")
        assert served == printed
        digests.add(served)
    assert len(digests) == 1


def test_hello_world_prints_hello_world(kit, demo_images):
    """`docker run --rm learner/hello-world` prints exactly ``Hello World``."""
    assert run(kit, f"docker run --rm {settings.DEMO_IMAGE}").output == "Hello World\n"


def test_push_mounts_the_base_and_pull_reuses_its_layers(
    kit, guide_registry, demo_images, docker_client
):
    """Pushing onto the published base shows ``Mounted from library/tinybase`` for its four
    layers; pulling after removal shows ``Already exists`` for them and ``Pull complete`` for
    the top layer."""
    step_setups.base_published(LocalTarget(guide_registry))
    run(kit, f"docker tag {settings.DEMO_IMAGE} {REMOTE}", address=guide_registry.address)
    pushed = run(kit, f"docker push {REMOTE}", address=guide_registry.address).output
    assert pushed.count(": Mounted from library/tinybase\n") == 4
    assert pushed.count(": Pushed\n") == 1

    docker_client.images.remove(demo_images[settings.DEMO_IMAGE], force=True)
    pulled = run(kit, f"docker pull {REMOTE}", address=guide_registry.address).output
    assert pulled.count(": Already exists\n") == 4
    assert pulled.count(": Pull complete\n") == 1


def test_arm64_program_prints_hello_world_under_qemu(tmp_path):
    """The arm64 ELF prints ``Hello World`` when run by qemu's user-mode emulator."""
    qemu = emulator("arm64")
    if qemu is None:
        pytest.skip("the kit's QEMU is not unpacked (scripts/setup does it, as root on Debian)")
    program = tmp_path / "hello-arm64"
    program.write_bytes(hello_program("arm64"))
    program.chmod(0o755)
    done = subprocess.run([qemu, str(program)], env={}, capture_output=True, timeout=30)
    assert (done.returncode, done.stdout, done.stderr) == (0, MESSAGE, b"")


def test_amd64_program_prints_hello_world_natively(tmp_path):
    """The amd64 ELF runs directly on an x86_64 host and prints ``Hello World``."""
    if platform.machine() != "x86_64":
        pytest.skip(f"this host is {platform.machine()}, not x86_64")
    program = tmp_path / "hello-amd64"
    program.write_bytes(hello_program("amd64"))
    program.chmod(0o755)
    done = subprocess.run([str(program)], env={}, capture_output=True, timeout=30)
    assert (done.returncode, done.stdout, done.stderr) == (0, MESSAGE, b"")


def test_reset_spares_an_image_built_on_the_demo_image_and_a_users_own_tag(
    cli, demo_images, docker_client
):
    """Labels are inherited through ``FROM``: an image a learner builds on
    ``learner/hello-world`` carries the kit's label, and must survive ``reset``. So must a tag
    the learner gave the demo image itself; only the kit's own names come off."""
    dockerfile = BytesIO(b"FROM learner/hello-world\nLABEL made.by=the-learner\n")
    built, _ = docker_client.images.build(fileobj=dockerfile, tag="mine/derived:1", rm=True)
    demo = docker_client.images.get(settings.DEMO_IMAGE)
    demo.tag("mine/alias", "1")
    try:
        assert settings.LABEL in built.labels  # inherited: the label alone cannot tell
        done = cli("reset")
        assert done.returncode == 0, done.stderr
        assert docker_client.images.get("mine/derived:1").id == built.id
        assert docker_client.images.get("mine/alias:1").id == demo.id
        with pytest.raises(docker.errors.ImageNotFound):
            docker_client.images.get(settings.DEMO_IMAGE)
    finally:
        for name in ("mine/derived:1", "mine/alias:1"):
            with contextlib.suppress(docker.errors.ImageNotFound):
                docker_client.images.remove(name, noprune=False)


def test_building_the_registry_image_installs_nothing(docker_client):
    """Without ``registry:2``, the kit builds its registry image from Debian's
    ``docker-registry``, fetched and unpacked into its state folder: the package stays as it
    was (installing it would start a registry service on port 5000 of every interface), and
    no registry process starts outside a container."""

    def status() -> subprocess.CompletedProcess[str]:
        query = "-W", "-f=${Status}", "docker-registry"
        return subprocess.run(["dpkg-query", *query], capture_output=True, text=True)

    before = status()
    image_id = registry_image.build_local_registry_image(docker_client)
    after = status()
    assert (after.returncode, after.stdout) == (before.returncode, before.stdout)
    assert subprocess.run(["pgrep", "-x", "docker-registry"], capture_output=True).returncode == 1
    assert docker_client.images.get(image_id).id == image_id
