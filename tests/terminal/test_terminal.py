"""A reader follows every step page in their own terminal, and sees what the pages show.

This test does what the site's "In your own terminal" page tells a reader to do. It runs
``python -m helpers terminal``, pastes the lines it prints into a real interactive shell (bash
and zsh, in tmux, without their start-up files), then types every command of every step page,
in order, exactly as the page's copy button gives it (the text of the command block in the
built HTML). After each command it compares the final screen with the page's output block for
the engine's image store.

Each command must exit with status 0, except where the page marks it "fails on purpose": there
it must exit with another status.

What the comparison forgives is what the terminal page tells the reader may differ, and how a
terminal draws text (everything else must match):

- the registry's real address, its container's name (the test's session is not ``main``) and
  the tutorial folder's path are written back as the page writes them (``localhost:5000``,
  ``docker-share-kit-registry-main``, ``~``), as the page tells the reader;
- tabs, which a terminal draws as spaces up to the next tab stop, and spaces at the end of a
  line, which a terminal never shows (``tmux capture-pane`` leaves them out);
- an output's missing last newline, only where the terminal page says Docker leaves it out
  (``cat ~/.docker/config.json``, when the file is there); and there it must be missing;
- the order of the per-layer lines of a push or pull: the containerd store prints them as
  they finish, and the page lists them in the image's layer order, which the test reads from
  the engine (``screen.layer_order``); and the order of the blobs garbage collection deletes,
  which the page sorts;
- what nbval's one sanitize rule forgives in the notebooks too (``notebooks/sanitize``).

The page shows its store's reference pair's digests, IDs and sizes: like nbval, the test
writes in those the engine and the terminal's registry report (``helpers.lesson.engine_values``)
before it compares.

Finally it pastes the way back and checks that the reader's own home, with their own
``~/.docker/config.json``, was never touched.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tmux_terminal import PROMPTS, Terminal, missing
from typed_steps import (
    WITHOUT_LAST_NEWLINE,
    Reader,
    digest,
    go_back_to,
    readers_own_home,
    shell_environment,
    type_every_step,
)

from helpers.engine import image_store, pairs
from helpers.kit import Kit
from helpers.lesson import recorded
from helpers.lesson.engine_values import ADDRESS, Values
from helpers.paths import PROJECT_ROOT
from helpers.terminal import own_terminal
from tests.plugins.run_config import RunConfig
from tests.site.site_support import build_once

TERMINAL_PAGE = PROJECT_ROOT / "docs" / "terminal.md"


def indented_blocks(printed: str) -> list[list[str]]:
    """Return the groups of indented lines (what to paste) of the kit's instructions."""
    groups: list[list[str]] = [[]]
    for line in printed.splitlines():
        if line.startswith("    "):
            groups[-1].append(line.strip())
        elif groups[-1]:
            groups.append([])
    return [group for group in groups if group]


SHELL_STORES = {"bash": image_store.CLASSIC, "zsh": image_store.CONTAINERD}
"""When both image stores are verified side by side, each shell types the steps against one:
bash a Linux engine's classic store, zsh (macOS's shell) Docker Desktop's containerd store.
What a shell changes (``!``, ``#``, quoting) no store changes, and the other way round."""


