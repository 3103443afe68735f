"""A reader with only Docker follows the terminal page's second path, then every step page.

The terminal has no kit on it: its ``PATH`` holds the engine's own CLI and the system's
programs, not the kit's virtual environment or its ``.kit/bin``, and nothing of the kit runs
in it. The test saves the site's downloads into the tutorial folder from the served site with
``curl``, as a browser would, and types the page's commands as its copy buttons give them:
the folder, the lines that make it the terminal's home, the registry's ``docker run``, whose
output must be the new container's ID as the engine reports it, and the check that the
registry answers ``401``. Then it types every step page, as ``test_terminal`` does, goes back,
types the page's removal, and checks that the container is gone and the reader's own home
unchanged.

Where Docker Hub cannot be reached (CI here), ``registry:2`` cannot be pulled: the test gives
the kit's registry image that name for the run (Distribution 2.8, from Debian's package, the
registry the kit verifies with) and takes the name off afterwards, if it gave it.
"""

from __future__ import annotations

import html
import re
import shutil
import socket
import tempfile
from pathlib import Path

import docker.errors
import psutil
import pytest
from tmux_terminal import Terminal, missing
from typed_steps import (
    Reader,
    digest,
    go_back_to,
    readers_own_home,
    shell_environment,
    type_every_step,
)

from helpers import settings
from helpers.demo import images
from helpers.engine import image_store, pairs
from helpers.kit import Kit
from helpers.lesson import materials, recorded
from helpers.lesson.engine_values import ADDRESS, Values
from helpers.paths import PROJECT_ROOT
from helpers.registry.container import Registry
from helpers.registry.image import registry_image
from helpers.site import docker_only
from helpers.site.downloads import FOLDER as DOWNLOADS
from helpers.steps import credential_helper
from helpers.terminal import own_terminal
from tests.plugins.run_config import RunConfig
from tests.site.site_support import build_once, serve

STARTING_ASKS = 50
"""How many times the test asks again while the registry is still starting (``000``)."""
CODE = re.compile(r'<div class="highlight">.*?<code[^>]*>(.*?)</code>', re.DOTALL)


def code_blocks(markup: str) -> list[str]:
    """Return the text of each code block of a built page, as its copy button gives it."""
    return [
        html.unescape(re.sub(r"<[^>]+>", "", found)).rstrip("\n") for found in CODE.findall(markup)
    ]


def without_the_kit(search_path: str) -> str:
    """Return a ``PATH`` without the kit's own folders (its virtual environment and
    ``.kit/bin``); the engine's CLI, which the kit only unpacked, stays."""
    kept = [
        folder
        for folder in search_path.split(":")
        if not Path(folder).is_relative_to(PROJECT_ROOT / ".venv")
        and Path(folder) != PROJECT_ROOT / ".kit" / "bin"
    ]
    return ":".join(kept)


def free_port() -> int:
    """Return a free port of four digits, as the pages' 5000 has: a longer address would widen
    the columns of ``docker image ls``."""
    for port in range(5200, 6000):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise AssertionError("no free port between 5200 and 5999")


def gnupg_agents(home: Path) -> list[int]:
    """Return the pids of the GnuPG agents of GnuPG homes under ``home``."""
    return [
        process.pid
        for process in psutil.process_iter(["name", "cmdline"])
        if process.info["name"] == "gpg-agent"
        and str(home) in " ".join(process.info["cmdline"] or [])
    ]


