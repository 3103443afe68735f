"""The built site in a real browser: Chromium, driven by Playwright, over a local HTTP server.

Every page must load without a console error or a failed request (the site is meant to work
offline, so any request that leaves the machine fails and is caught here), search must find
commands, the copy buttons must put a command on the clipboard, and the push step must show
the lines the guide is about. A screenshot of each page goes to ``test-artifacts/screenshots/``
for a person to look at: ``<page>.png`` in the light palette, ``<page>-dark.png`` after the
palette toggle.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from site_support import (
    NOTEBOOKS_DIR,
    PROJECT_ROOT,
    build_once,
    cell_source,
    is_setup,
    load_notebook,
    page_name,
    page_urls,
    require_clean,
    serve,
)

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
PAGES = page_urls()


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the site, built once for this run, on a free port of 127.0.0.1."""
    with serve(require_clean(build_once(tmp_path_factory)).site) as url:
        yield url


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """Start Playwright's driver for the session."""
    with sync_playwright() as driver:
        yield driver


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


@pytest.fixture(scope="session")
def browser(playwright: Playwright, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """Launch one headless Chromium for the session."""
    launched = playwright.chromium.launch(
        executable_path=chromium_executable(playwright), headless=True, args=CHROMIUM_ARGS
    )
    yield launched
    launched.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Return an emptied folder for this run's screenshots."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS


@dataclass
class Problems:
    """What went wrong while a page loaded: console errors, page errors, failed requests."""

    seen: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> Page:
        """Record every problem of ``page`` from now on; return the page."""
        page.on("console", lambda m: m.type == "error" and self.seen.append(f"console: {m.text}"))
        page.on("pageerror", lambda error: self.seen.append(f"page error: {error}"))
        page.on("requestfailed", lambda r: self.seen.append(f"request failed: {r.url} {r.failure}"))
        page.on(
            "response",
            lambda r: r.status >= 400 and self.seen.append(f"HTTP {r.status}: {r.url}"),
        )
        return page


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """Return a fresh browser context (light palette) that may use the clipboard."""
    fresh = browser.new_context(
        viewport={"width": 1280, "height": 900},
        color_scheme="light",
        permissions=["clipboard-read", "clipboard-write"],
    )
    yield fresh
    fresh.close()


def open_page(context: BrowserContext, url: str) -> tuple[Page, Problems]:
    """Open a URL, wait until the network is idle, and return the page and its problems."""
    problems = Problems()
    page = problems.watch(context.new_page())
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page, problems


@pytest.fixture(scope="session")
def page_context(browser: Browser) -> Iterator[BrowserContext]:
    """Return one light-palette context shared by the page-by-page tests."""
    shared = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    yield shared
    shared.close()


def scheme(page: Page) -> str | None:
    """Return the Material palette a page shows: ``default`` (light) or ``slate`` (dark)."""
    return page.locator("body").get_attribute("data-md-color-scheme")


@pytest.mark.parametrize("path", PAGES, ids=[page_name(p) for p in PAGES])
def test_page_loads_cleanly_in_both_palettes(
    page_context: BrowserContext, base_url: str, screenshots: Path, path: str
) -> None:
    page, problems = open_page(page_context, base_url + path)
    try:
        assert page.locator("article h1").count() >= 1, f"{path or 'home'} has no title"
        assert scheme(page) == "default"
        page.screenshot(path=screenshots / f"{page_name(path)}.png", full_page=True)
        page.locator("label.md-header__button[for='__palette_1']").click()  # the toggle
        assert scheme(page) == "slate"
        page.screenshot(path=screenshots / f"{page_name(path)}-dark.png", full_page=True)
        page.locator("label.md-header__button[for='__palette_0']").click()  # back, for the next
        assert scheme(page) == "default"
    finally:
        page.close()
    assert not problems.seen, f"{path or 'home'}:\n" + "\n".join(problems.seen)


def test_dark_system_preference_shows_the_dark_palette(browser: Browser, base_url: str) -> None:
    context = browser.new_context(color_scheme="dark")
    try:
        page, problems = open_page(context, base_url)
        assert scheme(page) == "slate"
    finally:
        context.close()
    assert not problems.seen, "\n".join(problems.seen)


def test_search_finds_docker_push(context: BrowserContext, base_url: str) -> None:
    page, problems = open_page(context, base_url)
    search = page.locator(".md-search__input")
    search.click()
    search.press_sequentially("docker push")  # Material searches on key presses, not on fill()
    results = page.locator(".md-search-result__item")
    results.first.wait_for(state="visible", timeout=10_000)
    links = [a.get_attribute("href") or "" for a in page.locator(".md-search-result__link").all()]
    assert any("notebooks/04-push/" in link for link in links), f"no push step in {links}"
    assert "docker push" in results.first.inner_text().lower()
    assert not problems.seen, "\n".join(problems.seen)


def test_copy_button_copies_a_docs_command(context: BrowserContext, base_url: str) -> None:
    page, problems = open_page(context, base_url)
    copy = "button.md-code__button[data-md-type='copy']"  # Material adds it to each code block
    block = page.locator(f"article pre:has({copy})").first
    expected = block.locator("code").inner_text()
    block.hover()
    block.locator(copy).click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.strip() == expected.strip()
    assert "scripts/tutorial" in copied
    assert not problems.seen, "\n".join(problems.seen)


def push_command() -> str:
    """Return the source of the push step's first ``docker push`` cell."""
    cells = load_notebook(NOTEBOOKS_DIR / "04-push.ipynb")["cells"]
    sources = [cell_source(c) for c in cells if c["cell_type"] == "code" and not is_setup(c)]
    return next(s for s in sources if s.startswith("!docker push"))


def test_copy_button_copies_a_notebook_command(context: BrowserContext, base_url: str) -> None:
    page, problems = open_page(context, base_url + "notebooks/04-push/")
    command = push_command()
    cell = page.locator(".jp-CodeCell", has_text=command).last
    cell.hover()
    cell.locator("clipboard-copy").click()
    assert page.evaluate("navigator.clipboard.readText()") == command
    assert not problems.seen, "\n".join(problems.seen)


def test_push_page_shows_mounted_layers_and_the_digest(
    context: BrowserContext, base_url: str
) -> None:
    page, _ = open_page(context, base_url + "notebooks/04-push/")
    outputs = page.locator(".jp-OutputArea-output pre")
    for line in ("Mounted from", "digest: sha256:"):
        shown = outputs.filter(has_text=line).first
        assert shown.is_visible(), f"no visible output line with {line!r} on the push page"
