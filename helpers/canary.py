"""The maintainers' canary: what does the newest Docker that Debian has print now?

``python -m helpers.canary`` (or ``scripts/canary``) fetches the newest docker.io from Debian
testing, starts it as a private engine once per image store, runs every notebook on it, and
prints, per cell, a diff of what it printed against the outputs stored for that profile (after
the port and CLI-wording rules every run applies). The same nbval run (``helpers.notebook_run``,
with the masks for another version of that store) says whether the check passes. It never
fails: a diff is news for the maintainers, not a broken kit. Linux, as root.
"""

from __future__ import annotations

import configparser
import difflib
import os
import re
import sys
from pathlib import Path
from typing import Any

from helpers import debian_engine, expected, image_store, lesson, notebook_run, private_engine
from helpers.errors import KitError

SESSION = "canary"


def substitutions(path: Path) -> list[tuple[re.Pattern[str], str]]:
    """Read an nbval sanitize file: each section's ``regex`` and its ``replace``."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path)
    return [(re.compile(parser[s]["regex"]), parser[s]["replace"]) for s in parser.sections()]


def sanitized(text: str, rules: list[tuple[re.Pattern[str], str]]) -> str:
    """Apply sanitize rules to a text, as nbval does to both sides before comparing."""
    for pattern, replacement in rules:
        text = pattern.sub(replacement, text)
    return text


def _text(outputs: list[Any]) -> str:
    return "".join(output.get("text", "") for output in outputs)


def diff_profile(host: str, profile: str) -> tuple[int, str]:
    """Run nbval on every notebook on the engine, with the masks for another version of that
    store, and print how each cell's outputs differ from the stored ones; return the number
    of cells that differ, and what nbval said last."""
    rules = substitutions(expected.SANITIZE / "common.cfg")
    env = {**os.environ, "DOCKER_HOST": host, "KIT_SESSION": SESSION}
    paths = sorted(expected.NOTEBOOKS.glob("*.ipynb"))
    ran = notebook_run.run(paths, env, compare=True)
    differing = 0
    for path in paths:
        code = [cell for cell in lesson.read(path).cells if cell.cell_type == "code"]
        printed_by_cell = ran.cells(path, len(code))
        for number, (cell, printed) in enumerate(zip(code, printed_by_cell, strict=True)):
            before = sanitized(_text(expected.cell_outputs(cell, profile)), rules)
            after = sanitized(_text(printed), rules)
            if before != after:
                differing += 1
                name = f"{path.name} Cell {number}"
                lines = difflib.unified_diff(
                    before.splitlines(keepends=True),
                    after.splitlines(keepends=True),
                    f"{name} (stored, {profile})",
                    f"{name} (newest Docker)",
                )
                sys.stdout.writelines(lines)
    failed = [line for line in ran.said.splitlines() if line.startswith("FAILED")]
    last = ran.said.splitlines()[-1] if ran.said else "nbval printed nothing"
    return differing, "\n".join([*failed, last])


def _say(line: str) -> None:
    print(f"canary: {line}...", flush=True)


def main() -> int:
    """Run the canary on both image stores of the newest docker.io Debian has."""
    try:
        newest = debian_engine.NEWEST_SUITE
        binaries = debian_engine.unpacked(newest, refresh=True, progress=_say)
    except KitError as error:
        print(f"canary: {error}", file=sys.stderr)
        return 0
    print(f"canary: Docker {binaries.version()} from Debian {debian_engine.NEWEST_SUITE}")
    for profile in image_store.PROFILES:
        engine = private_engine.PrivateEngine(f"{SESSION}-{profile}", profile, binaries)
        try:
            host = engine.start()
            print(f"\n== {profile} image store: outputs against the stored ones ==")
            count, verdict = diff_profile(host, profile)
            print(f"{count} cell(s) differ" if count else "no cell differs")
            print(f"== {profile} image store: nbval with this version's masks ==")
            print(verdict)
        except KitError as error:
            print(f"canary ({profile} image store): {error}", file=sys.stderr)
        finally:
            engine.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
