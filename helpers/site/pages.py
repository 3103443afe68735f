"""Make each step notebook a page of the site, as Markdown: the site's build step.

The notebooks live in ``notebooks/``, where JupyterLab, nbval and ``scripts/regenerate`` use
them. ``python -m helpers.site.pages`` (which ``scripts/site`` runs before building) writes
each ``notebooks/NN-name.ipynb`` as the page ``docs/notebooks/NN-name.md``, with the notebook
beside it for download; that folder is made, never edited (git ignores it). Being plain
Markdown files, the pages build with MkDocs and with Zensical alike. A page is what a reader at
a terminal needs:

- markdown cells as they are, with links between notebooks pointed at their pages and links to
  ``../docs/PAGE.md`` (which JupyterLab opens) pointed at the site's page;
- each ``!command`` as a command block without IPython's ``!``. The ``$`` prompt is drawn by
  CSS, so the copy button copies the command alone, ready to paste into bash or zsh;
- a cell that fails on purpose (``helpers.lesson.notebooks``) under a visible label;
- each stored output as an output block; where the containerd image store prints something
  else than the classic store (``helpers.lesson.expected``), as two content tabs, one per store;
- a step check as the commands it ran and what they printed, then its verdict;
- no set-up cell.

Output blocks are raw HTML with every newline and tab written as a character reference, so
that Markdown keeps the output byte for byte (it would expand tabs and split blocks at blank
lines). The site loads nothing from the network.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from markdown.extensions.toc import slugify

from helpers.errors import KitError
from helpers.lesson import notebooks as lesson
from helpers.lesson import notes, translations
from helpers.paths import NOTEBOOKS, PROJECT_ROOT
from helpers.site import blocks, docker_only, downloads
from helpers.site.words import WORDS, Words

SECTION = "notebooks"
"""The project folder the notebooks live in; also their site folder."""

_SIBLING_LINK = re.compile(r"\]\((?:\./)?(\d\d-[\w.-]+)\.ipynb(#[^)]*)?\)")
_HEADING = re.compile(r"^(#{1,6}) (.+?)[ \t]*$", re.MULTILINE)
_FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Edition:
    """One language of the site: where its notebooks are, where their pages go, its labels."""

    language: str
    notebooks: Path
    """Relative to the project: ``notebooks`` or ``notebooks/zh``."""
    docs: Path
    """The edition's ``docs_dir``, relative to the project: ``docs`` or ``docs/zh``."""
    docs_link: re.Pattern[str]
    """How the edition's notebooks link to a page of ``docs/``."""

    @property
    def words(self) -> Words:
        return WORDS[self.language]


EDITIONS = {
    "en": Edition(
        "en", Path(SECTION), Path("docs"), re.compile(r"\]\(\.\./docs/([\w.-]+\.md)(#[^)]*)?\)")
    ),
    "zh": Edition(
        "zh",
        Path(SECTION) / translations.LANGUAGE,
        Path("docs") / translations.LANGUAGE,
        re.compile(r"\]\(\.\./\.\./docs/zh/([\w.-]+\.md)(#[^)]*)?\)"),
    ),
}
"""The site's editions: the English one at the root, the Chinese one under ``zh/``."""


def write_pages(root: Path = PROJECT_ROOT, edition: Edition = EDITIONS["en"]) -> list[Path]:
    """Write the page of every step notebook of an edition, and the notebook beside it, into
    its ``notebooks/`` pages folder; remove pages whose notebook is gone. Return the pages."""
    source = root / edition.notebooks
    found = sorted(source.glob("*.ipynb"))
    if not found:
        raise KitError(f"No notebooks in {edition.notebooks}/: the site has no steps to show.")
    folder = root / edition.docs / SECTION
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.iterdir():
        if stale.is_file() and not (source / f"{stale.stem}.ipynb").exists():
            stale.unlink()
    pages = []
    for path in found:
        page = folder / f"{path.stem}.md"
        page.write_text(page_markdown(path, edition), encoding="utf-8")
        (folder / path.name).write_bytes(path.read_bytes())
        pages.append(page)
    return pages


REMAKE = "run python -m helpers.lesson.translations to make the Chinese notebooks again."


def page_markdown(path: Path, edition: Edition = EDITIONS["en"]) -> str:
    """Return the Markdown page of one step notebook."""
    notebook = lesson.read(path)
    source = NOTEBOOKS / path.name
    if not source.exists():
        raise KitError(
            f"{path} has no English notebook {source.name}: run python -m "
            "helpers.lesson.translations."
        )
    same = source.resolve() == path.resolve()  # the English edition: read once
    english = {cell.id: cell for cell in (notebook if same else lesson.read(source)).cells}
    parts = [f"---\nnotebook: {path.name}\n---\n"]
    tabs = blocks.TabNumbers()
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and lesson.is_jupyter_only(cell):
            continue  # like the set-up cell it is about
        if cell.cell_type == "markdown":
            if cell.id not in english:
                raise KitError(f"{path}: cell {cell.id} is not in {source.name}: {REMAKE}")
            text = notes.as_admonitions(_SIBLING_LINK.sub(r"](\1.md\2)", cell.source))
            text = edition.docs_link.sub(r"](../\1\2)", text)
            parts.append(_with_english_anchors(text, english[cell.id].source))
        elif lesson.is_setup(cell):
            continue
        elif lesson.is_check(cell):
            parts.append(blocks.check_cell(cell, tabs, edition.words))
        elif lesson.commands(cell):
            parts.append(blocks.command_cell(cell, tabs, edition.words))
        else:
            raise KitError(f"{path.name}: a code cell the site cannot show: {cell.source!r}")
    return "\n\n".join(parts) + "\n"


def _headings(markdown: str) -> list[re.Match[str]]:
    spans = [fence.span() for fence in _FENCE.finditer(markdown)]
    return [
        found
        for found in _HEADING.finditer(markdown)
        if not any(start <= found.start() < end for start, end in spans)
    ]


def _with_english_anchors(markdown: str, english: str) -> str:
    """Give a translated cell's headings the anchors the English headings get, so that a link
    to ``04-push.md#5-look-at-...`` finds its place in both editions (the English cell is
    returned as it is: its anchors are made from its own words)."""
    if markdown == english:
        return markdown
    ids = [slugify(found.group(2), "-") for found in _headings(english)]
    ours = _headings(markdown)
    if len(ids) != len(ours):
        raise KitError(f"A translated cell has {len(ours)} headings, its English {len(ids)}.")
    for found, anchor in reversed(list(zip(ours, ids, strict=True))):
        markdown = markdown[: found.end()] + f" {{#{anchor}}}" + markdown[found.end() :]
    return markdown


def main() -> int:
    """Write the pages and the downloads of both editions; say how many pages, or what is
    wrong in one sentence."""
    try:
        for edition in EDITIONS.values():
            pages = write_pages(edition=edition)
            print(f"Wrote {len(pages)} step pages into {edition.docs / SECTION}/.")
            downloads.write(PROJECT_ROOT / edition.docs)
        docker_only.write_snippets(PROJECT_ROOT / "docs" / "_snippets")
    except KitError as error:
        print(f"site pages: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
