"""Docker Hub mode: steps 2 to 6 against an account on a registry that is not the kit's.

The tests run the mode against a second local registry that stands in for Docker Hub: its own
address (``127.0.0.1:PORT``, where the kit's is ``localhost:PORT``), its own login, and a
namespace that is not ``learner``. Only the last test goes to Docker Hub itself, with an account
given in ``KIT_HUB_USER`` and ``KIT_HUB_TOKEN`` (``scripts/test`` sets them aside for it).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from helpers import hub_steps, lesson, ports, remote, settings
from helpers.errors import KitError, StepIncomplete
from helpers.expected import NOTEBOOKS
from helpers.kit import Kit
from helpers.registry import Registry
from tests import hub_account

STAND_IN_USER = "sharer"


@dataclasses.dataclass(frozen=True)
class StandIn:
    """The stand-in registry and the account on it."""

    registry: Registry
    account: remote.Remote

    def environment(self, **changes: str) -> dict[str, str]:
        """Return the variables that put the kit in Docker Hub mode for this account."""
        return {
            remote.REGISTRY_VARIABLE: self.account.host,
            remote.USER_VARIABLE: self.account.user,
            remote.TOKEN_VARIABLE: self.account.token,
            **changes,
        }


@pytest.fixture
def stand_in(
    empty_sessions: None, other_kit: Kit, demo_images: dict[str, str]
) -> Iterator[StandIn]:
    """Start a registry with an account of its own, beside the tests' sessions."""
    token = f"stand-in-token-{secrets.token_hex(8)}"
    started = Registry(
        other_kit, port=ports.free(), login=(STAND_IN_USER, token), role="stand-in"
    ).start()
    try:
        yield StandIn(started, remote.Remote(f"127.0.0.1:{started.port}", STAND_IN_USER, token))
    finally:
        started.stop()


@pytest.fixture
def hub_kit(kit: Kit) -> Iterator[Kit]:
    """Return the session the mode's runs use in these tests, and remove its folder after."""
    session = dataclasses.replace(kit, session=f"{kit.session}-hub")
    yield session
    shutil.rmtree(session.folder, ignore_errors=True)


def _notebook_hashes() -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in NOTEBOOKS.glob("*.ipynb")}


def _printed(notebook: Path) -> str:
    """Return all an executed notebook's cells printed, in order."""
    cells = json.loads(notebook.read_text())["cells"]
    outputs = [output for cell in cells for output in cell.get("outputs", [])]
    return "".join("".join(output.get("text", "")) for output in outputs)


def _files_holding(folder: Path, secret: str) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def test_the_mode_runs_steps_two_to_six_against_a_stand_in_registry(
    stand_in: StandIn, hub_kit: Kit, cli
):
    """The notebooks of steps 2 to 6 run against the stand-in, every check holds, and the
    token is written nowhere: not in the executed copies, the session's folder, the stored
    notebooks (which stay as they were) or what the run printed."""
    stored = _notebook_hashes()
    host = stand_in.account.host
    done = cli("hub", KIT_SESSION=hub_kit.session, **stand_in.environment())
    assert done.returncode == 0, done.stderr
    assert "every check held" in done.stdout
    for step in hub_steps.STEPS:
        assert f"step {step}, against {stand_in.account.host}" in done.stderr
    api = stand_in.registry.api
    assert api.tags(f"{STAND_IN_USER}/hello-world") == ["0.1.0", "latest"]
    assert api.digest(f"{STAND_IN_USER}/hello-world", "0.1.0") == api.digest(
        f"{STAND_IN_USER}/hello-world", "latest"
    )
    assert api.tags(f"{STAND_IN_USER}/tinybase") == ["latest"]
    copies = hub_kit.folder / "notebooks"
    assert sorted(p.name for p in copies.glob("*.ipynb")) == [
        lesson.notebook_for(step).name for step in hub_steps.STEPS
    ]
    printed = _printed(copies / "02-login.ipynb")
    assert printed.startswith(f"Docker Hub mode: the commands below run against {host} ")
    assert f'"{host}"' in printed  # the config key, shown by the check
    assert f"{STAND_IN_USER}:{remote.HIDDEN}" in printed  # the decoded auth, token masked
    assert f"$ docker push {host}/{STAND_IN_USER}/hello-world:0.1.0" in _printed(
        copies / "04-push.ipynb"
    )
    assert "Docker Hub mode skips this command: it asks the kit's own registry" in _printed(
        copies / "04-push.ipynb"
    )
    user_and_token = f"{STAND_IN_USER}:{stand_in.account.token}".encode()
    for secret in (stand_in.account.token, base64.b64encode(user_and_token).decode()):
        assert _files_holding(hub_kit.folder, secret) == []
    assert stand_in.account.token not in done.stdout + done.stderr
    assert not (hub_kit.docker_config / "config.json").exists()
    assert _notebook_hashes() == stored
    client = hub_kit.client()
    for repository, tag in (("learner/hello-world", "0.1.0"), ("library/tinybase", "latest")):
        assert not client.images.list(name=stand_in.account.name(repository, tag))


def test_a_wrong_token_stops_the_mode_in_one_sentence_and_leaves_no_login(
    stand_in: StandIn, hub_kit: Kit, cli
):
    """The registry refuses the login: the run says so in one sentence, and nothing of the
    attempt stays in the session's Docker config."""
    done = cli("hub", KIT_SESSION=hub_kit.session, **stand_in.environment(KIT_HUB_TOKEN="wrong"))
    assert done.returncode == 1
    host = stand_in.account.host
    assert f"{host} refused the account {STAND_IN_USER}: check that KIT_HUB_USER" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (hub_kit.docker_config / "config.json").exists()
    assert stand_in.registry.api.repositories() == []


