"""Type every command of every step page into a terminal and compare each final screen with
the page: the part both ways of following the steps share (with the kit's registry,
``test_terminal``; with only Docker, ``test_docker_only``).

What the comparison forgives is ``test_terminal``'s docstring.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker
from tmux_terminal import WIDTH, Terminal, Typed

from helpers import settings, steps
from helpers.demo import platform_builds
from helpers.lesson import expected, values_in_outputs
from helpers.lesson import notebooks as lesson
from helpers.lesson.engine_values import Values
from helpers.steps import buildx
from helpers.terminal import screen
from tests.plugins.run_config import RunConfig
from tests.site.site_support import notebook_paths, notebook_url, page_blocks

USER_CONFIG = b'{"auths": {"registry.example.com": {"auth": "dXNlcjpzZWNyZXQ="}}}\n'
"""The reader's own ``~/.docker/config.json``: it must be byte-identical afterwards."""
WITHOUT_LAST_NEWLINE = "cat ~/.docker/config.json"
"""The one command whose output, the terminal page says, ends with no newline: Docker writes
``config.json`` so, and the prompt follows its last ``}``."""


def without_line_end_spaces(text: str) -> str:
    """Return the text without the spaces that end its lines, which no terminal shows."""
    return re.sub(r" +(?=\n|\Z)", "", text)


def as_the_page_writes_it(
    shown: Typed, address: str, container: str, home: Path, layer_order: list[str]
) -> str:
    """Return what a screen shows as the page writes it (see ``test_terminal``)."""
    text = shown.output.replace(address, settings.GUIDE_ADDRESS).replace(
        container, settings.GUIDE_CONTAINER
    )
    text = screen.without_home(without_line_end_spaces(text), home)
    return screen.in_sorted_order(screen.in_layer_order(text, layer_order))


def readers_own_home(folder: Path) -> Path:
    """Make the reader's own home in ``folder``: their Docker config, GnuPG home and password
    store, which following the steps must leave byte for byte as they were."""
    mine = folder / "me"
    (mine / ".docker").mkdir(parents=True)
    (mine / ".docker" / "config.json").write_bytes(USER_CONFIG)
    for own in ("gnupg", "password-store"):  # the reader's keys and passwords, set by name
        (mine / own).mkdir()
        (mine / own / "mine").write_text("the reader's own\n")
    return mine


def shell_environment(mine: Path, search_path: str, run_config: RunConfig) -> dict[str, str]:
    """Return the environment of the reader's shell: their own home and settings, a ``PATH``,
    and the run's engine."""
    environment = {
        "HOME": str(mine),
        "DOCKER_CONFIG": str(mine / ".docker"),  # the reader's own, set before they start
        "GNUPGHOME": str(mine / "gnupg"),
        "PASSWORD_STORE_DIR": str(mine / "password-store"),
        "PATH": search_path,
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "HISTFILE": str(mine.parent / "history"),
    }
    if run_config.environment.docker_host:
        environment["DOCKER_HOST"] = run_config.environment.docker_host
    return environment


def go_back_to(mine: Path, terminal: Terminal, lines: list[str]) -> None:
    """Type the way back, and check the terminal has the reader's own settings again."""
    for line in lines:
        assert terminal.type(line).status == 0, f"going back: {line!r} failed"
    restored = terminal.type(
        'echo "$HOME|$DOCKER_CONFIG|$GNUPGHOME|$PASSWORD_STORE_DIR|${KIT_OWN_HOME-gone}"'
    ).output
    own = (mine, mine / ".docker", mine / "gnupg", mine / "password-store")
    assert restored == "|".join(map(str, own)) + "|gone\n"


def digest(folder: Path) -> dict[str, str]:
    """Return the SHA-256 of every file under a folder."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@dataclass(frozen=True)
class Reader:
    """A terminal where a reader follows the steps, and what its screens are compared with."""

    terminal: Terminal
    site: Path
    store: str
    address: str
    """The registry's real address (``localhost:5000`` on the pages)."""
    container: str
    """The registry container's real name (``docker-share-kit-registry-main`` on the pages)."""
    home: Path
    """The tutorial's folder, the terminal's ``HOME`` (``~`` on the pages)."""
    recorded_values: dict[str, str]
    values: Values
    client: docker.DockerClient

    def paste(self, lines: list[str]) -> None:
        """Paste lines that print nothing and succeed, as a reader pastes set-up lines."""
        for line in lines:
            assert self.terminal.type(line) == Typed("", 0, False), f"pasting {line!r} printed"


