"""Build the documentation site once per test run, and read what was built.

Both site test modules use :func:`build_once`, so a run that collects both builds the site once,
and so does a run split over pytest-xdist workers: the first worker to get there builds, under
a lock, into the run's own temporary folder, and the others wait for it and read that build.
No two builds ever run at once, so they never race on the same output folder.
The build is the real one: ``scripts/site -d <temp dir>``, the command the README and
``scripts/tutorial`` use, with mkdocs in strict mode.

The site is built with ``use_directory_urls: false``: a page is ``docker-hub.html``, a step
``notebooks/04-push.html``, so the site also works opened straight from disk (``file://``).

:func:`zensical_build_once` builds both editions with Zensical too, once per run the same way,
and the browser helpers at the end (:class:`Watch`, :func:`open_page`, :func:`copied_by`) serve
the browser tests of either build.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from filelock import FileLock
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Locator,
    Page,
    Playwright,
    Request,
    expect,
)

from helpers.engine.image_store import CLASSIC, CONTAINERD
from helpers.lesson import notebooks as lesson
from helpers.site.words import WORDS
from tests.plugins.run_config import RunConfig

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
DOCS_DIR = PROJECT_ROOT / "docs"
ZENSICAL = Path(sys.executable).parent / "zensical"
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


ZENSICAL_CONFIGS = ("mkdocs.yml", "mkdocs.zh.yml")
"""The two editions' configurations, in the order scripts/site builds them."""


def zensical_build_once(tmp_path_factory: pytest.TempPathFactory, run_config: RunConfig) -> Build:
    """Build both editions with Zensical (``zensical build --strict``, the one in this Python's
    folder) the first time; return that build afterwards.

    It builds from a copy of ``docs/`` (with the step pages the MkDocs build wrote first) and
    of both configurations, unchanged, in a folder of the run's own: English at the site's
    root, Chinese in ``zh/`` (``site_dir`` of ``mkdocs.zh.yml``), and then, as ``scripts/site``
    does, without the Chinese ``404.html``. The log says what each build printed.
    """
    if "zensical" not in _builds:

        def build() -> dict:
            build_once(tmp_path_factory, run_config)  # writes the step pages, under its lock
            project = Path(tempfile.mkdtemp(prefix="zensical-", dir=run_folder(tmp_path_factory)))
            shutil.copytree(DOCS_DIR, project / "docs")
            for config in ZENSICAL_CONFIGS:
                shutil.copy(PROJECT_ROOT / config, project / config)
            log, returncode = [], 0
            for config in ZENSICAL_CONFIGS:
                done = subprocess.run(
                    [str(ZENSICAL), "build", "--strict", "-f", config],
                    cwd=project,
                    env=run_config.child(),
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    timeout=300,
                )
                log.append(f"zensical build --strict -f {config}: exit {done.returncode}\n")
                log.append(done.stdout)
                returncode = done.returncode
                if returncode:
                    break
            site = project / "site"
            (site / "zh" / "404.html").unlink(missing_ok=True)
            return {"site": str(site), "returncode": returncode, "log": "".join(log)}

        built = once_per_run(tmp_path_factory, "zensical-build", build)
        _builds["zensical"] = Build(Path(built["site"]), built["returncode"], built["log"])
    return _builds["zensical"]


def require_clean(build: Build, builder: str = "scripts/site") -> Build:
    """Fail with the builder's own words if the build failed; return the build otherwise."""
    if build.returncode != 0:
        pytest.fail(f"{builder} failed (exit {build.returncode}):\n{build.log}")
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


# The browser: the tests drive Chromium through Playwright (the fixtures are in conftest.py).

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}
SEARCH_INDEX = "search/search_index.json"
"""Material's search asks for this on every page, after the page itself has loaded."""
COPY_BUTTON = "button.md-code__button[data-md-type='copy']"
"""The copy button Material adds to each code block it is not told to leave alone."""


def chromium_executable(playwright: Playwright) -> str | None:
    """Return the Chromium to launch: Debian's, else Playwright's own if scripts/setup got it."""
    if DEBIAN_CHROMIUM.exists():
        return str(DEBIAN_CHROMIUM)
    if Path(playwright.chromium.executable_path).exists():
        return None
    pytest.fail(
        f"No Chromium for the browser tests: {DEBIAN_CHROMIUM} is missing. Run scripts/setup "
        "(as root on Debian/Ubuntu it installs Debian's chromium; elsewhere it fetches "
        "Playwright's build), then run these tests again."
    )


