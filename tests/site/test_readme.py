"""The README's promises name tests that exist, so a renamed or removed test cannot leave a
promise that nothing holds."""

from __future__ import annotations

import os
import re
import shlex

from helpers import cli
from helpers.paths import PROJECT_ROOT


def test_every_test_the_readme_names_exists() -> None:
    """Each `test_...` the README cites is defined under tests/, and so is each test file."""
    readme = (PROJECT_ROOT / "README.md").read_text()
    cited = set(re.findall(r"`(test_[a-z0-9_]+)`", readme))
    files = set(re.findall(r"`(tests/[\w/]+\.py)`", readme))
    sources = "\n".join(path.read_text() for path in (PROJECT_ROOT / "tests").rglob("*.py"))
    defined = set(re.findall(r"^def (test_\w+)\(", sources, flags=re.MULTILINE))
    assert len(cited) >= 20, "the promises name their tests"
    assert cited - defined == set()
    assert [f for f in files if not (PROJECT_ROOT / f).exists()] == []


CHINESE_README = PROJECT_ROOT / "README.zh.md"
FENCE = re.compile(r"^ *```bash\n(.*?)^ *```$", re.MULTILINE | re.DOTALL)


def _commands(text: str) -> list[list[str]]:
    """Return the words of each command in a page's bash blocks, without comments and without
    the variables set in front of a command."""
    commands = []
    for block in FENCE.findall(text):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
                words.pop(0)
            if words:
                commands.append(words)
    return commands


def test_the_chinese_readme_starts_a_reader_with_commands_that_exist() -> None:
    """A reader who knows only Chinese gets the kit going from ``README.zh.md``: the two
    READMEs link each other, and every command it gives is a script of the kit, a verb of
    ``python -m helpers``, or Python's own web server; and the notebooks and pages it names
    exist."""
    chinese = CHINESE_README.read_text(encoding="utf-8")
    assert "](README.zh.md)" in (PROJECT_ROOT / "README.md").read_text()
    assert "](README.md)" in chinese
    commands = _commands(chinese)
    assert len(commands) >= 5, commands
    for words in commands:
        if words[0].startswith("scripts/"):
            assert os.access(PROJECT_ROOT / words[0], os.X_OK), words
        elif words[:3] == [".venv/bin/python", "-m", "helpers"]:
            assert words[3] in cli.VERBS, words
        else:
            assert words[:3] == ["python3", "-m", "http.server"], words
    named = re.findall(r"`((?:notebooks|docs)/[\w./-]+)`", chinese)
    assert named and [n for n in named if not (PROJECT_ROOT / n).exists()] == [], named
