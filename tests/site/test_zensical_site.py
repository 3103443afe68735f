"""The site built by Zensical, in Chromium: what a reader keeps and loses against MkDocs.

mkdocs-material's maintenance ends in 2027, and Zensical is its successor. Once per test run,
both editions are built with ``zensical build --strict`` (0.0.59, the newest this machine's
package index serves: later releases need ``zensical-ui``) from the project's own configurations
and pages, laid out like the MkDocs site (English at the root, Chinese in ``zh/``; see
``site_support.zensical_build_once``), served over HTTP, and put through the checks
``test_site_browser.py`` runs on the MkDocs build: search in English and in Chinese, a reader's
choice of image-store tab, a step command's copy button, and the language menu.

A check Zensical passes asserts what the MkDocs test asserts. A check it fails asserts the loss
measured, and says why: a newer Zensical that no longer loses it fails the test, so that the
list of losses on the maintainers page (section "The site", in both editions) is brought up to
date with it. Zensical's own theme (its "modern" variant, the default) draws search in a dialog
of its own, so the search checks find the field and the results there.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from site_support import (
    COPY_BUTTON,
    PROJECT_ROOT,
    PUSH_PAGE,
    Build,
    Watch,
    copied_by,
    open_page,
    push_command,
    require_clean,
    serve,
    store_choice_problems,
)

LOADED = ("search.json", "favicon.png")
"""What a page of Zensical's asks for after its load event: the search index, then the icon (a
test that went on to the next page as soon as the index had come aborted the icon's request)."""
SEARCH_FIELD = "input[role=combobox]"
"""The search field, in the dialog Zensical's search button opens (in a shadow root, which
Playwright's CSS selectors reach into)."""
SEARCH_RESULTS = f"body > div:has({SEARCH_FIELD}) ol > li > a"
"""The links of the search results shown, in the same dialog."""
STYLESHEET = "stylesheets/notebooks.css"
"""The kit's stylesheet (``extra_css``), from ``docs/_overrides``, the theme's ``custom_dir``."""
EDITIONS = pytest.mark.parametrize("edition", ["", "zh/"], ids=["en", "zh"])


@pytest.fixture(scope="session")
def zensical_site(zensical_build: Build) -> Path:
    """Return the folder of the run's Zensical build of both editions."""
    return require_clean(zensical_build, "zensical build").site


@pytest.fixture(scope="session")
def zensical_url(zensical_site: Path) -> Iterator[str]:
    """Serve the Zensical build on a free port of 127.0.0.1."""
    with serve(zensical_site) as url:
        yield url


def open_zensical(context: BrowserContext, url: str) -> tuple[Page, Watch]:
    """Open a page of the Zensical build in a new tab, loaded with its search index and icon."""
    return open_page(context, url, LOADED)


def unexpected(problems: list[str], base_url: str) -> list[str]:
    """Return the problems a page had, but the English edition's missing stylesheet, a loss
    of its own (:func:`test_the_kits_stylesheet_loads_in_the_chinese_edition_only`)."""
    missing = base_url + STYLESHEET
    return [problem for problem in problems if missing not in problem]


def search(page: Page, words: str) -> list[str]:
    """Search the page's edition for ``words``; return the result links shown (the first
    ones: the dialog draws more as it scrolls), or fail if none is shown."""
    page.locator("[data-md-component=search]").click()  # the header's button opens the dialog
    field = page.locator(SEARCH_FIELD)
    field.fill(words)  # Zensical searches as the field's value changes
    expect(field).to_have_value(words)
    results = page.locator(SEARCH_RESULTS)
    expect(results.first, f"no result for {words!r}").to_be_visible(timeout=10_000)
    return [unquote(href) for href in results.evaluate_all("as => as.map(a => a.href)")]


def test_search_finds_docker_push(context: BrowserContext, zensical_url: str) -> None:
    page, watch = open_zensical(context, zensical_url)
    try:
        links = search(page, "docker push")
        assert any(zensical_url + PUSH_PAGE in link for link in links), f"no push step: {links}"
    finally:
        problems = watch.close()
    assert not unexpected(problems, zensical_url), "\n".join(problems)