class Watch:
    """What goes wrong on a page (console errors, page errors, failed requests, HTTP errors,
    any request that leaves the site), and which of its requests are still open. ``loaded``
    names (by their URLs' ends) the requests every page makes after its load event, which
    must have ended too before the page counts as loaded."""

    def __init__(self, page: Page, loaded: tuple[str, ...] = (SEARCH_INDEX,)) -> None:
        self.page = page
        self.loaded = loaded
        self.seen: list[str] = []
        self.open: set[Request] = set()
        self.ended: list[str] = []
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._failed)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.seen.append(f"page error: {error}"))
        page.on(
            "response",
            lambda r: r.status >= 400 and self.seen.append(f"HTTP {r.status}: {r.url}"),
        )

    def _started(self, request: Request) -> None:
        self.open.add(request)
        parts = urlsplit(request.url)
        local = parts.scheme in ("file", "data", "blob") or parts.hostname == "127.0.0.1"
        if not local:  # offline here it would also fail; at a reader's home it would not
            self.seen.append(f"request outside the site: {request.url}")

    def _ended(self, request: Request) -> None:
        self.open.discard(request)
        self.ended.append(request.url)

    def _failed(self, request: Request) -> None:
        self._ended(request)
        self.seen.append(f"request failed: {request.url} {request.failure}")

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.seen.append(f"console: {message.text} ({message.location.get('url', '')})")

    def settle(self, *wanted: str, timeout: float = 60.0) -> None:
        """Wait until the requests for URLs ending in ``wanted`` have ended, and every other
        request the page started has too: a condition, checked every few milliseconds, rather
        than a fixed wait such as Playwright's ``networkidle`` (half a second of silence). The
        timeout only tells a hang from a busy machine: a page settles in well under a second
        here, and once, with both workers and a second run on the two cores, a Zensical page
        had not asked for its search index after 15 s."""
        deadline = time.monotonic() + timeout
        while self.open or any(not self._has_ended(suffix) for suffix in wanted):
            if time.monotonic() > deadline:
                still = sorted(r.url for r in self.open) + [
                    f"{w} (never requested)" for w in wanted if not self._has_ended(w)
                ]
                pytest.fail(f"{self.page.url}: still loading after {timeout} s: {still}")
            self.page.wait_for_timeout(10)  # lets Playwright deliver the page's events

    def _has_ended(self, suffix: str) -> bool:
        return any(url.endswith(suffix) for url in self.ended)

    def go(self, url: str) -> None:
        """Load ``url`` in the page, with nothing recorded yet, and wait until it is loaded.
        The page shown before finishes its requests first: leaving it would abort one still
        open (its favicon's, once), which this page would then be blamed for."""
        self.settle()
        self.seen.clear()
        self.ended.clear()
        self.page.goto(url)  # returns on the load event
        self.settle(*self.loaded)

    def finish(self) -> list[str]:
        """Wait for the page's open requests, and return what went wrong on it."""
        self.settle()
        return list(self.seen)

    def close(self) -> list[str]:
        """Wait for the page's open requests, close it, and return what went wrong on it."""
        try:
            return self.finish()
        finally:
            self.page.close()


def open_page(
    context: BrowserContext, url: str, loaded: tuple[str, ...] = (SEARCH_INDEX,)
) -> tuple[Page, Watch]:
    """Open a URL of the served site in a new tab; return the page, loaded (the requests named
    by ``loaded`` too: :class:`Watch`), with its watch."""
    watch = Watch(context.new_page(), loaded)
    watch.go(url)
    return watch.page, watch


# Empties the clipboard, then (after the click) waits until something is written to it: copy
# buttons write asynchronously, so reading right after the click may still see older text.
CLEAR_CLIPBOARD = "navigator.clipboard.writeText('')"
NEXT_CLIPBOARD = """async () => {
    const deadline = Date.now() + 5000;
    for (;;) {
        const text = await navigator.clipboard.readText();
        if (text !== "" || Date.now() > deadline) return text;
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
}"""


def copied_by(page: Page, button: Locator) -> str:
    """Click a copy button and return what it put on the clipboard."""
    page.evaluate(CLEAR_CLIPBOARD)
    button.click()
    return page.evaluate(NEXT_CLIPBOARD)


def push_command() -> str:
    """Return the push step's first ``docker push`` command, as a terminal takes it."""
    cells = nbformat.read(NOTEBOOKS_DIR / "04-push.ipynb", as_version=4).cells
    commands = [command for cell in cells for command in lesson.commands(cell)]
    return next(command for command in commands if command.startswith("docker push"))


def shown_stores(page: Page) -> list[str]:
    """Return, for each content-tab set of a page, the image store whose tab is shown."""
    return page.locator(".tabbed-set").evaluate_all(
        "sets => sets.map(set => set.querySelector("
        "'.tabbed-content > .tabbed-block:nth-child(' + "
        "([...set.querySelectorAll(':scope > input')].findIndex(i => i.checked) + 1) + ')'"
        ").dataset.profile)"
    )


PUSH_PAGE = notebook_url("04-push")
"""The push step's page: its outputs differ by image store, so it has content tabs."""


def store_choice_problems(
    browser: Browser, base_url: str, edition: str, loaded: tuple[str, ...] = (SEARCH_INDEX,)
) -> list[str]:
    """Check that a reader's choice of image store holds (``content.tabs.link``): the first
    tab is the containerd store's; once the classic store's is chosen on the push page, every
    block there and on the pull page opened next shows the classic store's output. A fresh
    browser context, since the choice is kept. Return what went wrong on the pages."""
    fresh = browser.new_context(viewport=VIEWPORT)
    words = WORDS["zh" if edition else "en"]
    try:
        page, watch = open_page(fresh, base_url + edition + PUSH_PAGE, loaded)
        shown = shown_stores(page)
        assert len(shown) > 1 and set(shown) == {CONTAINERD}, shown
        page.locator(".tabbed-set").last.locator("label", has_text=words.who_sees[CLASSIC]).click()
        expect(page.locator(".tabbed-set").first.locator("input").nth(1)).to_be_checked()
        assert set(shown_stores(page)) == {CLASSIC}
        watch.go(base_url + edition + notebook_url("05-pull"))
        shown = shown_stores(watch.page)
        assert shown and set(shown) == {CLASSIC}, shown
        return watch.close()
    finally:
        fresh.close()
