"""Docker Hub mode: steps 2 to 6 against an account on a registry that is not the kit's.

The tests run the mode against a second local registry that stands in for Docker Hub: its own
address (``127.0.0.1:PORT``, where the kit's is ``localhost:PORT``), its own login, and a
namespace that is not ``learner``. Only the last test goes to Docker Hub itself, with an account
given in ``KIT_HUB_USER`` and ``KIT_HUB_TOKEN`` (``scripts/test`` sets them aside for it).
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import json
import re
import secrets
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import docker
import psutil
import pytest
from nbclient.exceptions import CellExecutionError, DeadKernelError

from helpers import settings, waiting
from helpers.errors import KitError, StepIncomplete
from helpers.hub import account as hub_account
from helpers.hub import checks as hub_checks
from helpers.hub import remote
from helpers.hub import run as hub_run
from helpers.hub import steps as hub_steps
from helpers.kit import Kit
from helpers.lesson import notebooks as lesson
from helpers.paths import NOTEBOOKS, PROJECT_ROOT
from helpers.registry import ports
from helpers.registry.container import Registry
from tests.plugins.run_config import RunConfig

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
        other_kit,
        port=ports.free(other_kit.environment.registry_port),
        login=(STAND_IN_USER, token),
        role="stand-in",
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


def _leaks(account: remote.Remote, kit: Kit, done: subprocess.CompletedProcess[str]) -> bool:
    """Tell whether the token, or its base64 form in ``config.json``, is in what the run
    printed or in a file where the kit keeps what runs write: the sessions' folders (homes,
    executed copies, kernel logs) and the mode's records (a boolean, so that a failing
    assertion never prints the token itself). Other tests write and remove files there at the
    same time: one that is gone when read is skipped."""
    user_and_token = f"{account.user}:{account.token}".encode()
    secrets_ = (account.token.encode(), base64.b64encode(user_and_token))
    printed = (done.stdout + done.stderr).encode()
    contents = [printed]
    for folder in (kit.state_dir / "sessions", kit.state_dir / "hub"):
        for path in folder.rglob("*"):  # another worker's session, step 9's agent sockets too
            with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                if path.is_file():  # a socket cannot be read (ENXIO)
                    contents.append(path.read_bytes())
    return any(secret in content for secret in secrets_ for content in contents)


def _local_tags(kit: Kit, repository: str) -> list[str]:
    images_ = kit.client().images.list(name=repository)
    return [tag for image in images_ for tag in image.tags if tag.startswith(f"{repository}:")]


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
    assert not _leaks(stand_in.account, hub_kit, done), "the token was written or printed"
    assert not (hub_kit.docker_config / "config.json").exists()
    assert _notebook_hashes() == stored
    for repository, tag in hub_account.pushed_names():
        assert not _local_tags(hub_kit, stand_in.account.repository(repository)), repository
        assert api.tags(f"{STAND_IN_USER}/{repository.rsplit('/', 1)[-1]}").count(tag) == 1


def test_a_wrong_token_is_refused_in_one_sentence_before_anything_is_done(
    stand_in: StandIn, hub_kit: Kit, cli
):
    """The engine checks the token before step 2 does anything: the run says so in one
    sentence and changes nothing."""
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
        hub_checks.check_push(mode)


def test_a_tag_of_the_users_in_the_accounts_repository_stops_the_run_which_logs_out(
    stand_in: StandIn, hub_kit: Kit, sentinel, docker_client: docker.DockerClient, cli
):
    """An image of the user's tagged ``HOST/sharer/hello-world:dev`` here would be pushed by step
    4's ``--all-tags``: step 3 refuses to start, after step 2 logged in, and the run still
    removes that login; the user's tag stays, and nothing is pushed."""
    name = f"{stand_in.account.repository(settings.DEMO_REPOSITORY)}:dev"
    image_id, _ = sentinel
    docker_client.images.get(image_id).tag(name)
    try:
        done = cli("hub", KIT_SESSION=hub_kit.session, **stand_in.environment())
        assert done.returncode == 1
        assert "step login, against" in done.stderr  # it got past the login
        assert f"step tag stopped: This engine has an image of yours named {name}" in done.stderr
        assert not (hub_kit.docker_config / "config.json").exists()
        assert docker_client.images.get(name).id == image_id
        assert stand_in.registry.api.repositories() == []
    finally:
        docker_client.images.remove(name, noprune=True)


