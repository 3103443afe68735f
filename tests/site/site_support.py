"""Build the documentation site once per test run, and read what was built.

Both site test modules use :func:`build_once`, so a run that collects both builds the site once.
The build is the real one: ``scripts/site -d <temp dir>``, the command the README and
``scripts/tutorial`` use, with mkdocs in strict mode.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import re
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
DOCS_DIR = PROJECT_ROOT / "docs"
SETUP_TAG = "setup"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\]?")


@dataclass(frozen=True)
class Build:
    """A finished site build: where it went and everything mkdocs printed."""

    site: Path
    returncode: int
    log: str


_builds: dict[str, Build] = {}


def build_once(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """Build the site into a temporary folder the first time; return that build afterwards."""
    if "site" not in _builds:
        site = tmp_path_factory.mktemp("site")
        done = subprocess.run(
            [str(PROJECT_ROOT / "scripts" / "site"), "-d", str(site)],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        _builds["site"] = Build(site, done.returncode, done.stdout)
    return _builds["site"]


def require_clean(build: Build) -> Build:
    """Fail with mkdocs' own words if the build failed; return the build otherwise."""
    if build.returncode != 0:
        pytest.fail(f"scripts/site failed (exit {build.returncode}):\n{build.log}")
    return build


def notebook_paths() -> list[Path]:
    """Return the step notebooks in reading order."""
    return sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def page_urls() -> list[str]:
    """Return every page's URL relative to the site root, home and steps first."""
    others = [f"{doc.stem}/" for doc in sorted(DOCS_DIR.glob("*.md")) if doc.stem != "index"]
    return ["", *[f"notebooks/{path.stem}/" for path in notebook_paths()], *others]


def page_name(url: str) -> str:
    """Return a file-name-friendly name for a page URL ('home', '04-push', 'docker-hub')."""
    return url.rstrip("/").rsplit("/", 1)[-1] or "home"


def load_notebook(path: Path) -> dict:
    """Return a notebook's JSON."""
    return json.loads(path.read_text(encoding="utf-8"))


def cell_source(cell: dict) -> str:
    """Return a cell's source as one string."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def is_setup(cell: dict) -> bool:
    """Tell whether a cell is tagged ``setup`` (hidden on the site)."""
    return SETUP_TAG in cell.get("metadata", {}).get("tags", [])


def output_texts(output: dict) -> list[str]:
    """Return the text a reader sees for one stored output, without terminal codes."""
    kind = output.get("output_type")
    if kind == "stream":
        texts = [_joined(output.get("text", ""))]
    elif kind == "error":
        texts = [_joined(line) for line in output.get("traceback", [])]
    else:
        data = output.get("data", {})
        if "text/html" in data:
            texts = [text_content(_joined(data["text/html"]))]
        else:
            texts = [_joined(data.get("text/plain", ""))]
    return [ANSI.sub("", text) for text in texts if text.strip()]


def _joined(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


def normalize(text: str) -> str:
    """Collapse every run of whitespace to one space, for comparing text across HTML."""
    return " ".join(text.split())


class _Text(HTMLParser):
    """Collect the text of a page, leaving out scripts and styles.

    ``convert_charrefs`` decodes entities (``&lt;`` becomes ``<``) exactly once.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def text_content(markup: str) -> str:
    """Return the visible text of an HTML document or fragment, entities decoded."""
    parser = _Text()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


@dataclass(frozen=True)
class Reference:
    """One ``href`` or ``src`` in a page."""

    tag: str
    attribute: str
    value: str
    rel: str


class _References(HTMLParser):
    """Collect every href/src and every id (and a name=) of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.references: list[Reference] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        for key in ("id",) + (("name",) if tag == "a" else ()):
            if key in values:
                self.ids.add(values[key])
        for key in ("href", "src"):
            if key in values:
                self.references.append(Reference(tag, key, values[key], values.get("rel", "")))


def references_and_ids(markup: str) -> tuple[list[Reference], set[str]]:
    """Return a page's references and the ids its anchors can point at."""
    parser = _References()
    parser.feed(markup)
    parser.close()
    return parser.references, parser.ids


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a browser closing a connection early is not the site's fault


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve a built site on 127.0.0.1 (a free port) and yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