def test_half_an_account_is_refused_in_one_sentence(cli):
    """A user name without a token (or the other way round) is a mistake, not the local mode."""
    done = cli("status", KIT_HUB_USER=STAND_IN_USER)
    assert done.returncode == 1
    assert "Docker Hub mode needs both KIT_HUB_USER" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_push_check_fails_when_nothing_was_pushed(stand_in: StandIn, hub_kit: Kit):
    """The push step's check asks the registry itself: an empty one fails it."""
    mode = dataclasses.replace(hub_kit, remote=stand_in.account)
    with pytest.raises(StepIncomplete, match=r"The registry has no tag 0\.1\.0"):
        hub_steps.CHECK["push"](mode)


def test_an_image_of_the_users_under_the_accounts_name_is_refused_and_kept(
    stand_in: StandIn, hub_kit: Kit, sentinel, docker_client: docker.DockerClient, cli
):
    """A local image named as the mode would name the demo image is the user's: the run stops
    before it changes anything, and the name stays on the user's image."""
    name = stand_in.account.name(settings.DEMO_REPOSITORY, "latest")
    image_id, _ = sentinel
    docker_client.images.get(image_id).tag(name)
    try:
        done = cli("hub", KIT_SESSION=hub_kit.session, **stand_in.environment())
        assert done.returncode == 1
        assert f"This engine has an image of yours named {name}" in done.stderr
        assert docker_client.images.get(name).id == image_id
        assert stand_in.registry.api.repositories() == []
    finally:
        docker_client.images.remove(name, noprune=True)


def test_a_tag_in_the_account_that_the_kit_did_not_push_is_never_replaced(
    stand_in: StandIn, hub_kit: Kit, sentinel, docker_client: docker.DockerClient, cli
):
    """The account's ``hello-world:latest`` holds someone's image: the run stops before any
    push, and the tag still names that image."""
    name = stand_in.account.name(settings.DEMO_REPOSITORY, "latest")
    image_id, _ = sentinel
    docker_client.images.get(image_id).tag(name)
    try:
        docker_client.images.push(name, auth_config=stand_in.account.auth_config())
    finally:
        docker_client.images.remove(name, noprune=True)
    theirs = stand_in.registry.api.digest(f"{STAND_IN_USER}/hello-world", "latest")
    assert theirs is not None
    done = cli("hub", KIT_SESSION=hub_kit.session, **stand_in.environment())
    assert done.returncode == 1
    assert f"{name} already names an image the kit did not push ({theirs})" in done.stderr
    assert stand_in.registry.api.digest(f"{STAND_IN_USER}/hello-world", "latest") == theirs
    assert stand_in.registry.api.tags(f"{STAND_IN_USER}/hello-world") == ["latest"]


def test_every_command_of_the_modes_steps_is_mapped_to_the_account():
    """No command the mode runs still names the kit's registry, its demo user or its password
    file: each cell either maps completely or is skipped with its reason."""
    account = remote.Remote("127.0.0.1:5999", "Sharer", "token")
    for step in hub_steps.STEPS:
        path = lesson.notebook_for(step)
        skipped = lesson.skipped_remotely(path)
        for cell in lesson.read(path).cells:
            if cell.source.strip() in skipped:
                continue
            for command in lesson.commands(cell):
                mapped = account.mapped(command)
                assert settings.GUIDE_ADDRESS not in mapped, (step, mapped)
                assert f"--username {settings.DEMO_USER}" not in mapped, (step, mapped)
                assert settings.PASSWORD_FILE not in mapped, (step, mapped)
                assert "learner-pass" not in mapped, (step, mapped)
    assert account.name("learner/hello-world", "0.1.0") == "127.0.0.1:5999/sharer/hello-world:0.1.0"
    assert account.config_key == "127.0.0.1:5999"
    hub = remote.Remote(remote.HUB, "Sharer", "token")
    assert hub.config_key == "https://index.docker.io/v1/"
    assert hub.name("library/tinybase", "latest") == "docker.io/sharer/tinybase:latest"
    # Docker Hub by naming no registry: `docker logout docker.io` would keep the login.
    assert hub.mapped("docker logout localhost:5000") == "docker logout"
    assert hub.mapped(hub_steps.LOGIN) == (
        'echo "$KIT_HUB_TOKEN" | docker login --username Sharer --password-stdin'
    )


def test_the_mode_runs_against_docker_hub_with_the_readers_account(hub_kit: Kit, cli):
    """The same run against Docker Hub itself, when this machine reaches it and the person
    running the tests gave an account."""
    try:
        remote.Remote(remote.HUB, "anyone", "-").require_reachable()
    except KitError:
        pytest.skip("Docker Hub cannot be reached from this machine")
    account = hub_account.given()
    if not account.get(remote.USER_VARIABLE):
        pytest.skip("no Docker Hub account given: set KIT_HUB_USER and KIT_HUB_TOKEN to run it")
    done = cli("hub", KIT_SESSION=hub_kit.session, **account)
    assert done.returncode == 0, done.stderr
    assert account[remote.TOKEN_VARIABLE] not in done.stdout + done.stderr
    assert _files_holding(hub_kit.folder, account[remote.TOKEN_VARIABLE]) == []
