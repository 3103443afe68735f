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

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tmux_terminal import PROMPTS, WIDTH, Terminal, Typed, missing

from helpers import settings, steps
from helpers.engine import image_store, pairs
from helpers.kit import Kit
from helpers.lesson import expected, recorded
from helpers.lesson import notebooks as lesson
from helpers.lesson.engine_values import ADDRESS, Values
from helpers.paths import PROJECT_ROOT
from helpers.terminal import own_terminal, screen
from tests.plugins.run_config import RunConfig
from tests.site.site_support import build_once, notebook_paths, notebook_url, page_blocks

TERMINAL_PAGE = PROJECT_ROOT / "docs" / "terminal.md"
WITHOUT_LAST_NEWLINE = "cat ~/.docker/config.json"
"""The one command whose output, the terminal page says, ends with no newline: Docker writes
``config.json`` so, and the prompt follows its last ``}``."""
USER_CONFIG = b'{"auths": {"registry.example.com": {"auth": "dXNlcjpzZWNyZXQ="}}}\n'
"""The reader's own ``~/.docker/config.json``: it must be byte-identical afterwards."""


def without_line_end_spaces(text: str) -> str:
    """Return the text without the spaces that end its lines, which no terminal shows."""
    return re.sub(r" +(?=\n|\Z)", "", text)


def as_the_page_writes_it(
    shown: Typed, address: str, container: str, home: Path, layer_order: list[str]
) -> str:
    """Return what a screen shows as the page writes it (see the module's docstring)."""
    text = shown.output.replace(address, settings.GUIDE_ADDRESS).replace(
        container, settings.GUIDE_CONTAINER
    )
    text = screen.without_home(without_line_end_spaces(text), home)
    return screen.in_sorted_order(screen.in_layer_order(text, layer_order))


def indented_blocks(printed: str) -> list[list[str]]:
    """Return the groups of indented lines (what to paste) of the kit's instructions."""
    groups: list[list[str]] = [[]]
    for line in printed.splitlines():
        if line.startswith("    "):
            groups[-1].append(line.strip())
        elif groups[-1]:
            groups.append([])
    return [group for group in groups if group]


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


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
    mine = tmp_path / "me"
    (mine / ".docker").mkdir(parents=True)
    (mine / ".docker" / "config.json").write_bytes(USER_CONFIG)
    for own in ("gnupg", "password-store"):  # the reader's keys and passwords, set by name
        (mine / own).mkdir()
        (mine / own / "mine").write_text("the reader's own\n")
    before = _digest(mine)
    environment = {
        "HOME": str(mine),
        "DOCKER_CONFIG": str(mine / ".docker"),  # the reader's own, set before they start
        "GNUPGHOME": str(mine / "gnupg"),
        "PASSWORD_STORE_DIR": str(mine / "password-store"),
        "PATH": run_config.environment.search_path,
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "HISTFILE": str(tmp_path / "history"),
    }
    if run_config.environment.docker_host:
        environment["DOCKER_HOST"] = run_config.environment.docker_host
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
        address = found[1]
        said = re.search(r"registry container is (\S+):", started.stdout)
        assert said, started.stdout  # the test's session is not main
        container = said[1]
        terminal = Terminal(session, shell_name, environment, mine)
        for line in paste_in:
            assert terminal.type(line) == Typed("", 0, False), f"pasting {line!r} printed"
        for notebook in notebook_paths():
            if lesson.step_of(lesson.read(notebook)) == steps.HELPER_STEP:
                if not helper:
                    continue  # no helper here: nbval skips that step too, with its reason
                # The reader puts the kit's credential helper on the PATH when its step
                # asks, not before: with it there, step 2's login would already go to it.
                for line in helper[0]:
                    assert terminal.type(line) == Typed("", 0, False), f"pasting {line!r}"
            page = notebook_url(notebook)
            blocks = page_blocks((site / page).read_text(encoding="utf-8"))
            assert any(block.kind == "command" for block in blocks), f"{page}: no command"
            for index, block in enumerate(blocks):
                if block.kind != "command":
                    continue
                following = blocks[index + 1] if index + 1 < len(blocks) else None
                wanted = ""
                if following is not None and following.kind == "output":
                    texts = dict(following.texts)
                    wanted = texts.get("*", texts.get(store, ""))
                typed = block.text.replace(settings.GUIDE_ADDRESS, address)
                typed = typed.replace(settings.GUIDE_CONTAINER, container)
                assert len(typed) + 20 < WIDTH, f"{page}: {len(typed)} characters wrap: widen WIDTH"
                shown = terminal.type(typed)
                fails = index > 0 and blocks[index - 1].kind == "fails"
                if (shown.status != 0) != fails:
                    said = "fails on purpose" if fails else "succeeds"
                    differences.append(
                        f"{page}: `{block.text}` exited with status {shown.status}, where the "
                        f"page says it {said}"
                    )
                said_without_newline = block.text == WITHOUT_LAST_NEWLINE and shown.status == 0
                if shown.ended_without_newline != said_without_newline:
                    how = "without" if shown.ended_without_newline else "with"
                    differences.append(
                        f"{page}: `{block.text}` ended its output {how} a newline; the terminal "
                        f"page says only a successful `{WITHOUT_LAST_NEWLINE}` ends without one"
                    )
                # (once the command has run: what it made is what the values are read from)
                wanted = expected.with_values(wanted, recorded_values, values)
                order = screen.layer_order(run_config.kit.client(), typed)
                got = as_the_page_writes_it(shown, address, container, home, order)
                if said_without_newline:
                    got += "\n"  # the page's output block ends its last line
                drawn = without_line_end_spaces(wanted.expandtabs())
                if expected.sanitized(got) != expected.sanitized(drawn):
                    differences.append(
                        f"{page}: `{block.text}` showed\n{got}\nwhere the page shows\n{wanted}"
                    )
        for line in go_back:
            assert terminal.type(line).status == 0, f"going back: {line!r} failed"
        restored = terminal.type(
            'echo "$HOME|$DOCKER_CONFIG|$GNUPGHOME|$PASSWORD_STORE_DIR|${KIT_OWN_HOME-gone}"'
        ).output
        own = (mine, mine / ".docker", mine / "gnupg", mine / "password-store")
        assert restored == "|".join(map(str, own)) + "|gone\n"
    finally:
        if terminal is not None:
            terminal.close()
        subprocess.run([*kit, "down"], env=cli_env, cwd=PROJECT_ROOT, capture_output=True)
        shutil.rmtree(home.parent, ignore_errors=True)  # .kit/sessions/<session>
    assert not differences, f"in {shell_name}:\n" + "\n".join(differences)
    assert _digest(mine) == before, "the reader's own home changed"


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
