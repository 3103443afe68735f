"""The kit keeps its Docker config in its own state folder and never touches the user's."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from helpers import settings
from helpers.environment import state_dir
from helpers.kit import Kit
from helpers.lesson import notebooks as lesson
from helpers.steps import local_state
from helpers.terminal import shell
from helpers.terminal.shell import run

USER_CONFIG = json.dumps(
    {"auths": {"registry.example": {"auth": "c29tZW9uZTpzZWNyZXQ="}}},
    indent="\t",
).encode()
"""A user's own ``~/.docker/config.json``, with credentials the kit must never see or change."""

LOGIN = (
    f"echo {settings.DEMO_PASSWORD} | docker login {settings.GUIDE_ADDRESS} "
    f"-u {settings.DEMO_USER} --password-stdin"
)
REMOTE = f"{settings.GUIDE_ADDRESS}/{settings.DEMO_REPOSITORY}:0.1.0"


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    """Return every path under a folder with its bytes (``None`` for folders)."""
    return {
        str(path.relative_to(folder)): None if path.is_dir() else path.read_bytes()
        for path in sorted(folder.rglob("*"))
    }


def _with_the_users(kit: Kit, **values: str) -> Kit:
    """Return the kit as made from an environment where the user had set ``values``."""
    return dataclasses.replace(kit, environment=kit.environment.with_values(**values))


def test_the_kit_leaves_the_users_docker_config_byte_identical(
    kit, tmp_path, guide_registry, demo_images, cli, empty_sessions
):
    """With HOME (and DOCKER_CONFIG) pointing at a user's config, a login/tag/push/logout flow
    and every CLI verb leave that folder exactly as it was."""
    home = tmp_path / "home"
    (home / ".docker").mkdir(parents=True)
    (home / ".docker" / "config.json").write_bytes(USER_CONFIG)
    before = _snapshot(home)
    users = {"HOME": str(home), "DOCKER_CONFIG": str(home / ".docker")}
    kit = _with_the_users(kit, **users)

    run(kit, LOGIN, address=guide_registry.address)
    run(kit, f"docker tag {settings.DEMO_IMAGE} {REMOTE}", address=guide_registry.address)
    run(kit, f"docker push {REMOTE}", address=guide_registry.address)
    run(kit, f"docker logout {settings.GUIDE_ADDRESS}", address=guide_registry.address)
    for verb in ("engine", "up", "status", "reset", "down"):
        done = cli(verb, **users)
        assert done.returncode == 0, done.stderr

    assert _snapshot(home) == before


def test_credentials_are_stored_under_the_state_folder(kit, guide_registry):
    """`docker login` through the runner writes the session's config under the kit's state
    folder, for the registry's real address, and `docker logout` removes it from there."""
    config = kit.docker_config / "config.json"
    assert config.is_relative_to(state_dir())
    assert kit.docker_config == kit.home / ".docker"

    run(kit, LOGIN, address=guide_registry.address)
    assert guide_registry.address in json.loads(config.read_text())["auths"]
    assert local_state.logged_in(guide_registry)
    run(kit, f"docker logout {settings.GUIDE_ADDRESS}", address=guide_registry.address)
    assert guide_registry.address not in json.loads(config.read_text())["auths"]


def test_commands_run_in_the_session_home_with_no_docker_config(kit):
    """The runner gives commands the session's home as HOME and working folder (printed back
    as ``~``), and never passes a DOCKER_CONFIG on, not even the user's, so ``~/.docker`` is
    the session's."""
    kit = _with_the_users(kit, DOCKER_CONFIG="/somewhere/of/the/users")
    printed = run(kit, 'printf "%s|%s|%s" "$HOME" "$PWD" "${DOCKER_CONFIG-unset}"').output
    assert printed == "~|~|unset\n"


def test_sessions_do_not_share_credentials(kit, other_kit, guide_registry):
    """A login in one session is not seen by another session of the same machine."""
    run(kit, LOGIN, address=guide_registry.address)
    assert local_state.logged_in(guide_registry)
    assert other_kit.docker_config != kit.docker_config
    assert guide_registry.address not in local_state.stored_auths(other_kit)


def test_step_one_never_runs_an_image_from_docker_hub(kit, demo_images, docker_client):
    """Step 1 runs ``learner/hello-world`` by its short name, which Docker Hub also serves
    (someone else's image there). Without the local image the command must fail at once,
    never pull."""
    notebook = nbformat.read(lesson.notebook_for("concepts"), as_version=4)
    (command,) = [c for cell in notebook.cells if cell.get("id") == "concepts-run"
                  for c in lesson.commands(cell)]  # fmt: skip
    docker_client.images.remove(settings.DEMO_IMAGE, noprune=True)
    result = run(kit, command, expect=shell.FAILS)
    assert "No such image: learner/hello-world" in result.output
    assert "Unable to find image" not in result.output and "Pulling" not in result.output


def test_no_credential_helper_on_the_users_path_is_ever_called(kit, tmp_path, guide_registry):
    """With ``pass`` and the platform's credential helpers on the user's PATH (as Docker
    Desktop or Debian's golang-docker-credential-helpers put them there), a login through the
    runner calls none of them: the password stays in the kit's own config.json."""
    calls = tmp_path / "calls"
    fake = tmp_path / "bin"
    fake.mkdir()
    for name in ("pass", "docker-credential-pass", "docker-credential-secretservice"):
        program = fake / name
        program.write_text(f'#!/bin/sh\necho "{name} $*" >> {calls}\ncat >/dev/null\necho "{{}}"\n')
        program.chmod(0o755)
    kit = _with_the_users(kit, PATH=f"{fake}:{kit.environment.search_path}")

    run(kit, LOGIN, address=guide_registry.address)
    assert not calls.exists(), calls.read_text()
    config = json.loads((kit.docker_config / "config.json").read_text())
    assert "credsStore" not in config
    assert config["auths"][guide_registry.address]["auth"]


def _agent_socket(env: dict[str, str]) -> str:
    listed = subprocess.run(
        ["gpgconf", "--list-dirs", "agent-socket"],
        env={**env, "PATH": "/usr/local/bin:/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    return listed.stdout.strip()


@pytest.mark.skipif(shutil.which("gpgconf") is None, reason="needs GnuPG's gpgconf")
def test_the_kits_gnupg_never_reaches_the_users_agent(kit):
    """GnuPG takes ``$HOME/.gnupg`` for the user's default home, and then uses the agent
    socket of the user's desktop session (``/run/user/UID/gnupg``) whatever ``$HOME`` is. The
    commands the kit runs name a GnuPG home of the session's own, so theirs is another
    agent: not the user's, and not the one GnuPG would take for the default."""
    ours = _agent_socket(shell.environment(kit))
    default_for_the_kits_home = _agent_socket({"HOME": str(kit.home)})
    users = _agent_socket(kit.environment.without("GNUPGHOME").child())
    assert ours not in (default_for_the_kits_home, users)
    assert ours.startswith(str(kit.gnupg_home)) or "/d." in ours, ours
