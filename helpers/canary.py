"""The maintainers' canary: what does the newest Docker that Debian has print now?

``python -m helpers.canary`` (or ``scripts/canary``) fetches the newest docker.io from Debian
testing, starts it as a private engine once per image store, runs every notebook on it, and
prints, per cell, a diff of what it printed against the outputs stored for that profile (after
the port and CLI-wording rules every run applies). Then it runs nbval as the test command does,
with the masks for another version of that store, and says whether that passes. It never
fails: a diff is news for the maintainers, not a broken kit. Linux, as root.
"""

from __future__ import annotations

import configparser
import difflib
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat

from helpers import debian_engine, expected, image_store, private_engine
from helpers.errors import KitError
from helpers.paths import PROJECT_ROOT
from helpers.regenerate import execute

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


def diff_profile(host: str, profile: str) -> int:
    """Run every notebook on the engine and print how its outputs differ from the stored
    ones; return the number of cells that differ."""
    rules = substitutions(expected.SANITIZE / "common.cfg")
    env = {**os.environ, "DOCKER_HOST": host, "KIT_SESSION": SESSION}
    differing = 0
    for path in sorted(expected.NOTEBOOKS.glob("*.ipynb")):
        ran = execute(path, env)
        stored = nbformat.read(path, as_version=4)
        pairs = zip(stored.cells, ran.cells, strict=True)
        code = [(cell, fresh) for cell, fresh in pairs if cell.cell_type == "code"]
        for number, (cell, fresh) in enumerate(code):
            before = sanitized(_text(expected.cell_outputs(cell, profile)), rules)
            after = sanitized(_text(fresh.outputs), rules)
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
    return differing


def nbval_verdict(host: str) -> str:
    """Run nbval on the notebooks as the test command does; return its last line."""
    done = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q"),
            *("--nbval", "--nbval-current-env", str(expected.NOTEBOOKS)),
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DOCKER_HOST": host, "KIT_SESSION": SESSION},
        capture_output=True,
        text=True,
    )
    lines = done.stdout.strip().splitlines()
    failed = [line for line in lines if line.startswith("FAILED")]
    return "\n".join([*failed, lines[-1] if lines else "nbval printed nothing"])


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
            count = diff_profile(host, profile)
            print(f"{count} cell(s) differ" if count else "no cell differs")
            print(f"== {profile} image store: nbval with this version's masks ==")
            print(nbval_verdict(host))
        except KitError as error:
            print(f"canary ({profile} image store): {error}", file=sys.stderr)
        finally:
            engine.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