@pytest.mark.one_store(image_store.CONTAINERD)  # most readers with only Docker have Desktop
def test_a_reader_with_only_docker_follows_every_step(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, run_config: RunConfig
) -> None:
    shell_name = "zsh"
    if missing(shell_name):
        pytest.skip(missing(shell_name))
    site = build_once(tmp_path_factory, run_config).site
    client = run_config.kit.client()
    versions = recorded.current_versions(client, run_config.kit.docker_cli)
    store = versions.store
    if recorded.nearest_pair(versions) != pairs.REFERENCE[store].name:
        pytest.skip("the pages show the reference pairs' wording: run this on a reference pair")
    page = (site / "terminal.html").read_text(encoding="utf-8")
    shown = code_blocks(page)
    commands = docker_only.commands()
    for name, text in commands.items():
        assert text in shown, f"the terminal page does not show the {name} commands"
    session = f"{run_config.session}-docker-only"
    kit = Kit.from_environment(session, environment=run_config.environment)
    container, port = f"{settings.GUIDE_CONTAINER}-{session}", free_port()
    address = f"localhost:{port}"
    # A short path, as a reader's home is: GnuPG's sockets go in the tutorial's folder, and a
    # socket's path may not be longer than 107 bytes (pytest's tmp_path is too long).
    short = Path(tempfile.mkdtemp(prefix="kit-reader-"))
    mine = readers_own_home(short)
    before = digest(mine)
    search_path = without_the_kit(run_config.environment.search_path)
    environment = shell_environment(mine, search_path, run_config)
    images.remove_kit_images(client)  # a reader who has never loaded them
    named = False
    try:
        client.images.get(docker_only.IMAGE)
    except docker.errors.ImageNotFound:
        client.images.get(registry_image(client)).tag(docker_only.IMAGE)
        named = True
    terminal = None
    differences: list[str] = []
    try:
        terminal = Terminal(session, shell_name, environment, mine)
        home = mine / docker_only.FOLDER
        reader = Reader(
            terminal,
            site,
            store,
            address,
            container,
            home,
            {k: v for k, v in recorded.reference_values(store).items() if k != ADDRESS},
            Values(kit, registry_of=lambda kit: Registry(kit, port=port)),
            client,
        )
        reader.paste([commands["folder"]])
        architecture = images.engine_architecture(client)
        with serve(site) as base:
            reader.paste(
                [f"curl -fsSO {base}{DOWNLOADS}/{architecture}/{name}" for name in materials.NAMES]
            )
        reader.paste(commands["switch"].splitlines())
        run = commands["registry"].replace(" \\\n  ", " ")
        run = run.replace(f"127.0.0.1:{settings.PREFERRED_PORT}:", f"127.0.0.1:{port}:")
        started = terminal.type(run.replace(settings.GUIDE_CONTAINER, container))
        assert started.status == 0, started.output
        assert started.output == client.containers.get(container).id + "\n", started.output
        answer = commands["answers"].replace(settings.GUIDE_ADDRESS, address)
        answered = terminal.type(answer).output
        for _ in range(STARTING_ASKS):  # still starting: the page says to ask again
            if answered != "000\n":
                break
            answered = terminal.type(answer).output
        assert answered == "401\n"
        copy = credential_helper.kit_copy()  # Debian's docker-credential-pass, unpacked
        helper = [f'export PATH={copy}:"$PATH"'] if copy else None
        differences = type_every_step(reader, helper)
        go_back_to(mine, terminal, [own_terminal.GO_BACK])
        for line in commands["remove"].splitlines():
            if line.startswith("rm "):  # GnuPG's agent would remove its sockets meanwhile
                assert not gnupg_agents(home), "the GnuPG agent still runs before `rm`"
            done = terminal.type(line.replace(settings.GUIDE_CONTAINER, container))
            assert done.status == 0, done.output
        assert not client.containers.list(all=True, filters={"name": container})
        assert not home.exists()
    finally:
        if terminal is not None:
            terminal.close()
        for leftover in client.containers.list(all=True, filters={"name": container}):
            leftover.remove(force=True, v=True)
        if named:
            client.images.remove(docker_only.IMAGE)
        shutil.rmtree(kit.folder, ignore_errors=True)
        changed = digest(mine) != before
        shutil.rmtree(short, ignore_errors=True)
    assert not differences, f"with only Docker, in {shell_name}:\n" + "\n".join(differences)
    assert not changed, "the reader's own home changed"
