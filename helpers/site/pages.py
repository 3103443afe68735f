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

import html
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown.extensions.toc import slugify

from helpers.engine import image_store
from helpers.errors import KitError
from helpers.lesson import expected, messages, translations
from helpers.lesson import notebooks as lesson
from helpers.paths import NOTEBOOKS, PROJECT_ROOT
from helpers.site.words import WORDS, Words

SECTION = "notebooks"
"""The project folder the notebooks live in; also their site folder."""

TAB_ORDER = (image_store.CONTAINERD, image_store.CLASSIC)
"""Most learners in 2026 run an engine with the containerd image store: their tab comes first."""

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
    tabs = _TabNumbers()
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            if cell.id not in english:
                raise KitError(f"{path}: cell {cell.id} is not in {source.name}: {REMAKE}")
            text = _SIBLING_LINK.sub(r"](\1.md\2)", cell.source)
            text = edition.docs_link.sub(r"](../\1\2)", text)
            parts.append(_with_english_anchors(text, english[cell.id].source))
        elif lesson.is_setup(cell):
            continue
        elif lesson.is_check(cell):
            parts.append(_check(cell, tabs, edition.words))
        elif lesson.commands(cell):
            parts.append(_commands(cell, tabs, edition.words))
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


class _TabNumbers:
    """Number content-tab sets as pymdownx.tabbed does (``__tabbed_<set>_<tab>``), from 900,
    clear of any set a page's own Markdown makes; Material's script needs the numbering."""

    def __init__(self) -> None:
        self.next = 900

    def take(self) -> int:
        self.next += 1
        return self.next - 1


def _commands(cell: Any, tabs: _TabNumbers, words: Words) -> str:
    blocks = []
    if lesson.fails_on_purpose(cell):
        blocks.append(f'<p class="kit-fails">{words.fails_on_purpose}</p>')
    blocks += [_command_block(command) for command in lesson.commands(cell)]
    by_profile = {p: _text(expected.cell_outputs(cell, p)) for p in TAB_ORDER}
    blocks.append(_output(by_profile, tabs, words))
    return "\n\n".join(block for block in blocks if block)


def _check(cell: Any, tabs: _TabNumbers, words: Words) -> str:
    """Show a check as a terminal would: each command it ran, what that printed, and then
    the check's verdict (per image store where the printed values differ)."""
    runs = {p: lesson.check_transcript(_text(expected.cell_outputs(cell, p))) for p in TAB_ORDER}
    commands = [[typed.command for typed in runs[p][0]] for p in TAB_ORDER]
    if commands[0] != commands[1]:
        raise KitError(f"The check {cell.source!r} ran other commands on the two stores.")
    blocks = [f'<div class="kit-check"><p class="kit-check-title">{words.check_title}</p>']
    for index, command in enumerate(commands[0]):
        blocks.append(_command_block(command))
        blocks.append(_output({p: runs[p][0][index].output for p in TAB_ORDER}, tabs, words))
    verdicts = {p: runs[p][1] for p in TAB_ORDER}
    blocks.append(_output(verdicts, tabs, words, css="kit-verdict"))
    if words.verdict is not None:
        blocks.append(_verdict_in_words(verdicts, words.verdict, words))
    blocks.append("</div>")
    return "".join(blocks)  # one line: a raw HTML block that Markdown leaves alone


VERDICT = "ok: "
"""How a check's verdict line begins (``steps.check``)."""


def _verdict_in_words(verdicts: dict[str, str], template: str, words: Words) -> str:
    """Return a check's verdict in the page's language, under the stored English one: one line,
    or one per image store, labelled, where the stores' verdicts differ (a digest, say)."""
    differ = len(set(verdicts.values())) > 1
    lines = []
    for profile in TAB_ORDER if differ else TAB_ORDER[:1]:
        sentence = messages.in_chinese(verdicts[profile].strip().removeprefix(VERDICT))
        label = f"（{words.who_sees[profile]}）" if differ else ""
        said = html.escape(template.format(sentence) + label, quote=False)
        lines.append(f'<p class="kit-verdict-words">{said}</p>')
    return "".join(lines)


def _text(outputs: list[Any]) -> str:
    return "".join(output.get("text", "") for output in outputs)


def _escaped(text: str) -> str:
    """Escape text for a raw HTML block that Markdown must leave as it is."""
    return html.escape(text, quote=False).replace("\t", "&#9;").replace("\n", "&#10;")


def _command_block(command: str) -> str:
    return f'<div class="highlight kit-command"><pre><code>{_escaped(command)}</code></pre></div>'


def _pre(text: str, css: str) -> str:
    return f'<pre class="{css} no-copy"><code>{_escaped(text)}</code></pre>'


def _output(
    by_profile: dict[str, str], tabs: _TabNumbers, words: Words, css: str = "kit-output"
) -> str:
    """Return one output block, or content tabs when the image stores printed different
    things (nothing when neither printed anything)."""
    texts = [by_profile[p] for p in TAB_ORDER]
    if not any(texts):
        return ""
    if texts[0] == texts[1]:
        return f'<div class="kit-outputs">{_pre(texts[0], css)}</div>'
    name = f"__tabbed_{tabs.take()}"
    inputs = "".join(
        f'<input {"checked " if i == 1 else ""}id="{name}_{i}" name="{name}" type="radio">'
        for i in range(1, len(TAB_ORDER) + 1)
    )
    labels = "".join(
        f'<label for="{name}_{i}">{words.who_sees[p]}</label>'
        for i, p in enumerate(TAB_ORDER, start=1)
    )
    blocks = "".join(
        f'<div class="tabbed-block" data-profile="{p}">{_pre(by_profile[p], css)}</div>'
        for p in TAB_ORDER
    )
    return (
        f'<div class="tabbed-set tabbed-alternate kit-outputs kit-profiles" '
        f'data-tabs="{name.rsplit("_", 1)[1]}:2">{inputs}<div class="tabbed-labels">{labels}'
        f'</div><div class="tabbed-content">{blocks}</div></div>'
    )


def main() -> int:
    """Write the pages of both editions; say how many, or what is wrong in one sentence."""
    try:
        for edition in EDITIONS.values():
            pages = write_pages(edition=edition)
            print(f"Wrote {len(pages)} step pages into {edition.docs / SECTION}/.")
    except KitError as error:
        print(f"site pages: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