def test_on_docker_hub_a_local_image_of_the_users_is_found_by_its_short_name(
    hub_kit: Kit, sentinel, docker_client: docker.DockerClient
):
    """Docker Hub's names are looked up as ``sharer/hello-world``: the engine's filter finds
    nothing for ``docker.io/sharer/hello-world`` (moby/moby#47809). Needs no network: the local
    names are checked before the registry is asked."""
    mode = dataclasses.replace(hub_kit, remote=remote.Remote(remote.HUB, STAND_IN_USER, "-"))
    name = f"{STAND_IN_USER}/hello-world:dev"
    image_id, _ = sentinel
    docker_client.images.get(image_id).tag(name)
    try:
        with pytest.raises(KitError, match=f"This engine has an image of yours named {name}"):
            hub_account.refuse_foreign(mode)
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
    host = stand_in.account.host
    assert f"{name} on {host} already names an image the kit did not push ({theirs})" in done.stderr
    assert stand_in.registry.api.digest(f"{STAND_IN_USER}/hello-world", "latest") == theirs
    assert stand_in.registry.api.tags(f"{STAND_IN_USER}/hello-world") == ["latest"]


def test_every_command_of_the_modes_steps_is_mapped_to_the_account():
    """No command the mode runs still names the kit's registry, its demo user or its password
    file: each cell either maps completely or is skipped with its reason."""
    account = remote.Remote("127.0.0.1:5999", "Sharer", "token")
    for step in hub_steps.STEPS:
        notebook = lesson.read(lesson.notebook_for(step))
        skipped = lesson.skipped_remotely(notebook)
        for cell in notebook.cells:
            if cell.source.strip() in skipped:
                continue
            for command in lesson.commands(cell):
                mapped = account.mapped(command)
                assert settings.GUIDE_ADDRESS not in mapped, (step, mapped)
                assert f"--username {settings.DEMO_USER}" not in mapped, (step, mapped)
                assert settings.PASSWORD_FILE not in mapped, (step, mapped)
                assert "learner-pass" not in mapped, (step, mapped)
    login_cells = [
        c for c in lesson.read(lesson.notebook_for("login")).cells if c.get("id") == "login-login"
    ]
    assert lesson.commands(login_cells[0]) == [settings.GUIDE_LOGIN]
    assert account.name("learner/hello-world", "0.1.0") == "127.0.0.1:5999/sharer/hello-world:0.1.0"
    assert account.mapped("docker login localhost:5000 -u learner") == (
        "docker login 127.0.0.1:5999 -u Sharer"
    )
    assert account.config_key == "127.0.0.1:5999"
    hub = remote.Remote(remote.HUB, "Sharer", "token")
    assert hub.config_key == "https://index.docker.io/v1/"
    assert hub.name("library/tinybase", "latest") == "sharer/tinybase:latest"
    assert hub.mapped("docker push localhost:5000/learner/hello-world:0.1.0") == (
        "docker push sharer/hello-world:0.1.0"
    )
    # Docker Hub by naming no registry: `docker logout docker.io` would keep the login.
    assert hub.mapped("docker logout localhost:5000") == "docker logout"
    assert hub.mapped(settings.GUIDE_LOGIN) == (
        'echo "$KIT_HUB_TOKEN" | docker login --username Sharer --password-stdin'
    )


def test_an_account_the_registry_could_never_take_is_refused_in_one_sentence(cli):
    """An email address is not a Docker ID: refused before anything runs."""
    done = cli("hub", KIT_HUB_USER="someone@example.com", KIT_HUB_TOKEN="-")
    assert done.returncode == 1
    assert "KIT_HUB_USER must be your Docker ID" in done.stderr
    assert "Traceback" not in done.stderr


INTERRUPTED = {
    "en": "interrupted; the run has logged out and taken its names off the demo images: there "
    "is nothing to clean up.",
    "zh": "已中断；这次运行已经登出，并删掉了它给演示镜像加上的名称，无需再清理。",
}


@pytest.mark.parametrize("moment", ["after the login", "as step 4's kernel starts"])
@pytest.mark.parametrize(
    ("stop", "language"),
    [(signal.SIGINT, "zh"), (signal.SIGTERM, "en"), (signal.SIGHUP, "en")],
    ids=["Ctrl-C-zh", "kill", "closed-terminal"],
)
def test_a_run_that_is_interrupted_killed_or_hung_up_still_removes_the_login(
    stand_in: StandIn, hub_kit: Kit, stop: int, language: str, moment: str, run_config: RunConfig
):
    """Ctrl-C (as a Chinese reader presses it), ``kill`` or a closed terminal in step 2, after
    the login, or as step 4's kernel starts, once step 3 has given the demo images the
    account's names (where nbclient's own handling once printed asyncio's tracebacks): the run
    stops with one sentence in the reader's language, the login goes from the session's config
    and the names from the images all the same, and no kernel is left running."""
    env = run_config.child(
        KIT_SESSION=hub_kit.session, KIT_LANGUAGE=language, **stand_in.environment()
    )
    run = _start_hub_run(env)
    config = hub_kit.docker_config / "config.json"
    step_3_copy = hub_kit.folder / "notebooks" / "03-tag.ipynb"  # written as step 4 starts
    arrived = (lambda: _logged_in(config)) if moment == "after the login" else step_3_copy.exists
    try:
        assert waiting.until(arrived, timeout=60, interval=0.02)
    finally:
        run.send_signal(stop)
        try:
            _, stderr = run.communicate(timeout=60)
        except subprocess.TimeoutExpired:  # fail, and leave nothing to fail the next case
            run.kill()
            for process in _processes_of(hub_kit):
                with contextlib.suppress(psutil.Error):
                    process.kill()
            run.communicate()
            raise
    assert run.returncode == 130, stderr
    assert stderr.splitlines()[-1] == f"docker-share-kit hub: {INTERRUPTED[language]}", stderr
    assert "Traceback" not in stderr
    assert not config.exists()
    for repository, _ in hub_account.pushed_names():
        assert not _local_tags(hub_kit, stand_in.account.repository(repository)), repository
    assert not _processes_of(hub_kit), "a kernel of the run is still running"


