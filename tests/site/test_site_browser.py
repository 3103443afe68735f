"""The built site in a real browser: Chromium, driven by Playwright.

Over a local HTTP server, every page must load without a console error or a failed request (the
site is meant to work offline, so any request that leaves the machine fails and is caught here),
search must find commands, the copy buttons must put a command on the clipboard, and the push
step must show the lines the guide is about. Opened straight from disk (``file://``), as the
README suggests, the navigation must lead to the steps and show them.

A screenshot of each page goes to ``test-artifacts/screenshots/`` for a person to look at:
``<page>.jpg`` in the light palette for every page, and ``<page>-dark.jpg`` after the palette
toggle for a few representative pages (:data:`DARK_SCREENSHOTS`); every page still has its
toggle tried. JPEG, not PNG: a whole tall page took Chromium twice as long to encode as PNG
(0.7 s against 0.4 s for the push step), and a person reads it as well.

For speed, one Chromium and one light-palette context serve the tests of a process (only the
dark-preference and from-disk tests make their own context), the page-by-page test loads every
page into one tab and runs all its checks on that one load, the push step's two tests share one
load, and a page counts as loaded when its requests are done (see :meth:`Watch.settle`) rather
than after a fixed wait. Under pytest-xdist each worker has its own Chromium (and clipboard);
the site is built once for the run (see ``site_support``), and the screenshots folder is
emptied once, before any worker saves to it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from site_support import (
    COPY_BUTTON,
    PROJECT_ROOT,
    PUSH_PAGE,
    VIEWPORT,
    Watch,
    copied_by,
    notebook_url,
    once_per_run,
    open_page,
    page_name,
    page_urls,
    push_command,
    serve,
    store_choice_problems,
)

from helpers.engine.image_store import CLASSIC, CONTAINERD
from helpers.site.words import WORDS

SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
PAGES = [*page_urls(), *page_urls("zh")]
DARK_SCREENSHOTS = {"index.html", "docker-hub.html", PUSH_PAGE}
"""Pages also photographed in the dark palette: a Markdown page with boxes and code, one with
tables, and a step with its outputs."""


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    """Serve the site on a free port of 127.0.0.1."""
    with serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the screenshots folder, emptied once in this run before anything is saved there.

    Every xdist worker asks for this fixture before it saves a screenshot, and only the first to
    ask empties the folder, so no worker deletes what another one saved.
    """

    def empty() -> dict:
        shutil.rmtree(SCREENSHOTS, ignore_errors=True)
        SCREENSHOTS.mkdir(parents=True)
        return {"emptied": str(SCREENSHOTS)}

    once_per_run(tmp_path_factory, "screenshots-emptied", empty)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def tab(context: BrowserContext) -> Iterator[Watch]:
    """Return one tab (with its watch) that the page-by-page test loads each page into."""
    watch = Watch(context.new_page())
    yield watch
    watch.page.close()


def body(page: Page) -> Locator:
    """Return the page's body, whose data-md-color-scheme names the palette shown."""
    return page.locator("body")


@pytest.mark.parametrize("path", PAGES, ids=[page_name(p) for p in PAGES])
def test_page_loads_cleanly_in_both_palettes(
    tab: Watch, base_url: str, screenshots: Path, path: str
) -> None:
    tab.go(base_url + path)
    page = tab.page
    assert page.locator("article h1").count() >= 1, f"{path} has no title"
    expect(body(page)).to_have_attribute("data-md-color-scheme", "default")
    page.screenshot(path=screenshots / f"{page_name(path)}.jpg", full_page=True, quality=85)
    page.locator("label.md-header__button[for='__palette_1']").click()  # the toggle
    try:
        expect(body(page)).to_have_attribute("data-md-color-scheme", "slate")
        if path in DARK_SCREENSHOTS:
            dark = screenshots / f"{page_name(path)}-dark.jpg"
            page.screenshot(path=dark, full_page=True, quality=85)
    finally:  # the choice is remembered: back to light for the next page, whatever happened
        page.locator("label.md-header__button[for='__palette_0']").click()
    expect(body(page)).to_have_attribute("data-md-color-scheme", "default")
    problems = tab.finish()
    assert not problems, f"{path}:\n" + "\n".join(problems)