def test_the_english_search_lists_the_chinese_pages_too(
    context: BrowserContext, zensical_url: str
) -> None:
    """A loss: the English edition's search finds the Chinese pages as well (推送, "push",
    finds only Chinese pages; MkDocs' English search finds nothing), because Zensical ignores
    ``exclude_docs`` and builds ``docs/zh/`` into the English edition and its index too."""
    page, watch = open_zensical(context, zensical_url)
    try:
        links = search(page, "推送")
        assert all(link.startswith(zensical_url + "zh/") for link in links), links
    finally:
        problems = watch.close()
    assert not unexpected(problems, zensical_url), "\n".join(problems)


@pytest.mark.parametrize(
    ("words", "page"), [("登录", "02-login"), ("推送", "04-push"), ("明文", "02-login")]
)
def test_chinese_search_finds_the_step(
    context: BrowserContext, zensical_url: str, words: str, page: str
) -> None:
    """The Chinese edition's search finds a step by a Chinese word, 明文 ("plain text") too,
    inside a sentence of step 2, which MkDocs' search finds only with jieba's word cuts: Zensical
    0.0.59 matches a Chinese query character by character (see the next test)."""
    tab, watch = open_zensical(context, zensical_url + "zh/index.html")
    try:
        links = search(tab, words)
        assert any(f"zh/notebooks/{page}.html" in link for link in links), f"no {page}: {links}"
    finally:
        problems = watch.close()
    assert not unexpected(problems, zensical_url), "\n".join(problems)


def test_chinese_search_does_not_cut_the_text_into_words(
    context: BrowserContext, zensical_site: Path, zensical_url: str
) -> None:
    """A loss: Zensical 0.0.59 does not cut Chinese into words, and matches a Chinese query
    character by character. 保文 is no word and is nowhere on the site, yet it finds pages, step
    2 among them (as 文保 does, the end of 明文 and the start of 保存 in its 以明文保存); MkDocs'
    search, with jieba's cuts, finds nothing for either. Zensical segments Chinese from its
    releases of July 2026 on (zensical/zensical#834): this test should fail with them."""
    index = json.loads((zensical_site / "zh" / "search.json").read_text(encoding="utf-8"))
    on_the_site = [item["location"] for item in index["items"] if "保文" in str(item)]
    assert not on_the_site, f"保文 is on the site now, in {on_the_site}: take another order"
    tab, watch = open_zensical(context, zensical_url + "zh/index.html")
    try:
        links = search(tab, "保文")
        assert any("zh/notebooks/02-login.html" in link for link in links), links
    finally:
        problems = watch.close()
    assert not unexpected(problems, zensical_url), "\n".join(problems)


def language_links(page: Page) -> list[tuple[str, str]]:
    """Return the language menu's entries: each one's name and the address it leads to."""
    links = page.locator(".md-header__option .md-select__link").evaluate_all(
        "as => as.map(a => [a.textContent.trim(), a.href])"
    )
    return [(name, href) for name, href in links]


def test_the_language_menu_switches_to_the_same_page(
    context: BrowserContext, zensical_url: str
) -> None:
    """From the English push step, the language menu leads to the Chinese push step, as with
    MkDocs. A loss: the Chinese pages' menu lists both editions twice, and its first "English"
    leads back to the Chinese page (its first "中文" to ``zh/zh/``, which does not exist),
    because Zensical's ``INHERIT`` appends ``mkdocs.zh.yml``'s lists to those of ``mkdocs.yml``
    (here ``extra.editions``, whose links are relative to the English root), where MkDocs
    replaces them. The second "English" leads back to the English push step."""
    english, chinese = zensical_url + PUSH_PAGE, zensical_url + "zh/" + PUSH_PAGE
    tab, watch = open_zensical(context, english)
    try:
        assert language_links(tab) == [("English", english), ("中文", chinese)]
        tab.locator(".md-header__option .md-select").hover()  # the menu opens on hover
        tab.get_by_role("link", name="中文", exact=True).click()
        expect(tab).to_have_url(chinese)
        watch.settle(*LOADED)
        assert language_links(tab) == [
            ("English", chinese),
            ("中文", zensical_url + "zh/zh/" + PUSH_PAGE),
            ("English", english),
            ("中文", chinese),
        ]
        tab.locator(".md-header__option .md-select").hover()
        tab.get_by_role("link", name="English", exact=True).last.click()
        expect(tab).to_have_url(english)
        watch.settle(*LOADED)
        expect(tab.locator("article h1").first).to_contain_text("Push an image")
    finally:
        problems = watch.close()
    assert not unexpected(problems, zensical_url), "\n".join(problems)


