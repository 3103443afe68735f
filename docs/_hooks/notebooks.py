"""Put the step notebooks on the site without moving or copying them.

The notebooks live in ``notebooks/`` beside ``mkdocs.yml``, where JupyterLab, nbval and
``scripts/regenerate`` use them. This hook adds each ``notebooks/*.ipynb`` to the site's files
under the same path before mkdocs-jupyter looks at the files, so the plugin renders them as if
they were kept in ``docs/``. A hook rather than a ``docs/notebooks`` symlink: it works the same
on every checkout (Git on Windows may write a symlink as a plain file), and it stops the build
with a sentence when there are no notebooks or a file in ``docs/`` would hide one.

In each rendered step page it then fixes what nbconvert renders differently from the site:

- links between notebooks (``[next step](04-push.ipynb)``), written for JupyterLab, are pointed
  at the rendered page of that step;
- admonitions (``!!! warning "Title"`` and an indented body), which JupyterLab shows as plain
  text, become the same boxes as on the Markdown pages;
- the table of contents is rebuilt from the rendered headings: mkdocs-jupyter drops inline
  code from the headings it lists, so "Push `latest`" became "Push" with an anchor that does
  not exist on the page;
- where the containerd image store prints something else than the classic store (the
  outputs a cell's metadata holds for that profile, see ``helpers.expected``), the output
  becomes two content tabs, one per store, labelled by who sees which;
- the MathJax and Mermaid loaders are dropped: no step has formulas or diagrams, MathJax's has
  no address when none is configured, and Mermaid's would fetch from a CDN. The site loads
  nothing from the network.
"""

from __future__ import annotations

import html as html_text
import re
from pathlib import Path
from typing import Any

import nbformat
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from helpers import expected, image_store

SECTION = "notebooks"
"""The project folder the notebooks live in; also their site folder.

With ``use_directory_urls: false`` a notebook's page is ``notebooks/04-push.html``, and
mkdocs-jupyter (``include_source``) copies the notebook beside it as ``notebooks/04-push.ipynb``.
"""

