"""What a user can get wrong gets one sentence, a non-zero exit, and nothing left behind."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys

import pytest

from helpers import ImageError, RegistryError, settings
from helpers.demo import archive, images
from helpers.paths import PROJECT_ROOT
from helpers.registry.container import Registry, registry_image

NO_ENGINE = "unix:///nonexistent.sock"


@pytest.mark.parametrize("verb", ["status", "up", "engine", "down", "reset"])
def test_no_engine_gives_one_sentence_and_a_non_zero_exit(verb, cli):
    """With no engine at DOCKER_HOST, each verb prints one line on stderr naming the address,
    nothing on stdout, no traceback, and exits non-zero."""
    done = cli(verb, DOCKER_HOST=NO_ENGINE)
    assert done.returncode != 0
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert f"No Docker engine answers at {NO_ENGINE}." in done.stderr


@pytest.mark.parametrize("verb", ["status", "engine"])
def test_a_socket_this_user_may_not_open_is_named_as_such(verb, tmp_path, run_config):
    """An engine socket the user may not open (a user outside the ``docker`` group) is reported
    as a permission problem, not as "no engine".

    Simulated at the edge: a listening socket owned by another user, mode 0600, and the kit run
    as root without the capabilities that let root open any file.
    """
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to take a process's file capabilities away")
    path = tmp_path / "docker.sock"
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(str(path))
        listener.listen()
        os.chown(path, 65534, 65534)  # nobody's
        path.chmod(0o600)
        without_file_capabilities = ["setpriv", "--inh-caps=-all", "--bounding-set=-all"]
        done = subprocess.run(
            [*without_file_capabilities, sys.executable, "-m", "helpers", verb],
            cwd=PROJECT_ROOT,
            env=run_config.child(DOCKER_HOST=f"unix://{path}"),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1 and done.stdout == ""
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert f"The Docker engine at unix://{path} refuses this user: permission denied" in (
        done.stderr
    )


def test_a_bad_session_name_gives_one_sentence(cli):
    """A KIT_SESSION with a space is refused in one line on stderr, without a traceback."""
    done = cli("status", KIT_SESSION="two words")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert "KIT_SESSION may hold letters, digits" in done.stderr


def test_a_registry_that_exits_raises_with_its_log(
    kit, demo_images, session_containers, volume_names, empty_sessions
):
    """A "registry" whose process exits at once (the demo image, which prints Hello World)
    raises RegistryError quoting the container's log, and leaves no container or volume."""
    before = volume_names()
    with pytest.raises(RegistryError) as raised:
        Registry(kit, image=settings.DEMO_IMAGE, ready_timeout=10).start()
    assert "did not become ready" in str(raised.value)
    assert "Its log:\nHello World" in str(raised.value)
    assert session_containers(kit.session) == []
    assert volume_names() - before == set()


def test_a_registry_not_ready_in_time_is_removed_with_its_volume(
    kit, session_containers, volume_names, empty_sessions
):
    """A registry that misses its ready timeout raises RegistryError and is removed together
    with the anonymous volume its image declares."""
    before = volume_names()
    with pytest.raises(RegistryError, match=r"did not become ready within 0 s"):
        Registry(kit, image=registry_image(kit.client()), ready_timeout=0).start()
    assert session_containers(kit.session) == []
    assert volume_names() - before == set()


def test_a_taken_fixed_port_raises_and_leaves_nothing(
    kit, held_port, session_containers, volume_names, empty_sessions
):
    """Registry(port=N) on a port another program holds raises a sentence naming the port, and
    leaves no container or volume."""
    before = volume_names()
    with pytest.raises(RegistryError, match=rf"^Port {held_port} on 127\.0\.0\.1 is taken"):
        Registry(kit, port=held_port).start()
    assert session_containers(kit.session) == []
    assert volume_names() - before == set()


def test_a_foreign_image_under_a_demo_name_is_not_replaced(sentinel, demo_images, docker_client):
    """If an image that is not the kit's holds the demo image's name, loading the demo images
    refuses with a sentence and leaves that image where it is."""
    image_id, _ = sentinel
    docker_client.images.remove(demo_images[settings.DEMO_IMAGE], force=True)
    docker_client.images.get(image_id).tag(settings.DEMO_REPOSITORY, "latest")
    try:
        with pytest.raises(ImageError, match="already exists and is not the kit's"):
            images.load_demo_images(docker_client)
        assert docker_client.images.get(settings.DEMO_IMAGE).id == image_id
    finally:
        docker_client.images.remove(settings.DEMO_IMAGE)


@pytest.mark.parametrize(
    ("language", "begins", "ends"),
    [("en", "it failed:", "run it again."), ("zh", "运行失败：", "然后重新运行。")],
    ids=["en", "zh"],
)
def test_a_file_system_error_gives_one_sentence(cli, tmp_path, language, begins, ends):
    """An ``OSError`` (here the kit's state folder is a file, as a full disk or a permission
    would fail a write) is one line on stderr and exit 1, not a traceback, in the reader's
    language."""
    blocker = tmp_path / "state"
    blocker.write_text("not a folder")
    try:
        done = cli(
            "terminal", KIT_STATE_DIR=str(blocker), KIT_SESSION="bad-input-state",
            KIT_LANGUAGE=language,
        )  # fmt: skip
    finally:
        cli("down", KIT_SESSION="bad-input-state")
    assert done.returncode == 1, done.stdout
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr
    said = done.stderr.strip().split(": ", 1)[1]
    assert said.startswith(begins) and said.endswith(ends), done.stderr


def test_an_engine_of_another_architecture_gets_a_sentence():
    """The demo images exist for amd64 and arm64; any other engine hears so in a sentence."""
    with pytest.raises(ImageError, match=r"runs on s390x, .* amd64 and arm64 only"):
        archive.docker_architecture("s390x")