@pytest.mark.parametrize(
    "shell_name",
    [pytest.param(name, marks=pytest.mark.one_store(SHELL_STORES[name])) for name in PROMPTS],
)
def test_a_reader_follows_every_step_in_their_own_terminal(
    shell_name: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, run_config: RunConfig
) -> None:
    if missing(shell_name):
        pytest.skip(missing(shell_name))
    site = build_once(tmp_path_factory, run_config).site
    versions = recorded.current_versions(run_config.kit.client(), run_config.kit.docker_cli)
    store = versions.store
    if recorded.nearest_pair(versions) != pairs.REFERENCE[store].name:
        pytest.skip(
            f"the pages show the reference pairs' wording, and Docker {versions.engine} with "
            f"CLI {versions.client} words some messages otherwise: run this on a reference pair "
            "(scripts/test does, on Linux as root)"
        )
    session = f"{run_config.session}-{shell_name}"
    values = Values(Kit.from_environment(session, environment=run_config.environment))
    # The terminal's address is written back as the page's (localhost:5000) before comparing.
    recorded_values = recorded.reference_values(store)
    recorded_values.pop(ADDRESS)
    home = Kit.from_environment(session, environment=run_config.environment).home
    cli_env = run_config.child(KIT_SESSION=session)
    kit = [sys.executable, "-m", "helpers"]
    mine = readers_own_home(tmp_path)
    before = digest(mine)
    environment = shell_environment(mine, run_config.environment.search_path, run_config)
    differences: list[str] = []
    terminal = None
    try:
        started = subprocess.run(
            [*kit, "terminal"], env=cli_env, cwd=PROJECT_ROOT, capture_output=True, text=True
        )
        assert started.returncode == 0, started.stderr
        paste_in, go_back, *helper = indented_blocks(started.stdout)
        found = re.search(r"ready at (localhost:\d+)", started.stdout)
        assert found and f" HOME={home}" in paste_in[0], started.stdout
        assert go_back == [own_terminal.GO_BACK]
        page_back = f"\n{own_terminal.GO_BACK}\n" in TERMINAL_PAGE.read_text()
        assert page_back, "the page's way back differs"
        assert f"`{WITHOUT_LAST_NEWLINE}`" in TERMINAL_PAGE.read_text(), "no missing newline said"
        said = re.search(r"registry container is (\S+):", started.stdout)
        assert said, started.stdout  # the test's session is not main
        terminal = Terminal(session, shell_name, environment, mine)
        reader = Reader(
            terminal,
            site,
            store,
            found[1],
            said[1],
            home,
            recorded_values,
            values,
            run_config.kit.client(),
        )
        reader.paste(paste_in)
        differences = type_every_step(reader, helper[0] if helper else None)
        go_back_to(mine, terminal, go_back)
    finally:
        if terminal is not None:
            terminal.close()
        subprocess.run([*kit, "down"], env=cli_env, cwd=PROJECT_ROOT, capture_output=True)
        shutil.rmtree(home.parent, ignore_errors=True)  # .kit/sessions/<session>
    assert not differences, f"in {shell_name}:\n" + "\n".join(differences)
    assert digest(mine) == before, "the reader's own home changed"


CJK = re.compile("[\u4e00-\u9fff]")


@pytest.mark.one_store(image_store.CONTAINERD)  # the Chinese edition's store
def test_the_kit_says_what_to_paste_in_the_readers_language(run_config: RunConfig) -> None:
    """With ``KIT_LANGUAGE=zh``, as the Chinese pages have the reader type it, ``helpers
    terminal`` says everything in Chinese around the very lines the English one gives to
    paste."""
    session = f"{run_config.session}-zh"
    kit = [sys.executable, "-m", "helpers"]
    printed = {}
    try:
        for language in ("en", "zh"):
            env = run_config.child(KIT_SESSION=session, KIT_LANGUAGE=language)
            done = subprocess.run(
                [*kit, "terminal"], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True
            )
            assert done.returncode == 0, done.stderr
            printed[language] = done.stdout
    finally:
        down = run_config.child(KIT_SESSION=session)
        subprocess.run([*kit, "down"], env=down, cwd=PROJECT_ROOT, capture_output=True)
        shutil.rmtree(Kit.from_environment(session, environment=run_config.environment).folder)
    assert indented_blocks(printed["zh"]) == indented_blocks(printed["en"])
    said = [line for line in printed["zh"].splitlines() if line and not line.startswith("    ")]
    assert said and all(CJK.search(line) for line in said), said
    assert not any(CJK.search(line) for line in printed["en"].splitlines())