def test_dark_screenshots_are_of_real_pages() -> None:
    unknown = DARK_SCREENSHOTS - set(PAGES)
    assert not unknown, f"DARK_SCREENSHOTS names pages the site does not have: {unknown}"


def test_dark_system_preference_shows_the_dark_palette(browser: Browser, base_url: str) -> None:
    dark = browser.new_context(viewport=VIEWPORT, color_scheme="dark")
    try:
        page, watch = open_page(dark, base_url)
        expect(body(page)).to_have_attribute("data-md-color-scheme", "slate")
        problems = watch.close()
    finally:
        dark.close()
    assert not problems, "\n".join(problems)


def test_search_finds_docker_push(context: BrowserContext, base_url: str) -> None:
    page, watch = open_page(context, base_url)
    try:
        search = page.locator(".md-search__input")
        search.click()
        # Material searches when a key goes up, with the field's value: type the last letter.
        search.fill("docker pus")
        search.press("h")
        expect(search).to_have_value("docker push")
        results = page.locator(".md-search-result__item")
        results.first.wait_for(state="visible", timeout=10_000)
        links = [
            a.get_attribute("href") or "" for a in page.locator(".md-search-result__link").all()
        ]
        assert any(PUSH_PAGE in link for link in links), f"no push step in {links}"
    finally:
        problems = watch.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("words", "page"), [("登录", "02-login"), ("推送", "04-push"), ("明文", "02-login")]
)
def test_chinese_search_finds_the_step(
    context: BrowserContext, base_url: str, words: str, page: str
) -> None:
    """The Chinese edition's search finds a step by a Chinese word. Chinese has no spaces:
    jieba cuts the text into words when the site is built. Without it, a word is found only
    at the start of a run of Chinese text, as 登录 and 推送 are in their steps' titles; 明文
    ("plain text"), inside a sentence of step 2, was not found (measured by uninstalling it)."""
    tab, watch = open_page(context, base_url + "zh/index.html")
    try:
        search = tab.locator(".md-search__input")
        search.click()
        search.fill(words)
        search.press("End")  # Material searches when a key goes up (an IME's last key, here)
        expect(search).to_have_value(words)
        results = tab.locator(".md-search-result__item")
        results.first.wait_for(state="visible", timeout=10_000)
        links = [
            a.get_attribute("href") or "" for a in tab.locator(".md-search-result__link").all()
        ]
        assert any(f"notebooks/{page}.html" in link for link in links), f"no {page} in {links}"
    finally:
        problems = watch.close()
    assert not problems, "\n".join(problems)


def test_the_language_menu_switches_to_the_same_page(
    context: BrowserContext, base_url: str
) -> None:
    """From the English push step, the language menu leads to the Chinese push step, and back."""
    tab, watch = open_page(context, base_url + PUSH_PAGE)
    try:
        for language, lands_on in (("中文", f"zh/{PUSH_PAGE}"), ("English", PUSH_PAGE)):
            tab.locator(".md-header__option .md-select").hover()  # the menu opens on hover
            tab.get_by_role("link", name=language, exact=True).click()
            expect(tab).to_have_url(base_url + lands_on)
            watch.settle()
        expect(tab.locator("article h1").first).to_contain_text("Push an image")
    finally:
        problems = watch.close()
    assert not problems, "\n".join(problems)