def _start_hub_run(env: dict[str, str]) -> subprocess.Popen[str]:
    """Start ``python -m helpers hub`` in its own process, to be stopped as a user would."""
    return subprocess.Popen(
        [sys.executable, "-m", "helpers", "hub"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _processes_of(kit: Kit) -> list[psutil.Process]:
    """Return the processes started for the kit's session: its notebooks' kernels, and the
    commands their cells run (``helpers.terminal.shell.environment``: the session's home)."""
    found = []
    for process in psutil.process_iter():
        with contextlib.suppress(psutil.Error):
            environment = process.environ()
            if kit.session == environment.get("KIT_SESSION") or str(kit.home) == environment.get(
                "HOME"
            ):
                found.append(process)
    return found


def _logged_in(config: Path) -> bool:
    return config.exists() and "auths" in config.read_text() and "{}" not in config.read_text()


@pytest.mark.may_skip  # CI is given no Docker Hub account, and here cannot reach Docker Hub
def test_the_mode_runs_against_docker_hub_with_the_readers_account(
    hub_kit: Kit, run_config: RunConfig
):
    """The same run against Docker Hub itself, when this machine reaches it and the person
    running the tests gave an account. It may take minutes on a slow line; on its timeout it
    is stopped with SIGTERM, so that it still logs out."""
    try:
        remote.Remote(remote.HUB, "anyone", "-").require_reachable()
    except KitError:
        pytest.skip("Docker Hub cannot be reached from this machine")
    account = dict(run_config.hub_account)
    if not account.get(remote.USER_VARIABLE):
        pytest.skip("no Docker Hub account given: set KIT_HUB_USER and KIT_HUB_TOKEN to run it")
    env = run_config.child(KIT_SESSION=hub_kit.session, **account)
    run = _start_hub_run(env)
    try:
        stdout, stderr = run.communicate(timeout=1800)
    except subprocess.TimeoutExpired:
        run.send_signal(signal.SIGTERM)
        stdout, stderr = run.communicate(timeout=120)
    done = subprocess.CompletedProcess(run.args, run.returncode, stdout, stderr)
    account_ = remote.Remote(
        remote.HUB, account[remote.USER_VARIABLE], account[remote.TOKEN_VARIABLE]
    )
    assert not _leaks(account_, hub_kit, done), "the token was written or printed"
    assert done.returncode == 0, "the run failed: its copies are in " + str(hub_kit.folder)


def test_the_mode_runs_the_chinese_notebooks_for_a_chinese_reader(
    stand_in: StandIn, hub_kit: Kit, cli
):
    """With a Chinese locale, the mode runs the Chinese edition's notebooks in its kernel: what
    the mode and each check say comes out in Chinese, and the flow holds as in English."""
    done = cli(
        "hub", KIT_SESSION=hub_kit.session, KIT_LANGUAGE="", LANG="zh_CN.UTF-8",
        **stand_in.environment(),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert re.search("[\u4e00-\u9fff]", done.stdout), done.stdout
    copies = hub_kit.folder / "notebooks"
    login = json.loads((copies / "02-login.ipynb").read_text())
    assert login["metadata"]["kernelspec"]["name"].endswith("-zh")
    printed = _printed(copies / "02-login.ipynb")
    assert printed.startswith("Docker Hub 模式：下面的命令以"), printed[:200]
    assert "\n检查结论：" in printed
    assert "Docker Hub 模式跳过这条命令：" in _printed(copies / "04-push.ipynb")
    assert not _leaks(stand_in.account, hub_kit, done), "the token was written or printed"


def test_a_cell_stopped_with_no_sentence_says_its_kernel_stopped():
    """A cell may end with an interrupt that carries no sentence, or nbclient's own error as
    the kernel died under it: the run says the kernel stopped, not 'step login stopped: '
    alone."""
    interrupted = CellExecutionError("", "KeyboardInterrupt", "")
    assert hub_run.why_a_cell_stopped(interrupted) == hub_run.KERNEL_STOPPED
    refused = CellExecutionError("", "StepIncomplete", "No credentials are\nstored.")
    assert hub_run.why_a_cell_stopped(refused) == "No credentials are stored."
    assert hub_run.why_a_cell_stopped(DeadKernelError("Kernel died")) == hub_run.KERNEL_STOPPED
