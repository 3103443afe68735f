"""The terminal the reader's test types into reports what a reader's screen shows: each
command's exit status, and an output's missing last newline, without taking a real ``%`` or
``#`` at the end of an output for zsh's end-of-line mark."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_terminal import SHELL_STORES
from tmux_terminal import PROMPTS, Terminal, Typed, missing


@pytest.mark.parametrize(
    "shell_name",
    [pytest.param(name, marks=pytest.mark.one_store(SHELL_STORES[name])) for name in PROMPTS],
)
def test_each_line_typed_gives_its_output_status_and_last_newline(
    shell_name: str, tmp_path: Path
) -> None:
    if missing(shell_name):
        pytest.skip(missing(shell_name))
    environment = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "TERM": "xterm-256color"}
    terminal = Terminal(
        f"mechanics-{shell_name}-{tmp_path.name}", shell_name, environment, tmp_path
    )
    try:
        assert terminal.type("true") == Typed("", 0, False)
        assert terminal.type("false") == Typed("", 1, False)
        assert terminal.type("sh -c 'exit 3'") == Typed("", 3, False)
        assert terminal.type("echo done") == Typed("done\n", 0, False)
        assert terminal.type("printf '50%%'") == Typed("50%", 0, True)
        assert terminal.type("printf 'root #'") == Typed("root #", 0, True)
        assert terminal.type("printf 'a %%\\n'") == Typed("a %\n", 0, False)
    finally:
        terminal.close()