def test_copy_button_copies_a_docs_command(context: BrowserContext, base_url: str) -> None:
    page, watch = open_page(context, base_url)
    try:
        copy = "button.md-code__button[data-md-type='copy']"  # Material adds one to each block
        block = page.locator(f"article pre:has({copy})").first
        expected = block.locator("code").inner_text()
        block.hover()
        copied = copied_by(page, block.locator(copy))
        assert copied.strip() == expected.strip()
        assert "scripts/tutorial" in copied
    finally:
        problems = watch.close()
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def push_page(context: BrowserContext, base_url: str) -> Iterator[tuple[Page, Watch]]:
    """Open the push step once for the tests about its content."""
    page, watch = open_page(context, base_url + PUSH_PAGE)
    yield page, watch
    watch.close()


def test_push_page_shows_mounted_layers_and_the_digest(push_page: tuple[Page, Watch]) -> None:
    page, watch = push_page
    outputs = page.locator(".kit-outputs pre")
    for line in ("Mounted from", "digest: sha256:"):
        shown = outputs.filter(has_text=line).first
        assert shown.is_visible(), f"no visible output line with {line!r} on the push page"
    assert not watch.seen, "\n".join(watch.seen)


def test_both_image_stores_tabs_open(push_page: tuple[Page, Watch]) -> None:
    """The push output has a tab per image store; each shows its own digest when opened."""
    page, watch = push_page
    tabs = page.locator(".tabbed-set", has_text="Mounted from").first
    for label, digest in (
        (WORDS["en"].who_sees[CLASSIC], "sha256:50c9887a"),
        (WORDS["en"].who_sees[CONTAINERD], "sha256:1f560761"),
    ):
        tabs.locator("label", has_text=label).click()
        shown = tabs.locator(".tabbed-block", has_text=digest)
        expect(shown).to_be_visible()
    assert not watch.seen, "\n".join(watch.seen)


@pytest.mark.parametrize("edition", ["", "zh/"], ids=["en", "zh"])
def test_a_readers_choice_of_store_holds_on_every_block_and_page(
    browser: Browser, base_url: str, edition: str
) -> None:
    """The first tab is the containerd store's. A reader of the classic store who chooses its
    tab once sees the classic store's output in every block of the page, and of the next page
    they open (``content.tabs.link``: Material links tabs by label and keeps the choice)."""
    problems = store_choice_problems(browser, base_url, edition)
    assert not problems, "\n".join(problems)


def test_copy_button_copies_a_notebook_command(push_page: tuple[Page, Watch]) -> None:
    """The copy button of a step's command gives the command alone, ready for bash or zsh:
    no ``!``, and not the ``$`` prompt drawn in front of it."""
    page, watch = push_page
    command = push_command()
    block = page.locator(".kit-command", has_text=command).first
    expect(block).to_contain_text(command)
    prompt = block.locator("code").evaluate("c => getComputedStyle(c, '::before').content")
    assert prompt == '"$ "', f"no drawn prompt in front of the command: {prompt}"
    block.hover()
    assert copied_by(page, block.locator("button.md-code__button[data-md-type='copy']")) == command
    watch.settle()
    assert not watch.seen, "\n".join(watch.seen)


def test_a_note_on_a_chinese_page_is_as_large_as_the_text_around_it(
    context: BrowserContext, base_url: str
) -> None:
    """Chinese characters at Material's note size (a fifth smaller than the text) were too
    small to read: on the Chinese pages a note is drawn at the body's size."""
    tab, watch = open_page(context, base_url + "zh/" + notebook_url("02-login"))
    try:
        size = "e => getComputedStyle(e).fontSize"
        note = tab.locator("article .admonition").first.evaluate(size)
        body = tab.locator("article > p").first.evaluate(size)
        assert note == body, (note, body)
    finally:
        problems = watch.close()
    assert not problems, "\n".join(problems)


PHONE = {"width": 375, "height": 740}


