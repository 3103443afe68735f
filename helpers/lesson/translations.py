"""The Chinese edition of the step notebooks: the English ones, with each markdown cell and each
code cell's comment lines translated.

Code cells and their stored outputs exist once, in the English notebooks, where they are
recorded (``scripts/regenerate``) and verified. A Chinese notebook, ``notebooks/zh/NN-name.ipynb``,
is made from its English one and ``notebooks/zh/translations/NN-name.yml``: one entry per
markdown cell, and per code cell with comment lines (``# Before logging in``), by cell id,
holding the Chinese text (of a code cell: its comment lines alone, in order, so that its
commands stay the English cell's, byte for byte) and the fingerprint of the English text it
translates. When an English cell changes, its fingerprint no longer matches, and making the
Chinese notebook fails with the cell named, so no translation falls behind unnoticed.

The site's pages are translated whole: ``docs/zh/PAGE.md`` begins with front matter naming the
fingerprint of the ``docs/PAGE.md`` it translates (``english: ...``), and ``page_problems``
names a page whose English changed since. A page of the Chinese edition only (the glossary,
the registries used in mainland China) says ``edition_only: true`` instead.

``python -m helpers.lesson.translations`` checks the pages and writes every Chinese notebook
(``scripts/regenerate`` runs it after recording); the tests check that the notebooks in
``notebooks/zh`` are what it writes. To change a sentence in both languages, see the
maintainers' page.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import yaml

from helpers.errors import KitError
from helpers.lesson import code_comments, jupyter_kernel
from helpers.lesson import notebooks as lesson
from helpers.paths import NOTEBOOKS

LANGUAGE = "zh"
FOLDER = NOTEBOOKS / LANGUAGE
TRANSLATIONS = FOLDER / "translations"
DOCS = NOTEBOOKS.parent / "docs"
PAGES = DOCS / LANGUAGE
"""The Chinese edition's pages (the site's ``docs_dir`` in ``mkdocs.zh.yml``)."""
PROJECT_LINK = "](../docs/"
"""How an English notebook links to a page of ``docs/``; a Chinese one links to the Chinese
page, from a folder deeper (``](../../docs/zh/``)."""


def fingerprint(english: str) -> str:
    """Return what a translation records of the English text it translates."""
    return hashlib.sha256(english.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Translation:
    """One markdown cell in Chinese, and the fingerprint of the English it translates."""

    english: str
    text: str


def translations_file(english: Path) -> Path:
    """Return the file holding the translations of an English notebook's markdown cells."""
    return TRANSLATIONS / f"{english.stem}.yml"


def chinese_notebook(english: Path) -> Path:
    """Return where the Chinese edition of an English notebook lives."""
    return FOLDER / english.name


def load(english: Path) -> dict[str, Translation]:
    """Return the translations of an English notebook's cells, by cell id."""
    path = translations_file(english)
    data: dict[str, dict[str, str]] = yaml.safe_load(path.read_text()) if path.exists() else {}
    return {key: Translation(str(v["english"]), str(v["zh"])) for key, v in (data or {}).items()}


def problems(english: Path) -> list[str]:
    """Say, cell by cell, what keeps an English notebook's translation from being complete
    and current: a markdown cell with no translation, one translated from older English, a
    translation of a cell that is gone."""
    return _problems(english, lesson.read(english), load(english))


def _problems(english: Path, notebook: Any, found: dict[str, Translation]) -> list[str]:
    said = []
    covered = {  # markdown, and code with comment lines
        cell.id: cell
        for cell in notebook.cells
        if cell.cell_type == "markdown" or code_comments.line_numbers(cell.source)
    }
    for cell_id, cell in covered.items():
        where = f"{english.name} cell {cell_id}"
        if cell_id not in found:
            said.append(f"{where} has no translation in {translations_file(english).name}")
        elif found[cell_id].english != fingerprint(cell.source):
            said.append(
                f"{where} changed since it was translated: update its translation, then its "
                f"fingerprint to {fingerprint(cell.source)}"
            )
    said.extend(
        f"{translations_file(english).name} translates {cell_id}, which {english.name} no "
        "longer has"
        for cell_id in found
        if cell_id not in covered
    )
    return said


def translated(english: Path) -> Any:
    """Return the Chinese edition of an English notebook; raise naming every cell whose
    translation is missing or out of date."""
    notebook = lesson.read(english)
    found = load(english)
    said = _problems(english, notebook, found)
    if said:
        raise KitError("The Chinese edition is not current: " + "; ".join(said) + ".")
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            text = found[cell.id].text.rstrip("\n")
            cell.source = text.replace(PROJECT_LINK, f"](../../docs/{LANGUAGE}/")
        elif cell.id in found:
            cell.source = code_comments.translated(cell, found[cell.id].text)
    notebook.metadata.setdefault(lesson.KEY, {})["language"] = LANGUAGE
    notebook.metadata["kernelspec"] = jupyter_kernel.spec(LANGUAGE)  # speaks Chinese on errors
    return notebook


def front_matter(page: Path) -> dict[str, Any]:
    """Return a page's front matter (empty if it has none)."""
    text = page.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}
    found = yaml.safe_load(text.split("---\n", 2)[1])
    return dict(found or {})


def page_problems(english_pages: Path = DOCS, pages: Path = PAGES) -> list[str]:
    """Say, page by page, which English page has no Chinese one, or one of older English,
    and which Chinese page translates no page or says nothing of where it comes from."""
    said = []
    for english in sorted(english_pages.glob("*.md")):
        page = pages / english.name
        wanted = fingerprint(english.read_text(encoding="utf-8"))
        if not page.exists():
            said.append(f"docs/{english.name} has no translation in docs/{LANGUAGE}/")
        elif str(front_matter(page).get("english")) != wanted:
            said.append(
                f"docs/{english.name} changed since docs/{LANGUAGE}/{english.name} translated "
                f"it: update the translation, then its fingerprint to {wanted}"
            )
    for page in sorted(pages.glob("*.md")):
        meta = front_matter(page)
        if not (english_pages / page.name).exists() and not meta.get("edition_only"):
            said.append(
                f"docs/{LANGUAGE}/{page.name} translates no English page: give it "
                "`edition_only: true` if it is the Chinese edition's own"
            )
    return said


def text_of(notebook: Any) -> str:
    """Return a notebook as ``nbformat`` writes it."""
    return str(nbformat.writes(notebook)) + "\n"  # type: ignore[no-untyped-call]


def write_all() -> list[Path]:
    """Write the Chinese edition of every step notebook; return the files written."""
    FOLDER.mkdir(exist_ok=True)
    written = []
    for english in lesson.notebook_paths():
        target = chinese_notebook(english)
        target.write_text(text_of(translated(english)), encoding="utf-8")
        written.append(target)
    return written


def main() -> int:
    """Check the Chinese pages and write the Chinese notebooks, or say in one sentence what
    keeps the edition from being current."""
    try:
        said = page_problems()
        if said:
            raise KitError("The Chinese edition is not current: " + "; ".join(said) + ".")
        written = write_all()
    except KitError as error:
        print(f"helpers.lesson.translations: {error}", file=sys.stderr)
        return 1
    print(f"The Chinese pages are current; wrote {len(written)} Chinese notebooks in {FOLDER}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