def nav_titles(config: str) -> list[str]:
    """Return the titles of a configuration's top navigation entries."""
    nav = yaml.safe_load((PROJECT_ROOT / config).read_text(encoding="utf-8"))["nav"]
    return [next(iter(entry)) for entry in nav]


def test_the_chinese_navigation_lists_the_english_one_first(
    context: BrowserContext, zensical_url: str
) -> None:
    """A loss: the Chinese edition's navigation shows the English one's entries (their English
    titles, for the Chinese pages) before its own, for the same reason as the language menu:
    Zensical's ``INHERIT`` appends ``mkdocs.zh.yml``'s ``nav`` to that of ``mkdocs.yml``."""
    tab, watch = open_zensical(context, zensical_url + "zh/index.html")
    try:
        entries = tab.locator("nav.md-nav--primary > ul > li > :is(a, label) .md-ellipsis")
        titles = [" ".join(text.split()) for text in entries.all_inner_texts()]
        # The page being read is listed twice: as its table of contents' label, and its link.
        titles = [title for i, title in enumerate(titles) if title not in titles[i - 1 : i]]
        assert titles == nav_titles("mkdocs.yml") + nav_titles("mkdocs.zh.yml")
    finally:
        problems = watch.close()
    assert not unexpected(problems, zensical_url), "\n".join(problems)


@EDITIONS
def test_a_readers_choice_of_store_holds_on_every_block_and_page(
    browser: Browser, zensical_url: str, edition: str
) -> None:
    """The first tab is the containerd store's. A reader of the classic store who chooses its
    tab once sees the classic store's output in every block of the page, and of the next page
    they open (``content.tabs.link``, which Zensical keeps as Material does)."""
    problems = store_choice_problems(browser, zensical_url, edition, LOADED)
    assert not unexpected(problems, zensical_url), "\n".join(problems)


def _prompt(block: Locator) -> str:
    """Return what CSS draws in front of a command: ``"$ "``, or ``none``."""
    return block.locator("code").evaluate("c => getComputedStyle(c, '::before').content")


@EDITIONS
def test_copy_button_copies_a_notebook_command(
    context: BrowserContext, zensical_url: str, edition: str
) -> None:
    """The copy button of a step's command gives the command alone, ready for bash or zsh:
    no ``!``, and not the ``$`` prompt. That prompt is drawn in the Chinese edition only: the
    English one lacks the kit's stylesheet (see the next test)."""
    page, watch = open_zensical(context, zensical_url + edition + PUSH_PAGE)
    try:
        command = push_command()
        block = page.locator(".kit-command", has_text=command).first
        expect(block).to_contain_text(command)
        assert _prompt(block) == ('"$ "' if edition else "none")
        block.hover()
        assert copied_by(page, block.locator(COPY_BUTTON)) == command
    finally:
        problems = watch.close()
    assert not unexpected(problems, zensical_url), "\n".join(problems)


@EDITIONS
def test_the_kits_stylesheet_loads_in_the_chinese_edition_only(
    context: BrowserContext, zensical_url: str, edition: str
) -> None:
    """A loss: the English edition's pages ask for the kit's stylesheet and get a 404 (no ``$``
    prompt, none of the kit's other styles), because
    Zensical copies a ``custom_dir``'s files only when it lies outside ``docs_dir``:
    ``docs/_overrides`` does for the Chinese edition (``docs/zh``), not for the English one
    (measured: moved out of ``docs/``, it is copied)."""
    _, watch = open_zensical(context, zensical_url + edition + PUSH_PAGE)
    problems = watch.close()
    if edition:
        assert not problems, "\n".join(problems)
    else:
        assert f"HTTP 404: {zensical_url}{STYLESHEET}" in problems, problems
    assert not unexpected(problems, zensical_url), "\n".join(problems)
