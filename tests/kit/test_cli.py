"""``python -m helpers VERB``: one line per verb, exit 0, and ``down`` removes only what it says."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import settings
from helpers.paths import PROJECT_ROOT
from helpers.registry.sessions import running_registry
from helpers.steps import setups as step_setups
from tests.plugins import run_lock
from tests.plugins.run_config import WORKER, WORKER_COUNT, RunConfig

ONE_LINE = {
    "engine": (
        r"Docker engine \S+ \((classic|containerd) image store\) is "
        r"(running|started|started by systemd) at \S+, with the registry image \S+"
        r"(; Docker \S+ for the containerd image store is in \S+)?"
        r"(; docker-credential-pass is in \S+)?(; docker-buildx is \S+)?"
        r"(; QEMU's user-mode emulators are in \S+)?\."
    ),
    "up": (
        r"Registry ready at localhost:\d+ \(user learner, password learner-pass\); "
        r"demo images learner/hello-world:latest and tinybase:latest loaded\."
    ),
    "status": (
        r"Engine \S+; (registry at localhost:\d+|no registry running); "
        r"logged (in|out); demo images (not )?loaded\."
    ),
    "down": r"Removed \d+ kit registry container\(s\) of session SESSION, with their volumes\.",
    "down --all": r"Removed \d+ kit registry container\(s\) of every session, with their volumes\.",
    "reset": (
        r"Clean: (registry at localhost:\d+ emptied|no registry to empty), "
        r"\d+ kit image\(s\) removed, logged out\."
    ),
}


@pytest.mark.parametrize(
    "verb",
    [
        pytest.param(verb, marks=pytest.mark.every_session) if "--all" in verb else verb
        for verb in ONE_LINE
    ],
)
def test_each_verb_prints_one_line_and_exits_0(verb, cli, kit, demo_images, empty_sessions):
    """Each verb prints exactly one line saying what it did (``down``: naming the session),
    nothing on stderr, and exits 0."""
    done = cli(*verb.split())
    assert (done.returncode, done.stderr) == (0, "")
    line = ONE_LINE[verb].replace("SESSION", re.escape(kit.session))
    assert re.fullmatch(line + "\n", done.stdout)


def test_status_after_up_names_the_registry_and_images(cli, kit, demo_images, empty_sessions):
    """After `up`, `status` reports the same registry address, logged out, images loaded."""
    step_setups.logout(kit)  # an earlier test in this session may have logged in
    up = cli("up")
    address = re.search(r"localhost:\d+", up.stdout).group(0)
    status = cli("status")
    assert status.stdout.endswith(f"; registry at {address}; logged out; demo images loaded.\n")


def test_down_removes_only_this_sessions_registry(kit, registry, other_registry, footprint, cli):
    """`down` removes this session's registry and its volume, and leaves another session's
    registry running."""
    mine = footprint(registry.container)
    theirs = footprint(other_registry.container)
    done = cli("down")
    assert (
        done.stdout
        == f"Removed 1 kit registry container(s) of session {kit.session}, with their volumes.\n"
    )
    assert mine.remaining() == []
    assert theirs.remaining() == [theirs.container_id, *theirs.volumes]
    assert other_registry.answers()


@pytest.mark.every_session
def test_down_all_removes_every_sessions_registry(
    registry, other_registry, footprint, cli, sentinel, docker_client
):
    """`down --all` removes the registries of every session with their volumes, and nothing
    that is not a kit registry."""
    left = [footprint(registry.container), footprint(other_registry.container)]
    done = cli("down", "--all")
    assert done.returncode == 0
    assert [footprint.remaining() for footprint in left] == [[], []]
    kit_registries = docker_client.containers.list(
        all=True, filters={"label": settings.SESSION_LABEL}
    )
    assert kit_registries == []
    _, container_id = sentinel
    assert docker_client.containers.get(container_id).id == container_id


def _nested_run(
    run_config: RunConfig,
    session: str,
    tmp_path: Path,
    *args: str,
    extra: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run pytest in a process of its own, in session ``session``, as another run would: a
    learner's, not CI's, so a skip stays a skip (``tests/plugins/skips.py``)."""
    learners = run_config.environment.without("CI")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "0", "-q", f"--basetemp={tmp_path / 'run'}", *args],
        env=learners.child(KIT_SESSION=session, **(extra or {})),
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.every_session  # it plays a learner's `main` session: on an engine of the run's own
def test_on_a_shared_engine_no_test_removes_a_learners_registry(
    cli, kit, tmp_path, empty_sessions, run_config
):
    """The tests that remove every session's registries (``down --all``), run on an engine the
    test run does not own (``$DOCKER_HOST`` set, as on a learner's machine), skip: a learner's
    ``main`` registry on that engine keeps running through them."""
    assert cli("up", KIT_SESSION="main").returncode == 0
    try:
        done = _nested_run(
            run_config, "nested", tmp_path, "-m", "every_session", "tests/kit", "tests/engine"
        )
        assert done.returncode == 0, done.stdout[-2000:]
        assert re.search(r"\b[1-9]\d* skipped\b", done.stdout), done.stdout[-2000:]
        assert not re.search(r"\b(passed|failed)\b", done.stdout), done.stdout[-2000:]
        main = dataclasses.replace(kit, session="main")
        assert running_registry(main) is not None, "the learner's registry was removed"
    finally:
        cli("down", KIT_SESSION="main")


