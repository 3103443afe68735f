"""The kit's own sentences in Chinese, for the Chinese notebooks (``helpers.messages``).

Every sentence that a module a notebook runs raises as a kit error, or a step check gives to
``require``, must have a Chinese template. The modules are those loaded once a notebook's first
cell has imported ``helpers.steps``; the sentences are read from their source: string literals
and f-strings (each ``{...}`` a value) given straight to the raise or to ``require``. What
this cannot see: a sentence put together elsewhere and passed on in a variable (``refusal``,
``_start_failure``); those few stay English unless listed by hand.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.manager import KernelManager

from helpers import messages
from helpers.engine.image_store import CONTAINERD, PROFILES
from helpers.lesson import jupyter_kernel, translations
from helpers.lesson import notebooks as lesson
from helpers.lesson.expected import cell_outputs
from helpers.paths import PROJECT_ROOT
from helpers.steps import credential_helper
from tests.plugins.run_config import RunConfig

pytestmark = pytest.mark.one_store(CONTAINERD)  # no store changes what it shows

KINDS = {
    "KitError",
    "StepIncomplete",
    "CommandFailed",
    "EngineUnavailable",
    "RegistryError",
    "ImageError",
}
"""The kit's errors (``helpers.errors``): what ``bang`` shows as one sentence."""


def notebook_modules(run_config: RunConfig) -> list[Path]:
    """Return the source files of the kit's modules a notebook's first cell loads."""
    probe = (
        "import sys, helpers.steps.calls; print('\\n'.join(sorted(m.__file__ for n, m in "
        "sys.modules.items() if n.startswith('helpers.') and getattr(m, '__file__', None))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=PROJECT_ROOT,
        env=run_config.child(PYTHONPATH=str(PROJECT_ROOT)),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [Path(file) for file in loaded]


def _template(node: ast.expr) -> str | None:
    """Return the template of a sentence: its text, with ``{}`` for each value."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.replace("{", "{{").replace("}", "}}")
    if isinstance(node, ast.JoinedStr):
        return "".join(
            _template(part) or "" if isinstance(part, ast.Constant) else "{}"
            for part in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _template(node.left), _template(node.right)
        return left + right if left is not None and right is not None else None
    return None


def raised_sentences(path: Path) -> list[tuple[int, str]]:
    """Return the sentence templates a module raises or gives to ``require``, with lines."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        sentence = None
        if name in KINDS and node.args:
            sentence = node.args[0]
        elif name == "require" and len(node.args) > 1:
            sentence = node.args[1]
        template = _template(sentence) if sentence is not None else None
        if template is not None:
            found.append((node.lineno, template))
    return found


def test_every_sentence_a_notebook_may_show_has_a_chinese_template(
    run_config: RunConfig,
) -> None:
    have = messages.templates()
    missing = [
        f"helpers/{path.name}:{line}: {template!r}"
        for path in notebook_modules(run_config)
        for line, template in raised_sentences(path)
        if template not in have
    ]
    assert missing == [], "no Chinese for:\n" + "\n".join(missing)


def test_each_template_has_each_value_once_and_some_chinese() -> None:
    for english, chinese in messages.templates().items():
        values = messages.pattern(english).groups
        filled = chinese.format(*(f"<{index}>" for index in range(values)))
        assert all(filled.count(f"<{index}>") == 1 for index in range(values)), english
        assert any("\u4e00" <= char <= "\u9fff" for char in chinese), english


def test_a_sentence_comes_out_in_chinese_with_its_values() -> None:
    said = "The image tinybase:latest is not on this machine: run the `docker load` cells."
    chinese = messages.in_chinese(said)
    assert chinese != said
    assert "tinybase:latest" in chinese
    assert "`docker load`" in chinese
    assert messages.in_chinese("A sentence of nobody's.") == "A sentence of nobody's."


def test_the_chinese_notebooks_name_the_chinese_kernel() -> None:
    for english in lesson.notebook_paths():
        metadata = lesson.read(translations.chinese_notebook(english)).metadata
        assert metadata["kernelspec"] == jupyter_kernel.spec("zh"), english.name


BEFORE_THE_FIRST_CELL = {
    "!echo ran": (
        "Run this notebook's first cell first: until it has, `!` would run commands in your "
        "own home, on your own ~/.docker."
    ),
    'steps.check("login")': (
        "Run this notebook's first cell first: it defines `steps`, which this cell uses."
    ),
}
"""Cells run before a notebook's first cell (after a kernel restart, say), and what the kernel
says to each."""


@pytest.mark.parametrize("cell", list(BEFORE_THE_FIRST_CELL))
def test_each_kernel_says_the_kits_sentences_in_its_language(
    cell: str, run_config: RunConfig
) -> None:
    """A real kernel of each language refuses a cell run before the first one (a ``!``
    command, or a check that needs the first cell's ``steps``) in one sentence: the English
    one in English, the Chinese one in Chinese (the same sentence, through its template)."""
    english = BEFORE_THE_FIRST_CELL[cell]
    for language, wanted in (("en", english), ("zh", messages.in_chinese(english))):
        manager = KernelManager(kernel_name=jupyter_kernel.NAMES[language])
        manager.start_kernel(cwd=str(PROJECT_ROOT / "notebooks"), env=run_config.child())
        client = manager.client()
        client.start_channels()
        shown: list[str] = []

        def keep_errors(message: dict[str, Any], shown: list[str] = shown) -> None:
            if message["msg_type"] == "error":  # what the notebook shows under the cell
                shown.append(message["content"]["evalue"])

        try:
            client.wait_for_ready(timeout=60)
            reply = client.execute_interactive(cell, timeout=60, output_hook=keep_errors)
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
        assert reply["content"]["status"] == "error", language
        assert shown == [wanted], language
    assert wanted != english


def test_every_stored_verdict_has_its_sentence_in_chinese() -> None:
    """The Chinese site shows each check's verdict in Chinese under the stored English line:
    every verdict the notebooks store, on each image store, has its template."""
    untranslated = []
    for path in lesson.notebook_paths():
        for cell in lesson.read(path).cells:
            if not lesson.is_check(cell):
                continue
            for profile in PROFILES:
                printed = "".join(o.get("text", "") for o in cell_outputs(cell, profile))
                verdict = lesson.check_transcript(printed)[1].removeprefix("ok: ")
                if messages.in_chinese(verdict) == verdict:
                    untranslated.append(f"{path.name} ({profile}): {verdict}")
    assert untranslated == [], "\n".join(untranslated)


def test_a_sentence_ending_in_another_comes_out_whole_in_chinese() -> None:
    """A value that is itself one of the kit's sentences is put in Chinese too, and of two
    templates that make the same sentence the more particular one is used."""
    said = (
        "Debian's golang-docker-credential-helpers holds no docker-credential-pass: see "
        f"/tmp/x.log; {credential_helper.SKIP}"
    )
    chinese = messages.in_chinese(said)
    assert chinese.endswith(messages.in_chinese(credential_helper.SKIP))
    assert credential_helper.SKIP not in chinese