_SIBLING_LINK = re.compile(r'href="(?:\./)?([\w.-]+)\.ipynb(#[^"]*)?"')
_ADMONITION = re.compile(r'<p>!!! (\w+)(?: "(.*?)")?\s*\n(.*?)</p>', re.DOTALL)
_HEADING = re.compile(r'<h([1-6]) id="([^"]+)">(.*?)<a class="anchor-link"', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_LOADERS = re.compile(
    r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->"
    r'|<script type="module">\s*document\.addEventListener\("DOMContentLoaded", async \(\) => \{'
    r"\s*const diagrams = .*?<!-- End of mermaid configuration -->",
    re.DOTALL,
)


def project_root(config: MkDocsConfig) -> Path:
    """Return the folder that holds ``mkdocs.yml`` and ``notebooks/``."""
    return Path(config.config_file_path).absolute().parent


@event_priority(100)  # before mkdocs-jupyter (priority 0) decides which files are notebooks
def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add every ``notebooks/*.ipynb`` to the site's files, read from where it is."""
    root = project_root(config)
    found = sorted((root / SECTION).glob("*.ipynb"))
    if not found:
        raise PluginError(f"No notebooks in {SECTION}/ next to mkdocs.yml: nothing to render.")
    for path in found:
        src_uri = f"{SECTION}/{path.name}"
        if files.get_file_from_path(src_uri) is not None:
            raise PluginError(f"docs/{src_uri} would hide {src_uri}: remove it from docs/.")
        # A plain File read from the project root (not File.generated): mkdocs-jupyter wraps
        # the files it renders, and its wrapper finds the source through src_dir.
        files.append(File(src_uri, str(root), config.site_dir, config.use_directory_urls))
    return files


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Fix links, admonitions and the contents of a rendered notebook; drop unused loaders."""
    if not page.file.src_uri.startswith(f"{SECTION}/"):
        return html

    def link(match: re.Match[str]) -> str:
        target = files.get_file_from_path(f"{SECTION}/{match.group(1)}.ipynb")
        if target is None:
            return match.group(0)
        return f'href="{target.url_relative_to(page.file)}{match.group(2) or ""}"'

    html = _SIBLING_LINK.sub(link, html)
    html = _ADMONITION.sub(_admonition, html)
    html = _profile_tabs(html, Path(page.file.abs_src_path or ""))
    page.toc = get_toc(_toc_tokens(html))
    return _LOADERS.sub("", html)


def _toc_tokens(html: str) -> list:
    """Return the headings of a page, nested by level, as mkdocs' toc tokens."""
    roots: list[dict] = []
    open_headings: list[dict] = []
    for level, anchor, inner in _HEADING.findall(html):
        token = {"level": int(level), "id": anchor, "name": _TAG.sub("", inner).strip()}
        token["children"] = []
        while open_headings and open_headings[-1]["level"] >= token["level"]:
            open_headings.pop()
        (open_headings[-1]["children"] if open_headings else roots).append(token)
        open_headings.append(token)
    return roots


def _admonition(match: re.Match[str]) -> str:
    kind, title, body = match.group(1), match.group(2), match.group(3)
    return (
        f'<div class="admonition {kind}">\n'
        f'<p class="admonition-title">{title or kind.capitalize()}</p>\n'
        f"<p>{body.strip()}</p>\n</div>"
    )


TAB_ORDER = (image_store.CONTAINERD, image_store.CLASSIC)
"""Most learners in 2026 run an engine with the containerd image store: their tab comes first."""


def _output_text(outputs: list[Any]) -> str:
    return "".join(output.get("text", "") for output in outputs)


def _profile_tabs(html: str, notebook: Path) -> str:
    """Show both image stores' outputs, as content tabs, where a cell's outputs differ."""
    cells = nbformat.read(notebook, as_version=4).cells
    for number, cell in enumerate(expected.differing_cells(cells, image_store.CONTAINERD)):
        source = html_text.escape(cell.source, quote=False)
        start = html.find(f">{source}</div>")
        if start < 0:
            raise PluginError(f"{notebook.name}: the rendered page lacks the cell {source!r}.")
        shown = [html_text.escape(o.get("text", ""), quote=False) for o in cell.outputs]
        blocks = [f"<pre>{text}</pre>" for text in shown if text]
        for index, block in enumerate(blocks):
            at = html.find(block, start)
            if at < 0:
                raise PluginError(f"{notebook.name}: no rendered output {block[:60]!r}.")
            tabs = _tabs(cell, 900 + number) if index == 0 else ""
            html = html[:at] + tabs + html[at + len(block) :]
            start = at + len(tabs)
    return html


def _tabs(cell: Any, key: int) -> str:
    """Return Material's content tabs (alternate style) with each profile's output.

    Numbered as pymdownx.tabbed numbers its own (``__tabbed_<set>_<tab>``, from 1), which
    Material's script needs to switch tabs; from 900, clear of any set a page's Markdown makes.
    """
    name = f"__tabbed_{key}"
    inputs = "".join(
        f'<input {"checked " if i == 1 else ""}id="{name}_{i}" name="{name}" type="radio">'
        for i in range(1, len(TAB_ORDER) + 1)
    )
    labels = "".join(
        f'<label for="{name}_{i}">{image_store.PROFILES[p].who_sees_it}</label>'
        for i, p in enumerate(TAB_ORDER, start=1)
    )
    blocks = "".join(
        '<div class="tabbed-block"><pre>'
        + html_text.escape(_output_text(expected.cell_outputs(cell, p)), quote=False)
        + "</pre></div>"
        for p in TAB_ORDER
    )
    return (
        f'<div class="tabbed-set tabbed-alternate kit-profiles" data-tabs="{key}:2">{inputs}'
        f'<div class="tabbed-labels">{labels}</div><div class="tabbed-content">{blocks}</div></div>'
    )