def test_a_second_test_run_of_the_same_session_refuses_in_one_sentence(tmp_path, run_config):
    """While a run of the session ``concurrent`` is going (here: this test holds its lock, as
    that run would), another run of it stops at once, naming the first run's pid, and starts
    no engine."""
    with run_lock.take("concurrent"):
        done = _nested_run(run_config, "concurrent", tmp_path, "tests/registry/test_api.py")
    assert done.returncode == 3, done.stdout[-2000:]
    assert f"Another test run (pid {os.getpid()}) uses the test session 'concurrent'" in (
        done.stdout + done.stderr
    )
    assert "passed" not in done.stdout


def test_a_second_test_run_on_the_same_engine_refuses_in_one_sentence(
    tmp_path, run_config, docker_client
):
    """While a run verifies the notebooks on an engine (here a process of its own holds that
    engine's lock, as that run would), a run of another session on that engine stops at once,
    naming the first run's pid; a run the holder started itself (a test's) goes on."""
    name = run_lock.engine_lock(str(docker_client.info()["ID"]))
    try:
        run_lock.take(name).close()
    except run_lock.Held:
        pytest.skip("this run holds the engine's lock itself: its workers share the engine")
    hold = "import sys, time; from tests.plugins import run_lock; lock = run_lock.take(sys.argv[1])"
    holder = subprocess.Popen(
        [sys.executable, "-c", f"{hold}; print('held', flush=True); time.sleep(120)", name],
        env=run_config.child(),
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        done = _nested_run(run_config, "other-session", tmp_path, "tests/registry/test_api.py")
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 3, done.stdout[-2000:]
    said = f"Another test run (pid {holder.pid}) verifies the notebooks on this Docker engine"
    assert said in done.stdout + done.stderr
    with run_lock.take(name):
        done = _nested_run(run_config, "own-run", tmp_path, "tests/registry/test_api.py")
    assert done.returncode == 0, done.stdout[-2000:]


def test_on_a_shared_engine_a_worker_that_runs_no_notebook_never_asks_the_engine(
    tmp_path, run_config, docker_client
):
    """With xdist on an engine the run does not own (no root, Docker Desktop), only ``gw0``
    runs the notebooks; ``gw1`` collects them too, and must not run step 10's platform probe
    then: two probes at once untag each other's foreign build (``learner/hello-world:arm64``
    on amd64). Here a pytest collects step 10 as that ``gw1`` would, and the engine creates no
    probe container of either build."""
    started = int(time.time()) - 1
    gw1 = {WORKER: "gw1", WORKER_COUNT: "2"}
    done = _nested_run(
        run_config, "probes", tmp_path, "--collect-only", "--nbval", "notebooks/10-platforms.ipynb",
        extra=gw1,
    )  # fmt: skip
    assert done.returncode in (0, 5), done.stdout[-2000:]  # 5: no test is this worker's
    builds = [f"{settings.DEMO_REPOSITORY}:{arch}" for arch in settings.PLATFORMS]  # foreign: any
    creates = docker_client.events(
        since=started, until=int(time.time()) + 1, decode=True,
        filters={"type": "container", "event": "create", "image": builds},
    )  # fmt: skip
    assert list(creates) == [], "gw1 ran the platform probe"


def test_without_docker_host_the_engine_of_the_docker_context_is_used(cli, tmp_path, run_config):
    """With no ``$DOCKER_HOST``, the kit finds the engine as the docker CLI does: through the
    current docker context (Docker Desktop's, Colima's or rootless Docker's socket). Here the
    context names this worker's engine, the only one where session ``ctx`` has a registry."""
    host = run_config.environment.docker_host
    if not host:
        pytest.skip("needs an engine of the run's own, named by DOCKER_HOST, to name in a context")
    config = tmp_path / "docker-config"
    users = run_config.environment.without("DOCKER_HOST").child(
        DOCKER_CONFIG=str(config), KIT_SESSION="ctx"
    )
    for command in (["create", "kit-test", "--docker", f"host={host}"], ["use", "kit-test"]):
        made = subprocess.run(["docker", "context", *command], env=users, capture_output=True)
        assert made.returncode == 0, made.stderr
    assert cli("up", KIT_SESSION="ctx").returncode == 0
    try:
        done = subprocess.run(
            [sys.executable, "-m", "helpers", "status"],
            env=users,
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert re.search(r"; registry at localhost:\d+;", done.stdout), done.stdout + done.stderr
    finally:
        cli("down", KIT_SESSION="ctx")


def test_a_verb_answers_in_the_readers_language(cli) -> None:
    """With a Chinese locale, ``status`` and ``down`` answer in Chinese; the values in their
    sentences (versions, addresses) stay as they are."""
    for verb in ("status", "down"):
        done = cli(verb, KIT_LANGUAGE="", LANG="zh_CN.UTF-8")
        assert done.returncode == 0, done.stderr
        assert re.search("[\u4e00-\u9fff]", done.stdout), done.stdout
        english = cli(verb)
        assert not re.search("[\u4e00-\u9fff]", english.stdout), english.stdout
