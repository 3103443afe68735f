"""The Chinese edition of the notebooks: every markdown cell translated from the current English,
and the code cells and stored outputs the very ones of the English notebooks."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from helpers import messages
from helpers.engine import image_store
from helpers.errors import KitError
from helpers.lesson import code_comments, translations
from helpers.lesson import notebooks as lesson

pytestmark = pytest.mark.one_store(image_store.CONTAINERD)  # no store changes what it shows

ENGLISH = lesson.notebook_paths()
NAMES = [path.name for path in ENGLISH]

OTHER_WORDS = ("注册中心", "存储库", "凭证", "镜像库", "推入", "拉出")
"""Other common translations of the glossary's terms (registry 注册表, repository 仓库,
credentials 凭据, push 推送, pull 拉取): one word for each thing, throughout."""


def test_every_markdown_cell_has_a_translation_of_its_current_english():
    said = [problem for english in ENGLISH for problem in translations.problems(english)]
    assert said == []


def test_a_changed_english_cell_is_named_with_its_new_fingerprint(tmp_path: Path):
    """Change one sentence of an English cell: the edition is no longer current, and the
    message names the notebook, the cell and the fingerprint to record."""
    english = ENGLISH[2]
    notebook = lesson.read(english)
    cell = next(cell for cell in notebook.cells if cell.cell_type == "markdown")
    cell.source += "\n\nOne more sentence."
    changed = tmp_path / english.name
    changed.write_text(translations.text_of(notebook))
    said = translations.problems(changed)
    assert said == [
        f"{english.name} cell {cell.id} changed since it was translated: update its "
        f"translation, then its fingerprint to {translations.fingerprint(cell.source)}"
    ]
    with pytest.raises(KitError, match=f"cell {cell.id} changed since it was translated"):
        translations.translated(changed)


def test_a_new_english_cell_without_a_translation_is_named(tmp_path: Path):
    english = ENGLISH[0]
    notebook = lesson.read(english)
    copied = notebook.cells[1].copy()
    copied.id = "a-new-cell"
    notebook.cells.append(copied)
    changed = tmp_path / english.name
    changed.write_text(translations.text_of(notebook))
    assert translations.problems(changed) == [
        f"{english.name} cell a-new-cell has no translation in {english.stem}.yml"
    ]


@pytest.mark.parametrize("english", ENGLISH, ids=NAMES)
def test_the_chinese_notebook_is_what_the_translations_make(english: Path):
    """``notebooks/zh`` holds exactly what ``python -m helpers.lesson.translations`` writes."""
    made = translations.text_of(translations.translated(english))
    assert translations.chinese_notebook(english).read_text(encoding="utf-8") == made


@pytest.mark.parametrize("english", ENGLISH, ids=NAMES)
def test_both_editions_have_the_same_code_cells_and_outputs(english: Path):
    """One executed truth: each Chinese code cell is its English cell, commands, stored
    outputs (both image stores') and metadata alike, with its comment lines (if any) in
    Chinese; the markdown cells are in Chinese."""
    en = lesson.read(english).cells
    zh = lesson.read(translations.chinese_notebook(english)).cells
    assert [(cell.id, cell.cell_type) for cell in zh] == [(cell.id, cell.cell_type) for cell in en]
    for ours, theirs in zip(zh, en, strict=True):
        if theirs.cell_type == "code":
            commented = code_comments.line_numbers(theirs.source)
            assert code_comments.line_numbers(ours.source) == commented, ours.id
            lines = list(zip(ours.source.splitlines(), theirs.source.splitlines(), strict=True))
            for number, (mine, english_line) in enumerate(lines):
                if number in commented:
                    assert re.search(r"[\u4e00-\u9fff]", mine), f"{ours.id}: {mine}"
                else:
                    assert mine == english_line, ours.id
            assert {**ours, "source": ""} == {**theirs, "source": ""}, ours.id
        else:
            assert re.search(r"[\u4e00-\u9fff]", ours.source), f"{ours.id} has no Chinese"


def test_a_comment_translation_of_another_shape_stops_in_one_sentence() -> None:
    """A translation must give a code cell's comment lines one for one, each a comment: more
    or fewer lines, or a line that would run, stop the writer in a sentence."""
    cell = lesson.read(lesson.notebook_for("login")).cells
    commented = next(c for c in cell if c.cell_type == "code" and "#" in c.source)
    for wrong in ("# 一\n# 二", "登录之前", "!rm -rf ~"):
        with pytest.raises(KitError, match="comment line"):
            code_comments.translated(commented, wrong)


def test_the_chinese_text_uses_one_word_for_each_thing():
    """In the notebooks' translations, the site's pages and the kit's sentences alike."""
    chinese = [
        *sorted(translations.TRANSLATIONS.glob("*.yml")),
        *sorted(translations.PAGES.glob("*.md")),
        messages.CHINESE,
    ]
    for path in chinese:
        text = path.read_text(encoding="utf-8")
        assert [word for word in OTHER_WORDS if word in text] == [], path.name


def test_a_stale_edition_stops_the_writer_in_one_sentence(tmp_path: Path, monkeypatch, capsys):
    """``python -m helpers.lesson.translations`` with a translation missing: exit 1, one
    sentence."""
    folder = tmp_path / "translations"
    shutil.copytree(translations.TRANSLATIONS, folder)
    (folder / f"{ENGLISH[0].stem}.yml").unlink()
    monkeypatch.setattr(translations, "TRANSLATIONS", folder)
    monkeypatch.setattr(translations, "FOLDER", tmp_path)
    assert translations.main() == 1
    said = capsys.readouterr().err
    assert said.startswith("helpers.lesson.translations: The Chinese edition is not current: ")
    assert "Traceback" not in said


def test_every_english_page_has_a_translation_of_its_current_english():
    assert translations.page_problems() == []


def test_a_changed_english_page_is_named_with_its_new_fingerprint(tmp_path: Path):
    english = tmp_path / "docs"
    shutil.copytree(translations.DOCS, english, ignore=shutil.ignore_patterns("zh", "_*"))
    page = english / "troubleshooting.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    wanted = translations.fingerprint(page.read_text(encoding="utf-8"))
    assert translations.page_problems(english, translations.PAGES) == [
        "docs/troubleshooting.md changed since docs/zh/troubleshooting.md translated it: update "
        f"the translation, then its fingerprint to {wanted}"
    ]


def test_a_chinese_page_without_an_english_one_must_say_it_is_the_editions_own(tmp_path: Path):
    pages = tmp_path / "zh"
    shutil.copytree(translations.PAGES, pages, ignore=shutil.ignore_patterns("notebooks"))
    (pages / "extra.md").write_text("# 多出来的一页\n", encoding="utf-8")
    assert translations.page_problems(translations.DOCS, pages) == [
        "docs/zh/extra.md translates no English page: give it `edition_only: true` if it is "
        "the Chinese edition's own"
    ]
