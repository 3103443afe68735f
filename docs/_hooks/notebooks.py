"""Make each step notebook a page of the site, as Markdown, without moving or copying it.

The notebooks live in ``notebooks/`` beside ``mkdocs.yml``, where JupyterLab, nbval and
``scripts/regenerate`` use them. This hook turns each ``notebooks/NN-name.ipynb`` into the page
``notebooks/NN-name.md`` (generated in memory) and adds the notebook itself beside it, for
download. The page is what a reader at a terminal needs:

- markdown cells as they are, with links between notebooks pointed at their pages and links to
  ``../docs/PAGE.md`` (which JupyterLab opens) pointed at the site's page;
- each ``!command`` as a command block without IPython's ``!``. The ``$`` prompt is drawn by
  CSS, so the copy button copies the command alone, ready to paste into bash or zsh;
- a cell that fails on purpose (``helpers.lesson``) under a visible label;
- each stored output as an output block; where the containerd image store prints something
  else than the classic store (``helpers.expected``), as two content tabs, one per store;
- a step check as the commands it ran and what they printed, then its verdict;
- no set-up cell.

Output blocks are raw HTML with every newline and tab written as a character reference, so
that Markdown keeps the output byte for byte (it would expand tabs and split blocks at blank
lines). The site loads nothing from the network.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import nbformat
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from helpers import expected, image_store, lesson

SECTION = "notebooks"
"""The project folder the notebooks live in; also their site folder."""

TAB_ORDER = (image_store.CONTAINERD, image_store.CLASSIC)
"""Most learners in 2026 run an engine with the containerd image store: their tab comes first."""

_SIBLING_LINK = re.compile(r"\]\((?:\./)?(\d\d-[\w.-]+)\.ipynb(#[^)]*)?\)")
_DOCS_LINK = re.compile(r"\]\(\.\./docs/([\w.-]+\.md)(#[^)]*)?\)")


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add a generated page, and the notebook for download, for every step notebook."""
    root = Path(config.config_file_path).absolute().parent
    found = sorted((root / SECTION).glob("*.ipynb"))
    if not found:
        raise PluginError(f"No notebooks in {SECTION}/ next to mkdocs.yml: nothing to render.")
    for path in found:
        page_uri = f"{SECTION}/{path.stem}.md"
        for uri in (page_uri, f"{SECTION}/{path.name}"):
            if files.get_file_from_path(uri) is not None:
                raise PluginError(f"docs/{uri} would hide {SECTION}/{path.name}: remove it.")
        files.append(File.generated(config, page_uri, content=page_markdown(path)))
        files.append(File(f"{SECTION}/{path.name}", str(root), config.site_dir, False))
    return files


def page_markdown(path: Path) -> str:
    """Return the Markdown page of one step notebook."""
    notebook = nbformat.read(path, as_version=4)
    parts = [f"---\nnotebook: {path.name}\n---\n"]
    tabs = _TabNumbers()
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            text = _SIBLING_LINK.sub(r"](\1.md\2)", cell.source)
            parts.append(_DOCS_LINK.sub(r"](../\1\2)", text))
        elif lesson.is_setup(cell):
            continue
        elif lesson.is_check(cell):
            parts.append(_check(cell, tabs))
        elif lesson.commands(cell):
            parts.append(_commands(cell, tabs))
        else:
            raise PluginError(f"{path.name}: a code cell the site cannot show: {cell.source!r}")
    return "\n\n".join(parts) + "\n"


class _TabNumbers:
    """Number content-tab sets as pymdownx.tabbed does (``__tabbed_<set>_<tab>``), from 900,
    clear of any set a page's own Markdown makes; Material's script needs the numbering."""

    def __init__(self) -> None:
        self.next = 900

    def take(self) -> int:
        self.next += 1
        return self.next - 1


def _commands(cell: Any, tabs: _TabNumbers) -> str:
    blocks = []
    if lesson.fails_on_purpose(cell):
        blocks.append('<p class="kit-fails">fails on purpose</p>')
    blocks += [_command_block(command) for command in lesson.commands(cell)]
    by_profile = {p: _text(expected.cell_outputs(cell, p)) for p in TAB_ORDER}
    blocks.append(_output(by_profile, tabs))
    return "\n\n".join(block for block in blocks if block)


def _check(cell: Any, tabs: _TabNumbers) -> str:
    """Show a check as a terminal would: each command it ran, what that printed, and then
    the check's verdict (per image store where the printed values differ)."""
    runs = {p: lesson.check_transcript(_text(expected.cell_outputs(cell, p))) for p in TAB_ORDER}
    commands = [[typed.command for typed in runs[p][0]] for p in TAB_ORDER]
    if commands[0] != commands[1]:
        raise PluginError(f"The check {cell.source!r} ran other commands on the two stores.")
    blocks = ['<div class="kit-check"><p class="kit-check-title">What the check looks at</p>']
    for index, command in enumerate(commands[0]):
        blocks.append(_command_block(command))
        blocks.append(_output({p: runs[p][0][index].output for p in TAB_ORDER}, tabs))
    verdicts = {p: runs[p][1] for p in TAB_ORDER}
    blocks.append(_output(verdicts, tabs, css="kit-verdict"))
    blocks.append("</div>")
    return "".join(blocks)  # one line: a raw HTML block that Markdown leaves alone


def _text(outputs: list[Any]) -> str:
    return "".join(output.get("text", "") for output in outputs)


def _escaped(text: str) -> str:
    """Escape text for a raw HTML block that Markdown must leave as it is."""
    return html.escape(text, quote=False).replace("\t", "&#9;").replace("\n", "&#10;")


def _command_block(command: str) -> str:
    return f'<div class="highlight kit-command"><pre><code>{_escaped(command)}</code></pre></div>'


def _pre(text: str, css: str) -> str:
    return f'<pre class="{css} no-copy"><code>{_escaped(text)}</code></pre>'


def _output(by_profile: dict[str, str], tabs: _TabNumbers, css: str = "kit-output") -> str:
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
        f'<label for="{name}_{i}">{image_store.PROFILES[p].who_sees_it}</label>'
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