@pytest.mark.parametrize("edition", ["", "zh/"], ids=["en", "zh"])
def test_on_a_phone_each_tab_shows_its_whole_name(
    browser: Browser, base_url: str, edition: str
) -> None:
    """On a phone's width the two image stores' tab names were cut (Docke and an arrow): each shows
    whole, within the page."""
    phone = browser.new_context(viewport=PHONE)
    try:
        page, watch = open_page(phone, base_url + edition + PUSH_PAGE)
        cut = page.locator(".kit-profiles > .tabbed-labels > label").evaluate_all(
            "labels => labels.filter(l => l.scrollWidth > l.clientWidth + 1"
            " || l.getBoundingClientRect().right > window.innerWidth"
            " || l.getBoundingClientRect().left < 0).map(l => l.textContent)"
        )
        assert cut == [], cut
        problems = watch.close()
    finally:
        phone.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("edition", ["", "zh/"], ids=["en", "zh"])
def test_a_long_output_line_shows_whole_without_scrolling(
    context: BrowserContext, base_url: str, edition: str
) -> None:
    """The push's ``digest: sha256:... size: ...`` line is longer than the page is wide: it
    wraps, as a terminal wraps a long line, so its size shows without scrolling sideways."""
    page, watch = open_page(context, base_url + edition + PUSH_PAGE)
    try:
        blocks = page.locator(".kit-outputs pre", has_text="digest: sha256:")
        expect(blocks.first).to_be_attached()
        hidden = blocks.evaluate_all(
            "blocks => blocks.map(b => b.querySelector('code'))"
            ".filter(c => c.scrollWidth > c.clientWidth + 1).length"
        )
        assert hidden == 0, f"{hidden} digest blocks scroll sideways"
    finally:
        problems = watch.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("edition", ["", "zh/"], ids=["en", "zh"])
def test_the_form_of_a_command_has_no_copy_button(
    context: BrowserContext, base_url: str, edition: str
) -> None:
    """Step 3's form of ``docker tag`` (``IMAGE [REGISTRY/]...``) is no command, and pasting it
    fails: it is drawn without a copy button, while the step's commands keep theirs."""
    tab, watch = open_page(context, base_url + edition + notebook_url("03-tag"))
    try:
        expect(tab.locator(f".kit-command:has({COPY_BUTTON})").first).to_be_attached()
        form = tab.locator("article pre", has_text="docker tag IMAGE [REGISTRY/]")
        expect(form).to_have_count(1)
        expect(form.locator(COPY_BUTTON)).to_have_count(0)
    finally:
        problems = watch.close()
    assert not problems, "\n".join(problems)


def test_site_reads_from_disk(browser: Browser, site: Path) -> None:
    """Open ``index.html`` from disk (``file://``), as the README says, and go to the push step
    by its link in the navigation.

    This test checks navigation and content only. Over ``file://`` Material's search cannot
    load its index (it asks for ``search/search_index.js``, which this site does not have), so
    the browser reports a failed request and a page error for that file; those, and only those,
    are let through here. Search itself is tested over HTTP above.
    """
    disk = browser.new_context(viewport=VIEWPORT)
    try:
        page = disk.new_page()
        watch = Watch(page)
        page.goto((site / "index.html").as_uri())
        expect(page.locator("article h1").first).to_be_visible()
        nav = page.locator("nav.md-nav--primary")
        nav.locator("label.md-nav__link", has_text="Steps").click()  # opens the section
        link = nav.get_by_role("link", name="4. Push", exact=True)
        expect(link).to_be_visible()
        # Followed from the keyboard: a mouse click can land while the section still opens and
        # the sidebar settles (it was lost that way, under load, one run in twenty or so).
        link.focus()
        page.keyboard.press("Enter")
        expect(page).to_have_url((site / PUSH_PAGE).as_uri())
        expect(page.locator("article h1").first).to_be_visible()
        mounted = page.locator(".kit-outputs pre").filter(has_text="Mounted from")
        expect(mounted.first).to_be_visible()
        problems = watch.close()
    finally:
        disk.close()
    unexpected = [problem for problem in problems if "/search/search_index.js" not in problem]
    assert not unexpected, "opened from disk:\n" + "\n".join(unexpected)
