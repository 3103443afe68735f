"""Build the documentation site once per test run, and read what was built.

Both site test modules use :func:`build_once`, so a run that collects both builds the site once,
and so does a run split over pytest-xdist workers: the first worker to get there builds, under
a lock, into the run's own temporary folder, and the others wait for it and read that build.
No two builds ever run at once, so they never race on the same output folder.
The build is the real one: ``scripts/site -d <temp dir>``, the command the README and
``scripts/tutorial`` use, with mkdocs in strict mode.

The site is built with ``use_directory_urls: false``: a page is ``docker-hub.html``, a step
``notebooks/04-push.html``, so the site also works opened straight from disk (``file://``).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import re
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from filelock import FileLock

from tests.plugins.run_config import RunConfig

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


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the temporary folder of this whole test run, shared by its xdist workers.

    An xdist worker's base folder is ``<run folder>/popen-gwN``; without xdist the base folder
    is the run's own. Either way the folder is new for every run, so nothing in it is left over.
    """
    base = tmp_path_factory.getbasetemp()
    return base.parent if base.name.startswith("popen-gw") else base


def once_per_run(
    tmp_path_factory: pytest.TempPathFactory, name: str, job: Callable[[], dict]
) -> dict:
    """Run ``job`` once in this test run, in whichever xdist worker gets here first.

    Every caller gets the dict (JSON) ``job`` returned; callers wait on a lock while it runs.
    If ``job`` raises, nothing is recorded and the next caller runs it again.
    """
    folder = run_folder(tmp_path_factory)
    result = folder / f"{name}.json"
    with FileLock(folder / f"{name}.lock"):
        if not result.exists():
            done = job()
            partial = result.with_suffix(".partial")
            partial.write_text(json.dumps(done), encoding="utf-8")
            partial.replace(result)
        return json.loads(result.read_text(encoding="utf-8"))


def build_once(tmp_path_factory: pytest.TempPathFactory, run_config: RunConfig) -> Build:
    """Build the site into a temporary folder the first time; return that build afterwards.

    The first test that needs the site waits for the build (about a second here): started
    earlier, in the background, it saved less than that and needed pytest's private API.
    """
    if "site" not in _builds:

        def build() -> dict:
            site = Path(tempfile.mkdtemp(prefix="site-", dir=run_folder(tmp_path_factory)))
            done = subprocess.run(
                [str(PROJECT_ROOT / "scripts" / "site"), "-d", str(site)],
                cwd=PROJECT_ROOT,
                env=run_config.child(),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            return {"site": str(site), "returncode": done.returncode, "log": done.stdout}

        built = once_per_run(tmp_path_factory, "site-build", build)
        _builds["site"] = Build(Path(built["site"]), built["returncode"], built["log"])
    return _builds["site"]


def require_clean(build: Build) -> Build:
    """Fail with mkdocs' own words if the build failed; return the build otherwise."""
    if build.returncode != 0:
        pytest.fail(f"scripts/site failed (exit {build.returncode}):\n{build.log}")
    return build


def notebook_paths() -> list[Path]:
    """Return the step notebooks in reading order."""
    return sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def notebook_url(notebook: Path | str) -> str:
    """Return the URL of a step's page relative to the site root (``notebooks/04-push.html``)."""
    return f"notebooks/{Path(notebook).stem}.html"


def page_urls(edition: str = "") -> list[str]:
    """Return every page's URL relative to the site root, home and steps first: the English
    edition's, or with ``edition="zh"`` the Chinese edition's (``zh/...``)."""
    docs = DOCS_DIR / edition if edition else DOCS_DIR
    prefix = f"{edition}/" if edition else ""
    others = [f"{doc.stem}.html" for doc in sorted(docs.glob("*.md")) if doc.stem != "index"]
    urls = ["index.html", *[notebook_url(path) for path in notebook_paths()], *others]
    return [prefix + url for url in urls]


def page_name(url: str) -> str:
    """Return a file-name-friendly name for a page URL ('home', '04-push', 'docker-hub'; the
    Chinese edition's with 'zh-' in front)."""
    name = url.rsplit("/", 1)[-1].removesuffix(".html")
    name = "home" if name in ("", "index") else name
    return f"zh-{name}" if url.startswith("zh/") else name


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


@dataclass(frozen=True)
class Block:
    """One block of a step page that a reader types or reads: a command (as the copy button
    gives it), an output (per image store; ``"*"`` when both stores print the same), a
    check's verdict, or the "fails on purpose" label."""

    kind: str
    texts: tuple[tuple[str, str], ...] = ()

    @property
    def text(self) -> str:
        return dict(self.texts).get("*", "")


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
"""HTML elements without an end tag."""


class _Blocks(HTMLParser):
    """Collect a step page's command, output, verdict and label blocks, in page order, with
    their text exactly as the page holds it (entities decoded, whitespace kept)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._stack: list[set[str]] = []
        self._text: list[str] | None = None
        self._kind = ""
        self._profile = "*"
        self._outputs: dict[str, str] = {}
        self._in_tabs = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        classes = set(values.get("class", "").split())
        if tag in _VOID:
            return
        self._stack.append(classes)
        if "kit-profiles" in classes:
            self._in_tabs = True
            self._outputs = {}
        if "tabbed-block" in classes:
            self._profile = values.get("data-profile", "?")
        if tag == "pre" and classes & {"kit-output", "kit-verdict"}:
            self._kind = "verdict" if "kit-verdict" in classes else "output"
            self._text = []
        if tag == "code" and any("kit-command" in c for c in self._stack[:-1]):
            self._kind = "command"
            self._text = []
        if tag == "p" and "kit-fails" in classes:
            self.blocks.append(Block("fails"))

    def handle_endtag(self, tag: str) -> None:
        if not self._stack:
            return
        classes = self._stack.pop()
        ends = "code" if self._kind == "command" else "pre"
        if self._text is not None and tag == ends:
            text = "".join(self._text)
            self._text = None
            if self._in_tabs and self._kind != "command":
                self._outputs[self._profile] = text
            else:
                self.blocks.append(Block(self._kind, (("*", text),)))
        if "kit-profiles" in classes:
            self.blocks.append(Block(self._kind, tuple(sorted(self._outputs.items()))))
            self._in_tabs = False

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def page_blocks(markup: str) -> list[Block]:
    """Return the command, output, verdict and label blocks of a step page, in order."""
    parser = _Blocks()
    parser.feed(markup)
    parser.close()
    return parser.blocks
