"""A real interactive shell in a real terminal (tmux), typed into as a person would.

``Terminal`` starts bash or zsh without their start-up files, in a tmux server of its own,
types a line (``send-keys``), waits for the next prompt and returns what the screen shows
between the two (``capture-pane``): the final screen, after every progress bar has been
redrawn. The prompt carries the shell's command number, so a prompt that an output happens to
contain is never taken for the next one, and the command's exit status. Where an output ends
without a newline, bash writes its prompt right after it, and zsh first writes its end-of-line
mark, here a word of the kit's (``NO_NEWLINE_MARK``), so that a real ``%`` or ``#`` at the end
of an output is never taken for zsh's; the mark is left out and the missing newline noted.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from helpers import waiting

PROMPTS = {"bash": r"<\#:$?>$ ", "zsh": "<%!:%?>$ "}
"""Each shell's prompt: its command number and the last command's exit status."""
_PROMPT = re.compile(r"<(\d+):(\d+)>\$(?: |$)", re.MULTILINE)
"""A prompt, at the start of a line or right after an output that ends without a newline."""
NO_NEWLINE_MARK = "<no newline>"
"""What zsh writes after an output that ends without a newline (its ``PROMPT_EOL_MARK``)."""
WIDTH, HEIGHT = 1000, 50
"""Wide enough that no command the steps type wraps, nor any line they print."""
HISTORY = 20000
TIMEOUT = 120.0


def missing(shell: str) -> str | None:
    """Say what this machine lacks to run ``shell`` in tmux, if anything."""
    absent = [program for program in ("tmux", shell) if shutil.which(program) is None]
    return (
        f"{' and '.join(absent)} not installed (scripts/setup installs them as root on Debian)"
        if absent
        else None
    )


@dataclass(frozen=True)
class Typed:
    """What one typed line showed, how it exited, and whether its output lacked a last newline."""

    output: str
    status: int
    ended_without_newline: bool


class Terminal:
    """One interactive shell in a tmux server named after ``name``."""

    def __init__(self, name: str, shell: str, environment: dict[str, str], cwd: Path) -> None:
        self.socket = f"kit-{name}"
        self.shell = shell
        command = {
            "bash": ["bash", "--norc", "--noprofile", "-i"],
            "zsh": ["zsh", "-f", "-i"],  # -f: no start-up files; interactive comments stay off
        }[shell]
        size = ["-x", str(WIDTH), "-y", str(HEIGHT)]
        variables = [
            f"{key}={value}"
            for key, value in {
                **environment,
                "PS1": PROMPTS[shell],
                "PROMPT_EOL_MARK": NO_NEWLINE_MARK,  # zsh's; bash takes it for any variable
            }.items()
        ]
        self._tmux("-f", "/dev/null", "start-server", ";",
                   "set-option", "-g", "history-limit", str(HISTORY), ";",
                   "new-session", "-d", *size, "-c", str(cwd),
                   "env", "-i", *variables, *command)  # fmt: skip
        try:
            self._wait_for_prompt(0)
        except BaseException:
            self.close()
            raise

    def _tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return done.stdout

    def screen(self) -> str:
        """Return everything the terminal shows and has scrolled away, wrapped lines joined."""
        return self._tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "0")

    def _wait_for_prompt(self, count: int) -> str:
        """Wait until the screen shows more than ``count`` prompts; return the screen."""

        def prompted() -> str | None:
            screen = self.screen()
            return screen if len(_PROMPT.findall(screen)) > count else None

        screen = waiting.until(prompted, timeout=TIMEOUT, interval=0.02)
        if screen is None:
            raise TimeoutError(f"{self.shell} shows no prompt after {TIMEOUT} s:\n{self.screen()}")
        return screen

    def type(self, line: str) -> Typed:
        """Type one line and Enter; return what the screen shows before the next prompt, and
        the exit status that prompt gives."""
        count = len(_PROMPT.findall(self.screen()))
        self._tmux("send-keys", "-t", "0", "-l", line)
        self._tmux("send-keys", "-t", "0", "Enter")
        screen = self._wait_for_prompt(count)
        starts = list(_PROMPT.finditer(screen))
        shown = screen[starts[count - 1].end() : starts[count].start()]
        shown = shown.split("\n", 1)[1] if "\n" in shown else ""
        marked = re.search(re.escape(NO_NEWLINE_MARK) + r" *\n$", shown)
        if self.shell == "zsh" and marked:
            shown = shown[: marked.start()]
        ended_without_newline = shown != "" and not shown.endswith("\n")
        return Typed(shown, int(starts[count][2]), ended_without_newline)

    def close(self) -> None:
        """Stop the shell and its tmux server."""
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
