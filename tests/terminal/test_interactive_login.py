"""The interactive login step 2 shows, as the guide does, answered at real prompts.

A notebook cannot answer prompts, so step 2 logs in with ``--password-stdin``; beside it, it
shows the ``Username:``/``Password:`` exchange the guide shows. That block is not typed by
hand: here ``docker login`` runs in a pseudo-terminal with Docker 20.10's own CLI (Debian 12's,
the classic tab's), the test answers its prompts with the block's user name and the demo
password, and the terminal's final screen must be the block, in both editions.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import nbformat
import pexpect
import pytest

from helpers import settings
from helpers.engine import pairs
from helpers.engine.image_store import CLASSIC
from helpers.kit import Kit
from helpers.lesson import notebooks as lesson
from helpers.paths import NOTEBOOKS
from helpers.registry.container import Registry
from helpers.terminal import screen

# Docker 20.10's prompts, with Debian 12's CLI: the classic store's pair.
pytestmark = pytest.mark.one_store(CLASSIC)

BLOCK = re.compile(r"```text\n(\$ docker login [^\n]+\n.*?)```", re.DOTALL)


def _shown(notebook: Path) -> str:
    """Return the exchange the notebook's login step shows: its one block that starts with
    ``$ docker login``."""
    cells = nbformat.read(notebook, as_version=4).cells
    found = [m[1] for c in cells if c.cell_type == "markdown" for m in BLOCK.finditer(c.source)]
    assert len(found) == 1, f"{notebook.name}: {len(found)} interactive login blocks"
    return str(found[0])


def test_the_login_answered_at_the_prompts_prints_what_step_2_shows(
    kit: Kit, guide_registry: Registry, tmp_path: Path
) -> None:
    english = lesson.notebook_for("login")
    shown = _shown(english)
    assert _shown(NOTEBOOKS / "zh" / english.name) == shown
    command, username = shown.splitlines()[0], shown.splitlines()[1]
    assert username.startswith("Username: ")
    typed = command.removeprefix("$ ").replace(settings.GUIDE_ADDRESS, guide_registry.address)
    written = io.BytesIO()
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "TERM": "xterm-256color", "LANG": "C"}
    env["DOCKER_HOST"] = kit.engine_host
    words = typed.split()
    cli = str(pairs.DEBIAN_12.cli())
    child = pexpect.spawn(
        cli, words[1:], env=env, cwd=str(tmp_path), timeout=60,
        dimensions=(screen.SCREEN_LINES, screen.SCREEN_COLUMNS),
    )  # fmt: skip
    child.logfile_read = written
    try:
        child.expect("Username: ")
        child.sendline(username.removeprefix("Username: "))
        child.expect("Password: ")
        child.sendline(settings.DEMO_PASSWORD)
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, written.getvalue()
    printed = screen.without_home(screen.final_screen(written.getvalue()), tmp_path)
    printed = printed.replace(guide_registry.address, settings.GUIDE_ADDRESS)
    assert f"{command}\n{printed}" == shown