def type_every_step(reader: Reader, helper: list[str] | None) -> list[str]:
    """Type every command of every step page, in order; return how the screens differed from
    the pages. ``helper`` is pasted when step 9 begins (the credential helper on ``PATH``);
    None leaves step 9 out, as nbval does where it cannot run."""
    differences: list[str] = []
    for notebook in notebook_paths():
        read = lesson.read(notebook)
        step = lesson.step_of(read)
        if step == steps.HELPER_STEP:
            if helper is None:
                continue
            # The reader puts the credential helper on the PATH when its step asks, not
            # before: with it there, step 2's login would already go to it.
            reader.paste(helper)
        if step == settings.PLATFORMS_STEP and not _has_buildx(reader):
            continue  # as nbval does where buildx cannot be had
        differences += _type_page(reader, notebook_url(notebook), read)
    return differences


def _has_buildx(reader: Reader) -> bool:
    """Tell whether the terminal's docker finds buildx: in the tutorial's ``~/.docker`` (the
    kit links its copy there), else the kit's copy put there now, as a reader with Debian's
    docker.io installs docker-buildx (None of either: step 10 is left out)."""
    plugin = reader.home / ".docker" / "cli-plugins" / buildx.PLUGIN
    if plugin.exists():
        return True
    copy = buildx.kit_copy()
    if copy is None:
        return False
    plugin.parent.mkdir(parents=True, exist_ok=True)
    plugin.symlink_to(copy)
    return True


def _platform_cells(notebook: Any) -> dict[str, Any]:
    """Return a notebook's cells that run a platform's build, by their command: what they
    print is the engine's own case, where the page shows the recorded engine's."""
    return {
        command: cell
        for cell in notebook.cells
        if lesson.platform_run(cell)
        for command in lesson.commands(cell)
    }


def _type_page(reader: Reader, page: str, notebook: Any) -> list[str]:
    blocks = page_blocks((reader.site / page).read_text(encoding="utf-8"))
    assert any(block.kind == "command" for block in blocks), f"{page}: no command"
    differences = []
    recorded_values = values_in_outputs.shown_by(lesson.step_of(notebook), reader.recorded_values)
    platform_cells = _platform_cells(notebook)
    runnable = platform_builds.runnable_platforms(reader.client) if platform_cells else None
    for index, block in enumerate(blocks):
        if block.kind != "command":
            continue
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        wanted = ""
        if following is not None and following.kind == "output":
            texts = dict(following.texts)
            wanted = texts.get("*", texts.get(reader.store, ""))
        typed = block.text.replace(settings.GUIDE_ADDRESS, reader.address)
        typed = typed.replace(settings.GUIDE_CONTAINER, reader.container)
        assert len(typed) + 20 < WIDTH, f"{page}: {len(typed)} characters wrap: widen WIDTH"
        shown = reader.terminal.type(typed)
        fails = index > 0 and blocks[index - 1].kind == "fails"
        cell = platform_cells.get(block.text)
        if cell is not None and runnable is not None:  # the page shows the recorded case
            fails = lesson.fails_on(cell, runnable)
            wanted = expected.printed_text(expected.cell_outputs(cell, reader.store, runnable))
        if (shown.status != 0) != fails:
            said = "fails on purpose" if fails else "succeeds"
            differences.append(
                f"{page}: `{block.text}` exited with status {shown.status}, where the page "
                f"says it {said}"
            )
        said_without_newline = block.text == WITHOUT_LAST_NEWLINE and shown.status == 0
        if shown.ended_without_newline != said_without_newline:
            how = "without" if shown.ended_without_newline else "with"
            differences.append(
                f"{page}: `{block.text}` ended its output {how} a newline; the terminal page "
                f"says only a successful `{WITHOUT_LAST_NEWLINE}` ends without one"
            )
        # (once the command has run: what it made is what the values are read from)
        wanted = values_in_outputs.with_values(wanted, recorded_values, reader.values)
        order = screen.layer_order(reader.client, typed)
        got = as_the_page_writes_it(shown, reader.address, reader.container, reader.home, order)
        if said_without_newline:
            got += "\n"  # the page's output block ends its last line
        drawn = without_line_end_spaces(wanted.expandtabs())
        if expected.sanitized(got) != expected.sanitized(drawn):
            differences.append(
                f"{page}: `{block.text}` showed\n{got}\nwhere the page shows\n{wanted}"
            )
    return differences
