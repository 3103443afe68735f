"""The site's Chinese edition (``site/zh``, built from ``mkdocs.zh.yml`` and ``docs/zh`` by the
same ``scripts/site``), checked file by file as the English one is.

The strict build, the link and anchor check, the network check and the browser tests cover both
editions (they walk the whole built site); these tests hold what is the Chinese edition's own:
its step pages show the very cells and outputs of the notebooks, with Chinese labels; every
page switches to itself in the other language; the glossary lists the terms.
"""

from __future__ import annotations

import html
import json
import re
from functools import cache
from pathlib import Path

import nbformat
import pytest
from site_support import DOCS_DIR, notebook_paths, page_blocks
from test_site_build import expected_blocks, html_pages, printed_on

from helpers.lesson import translations
from helpers.site.words import WORDS

ZH = translations.LANGUAGE
NOTEBOOKS = notebook_paths()
GLOSSARY = {
    "registry": "注册表",
    "repository": "仓库",
    "image": "镜像",
    "tag": "标签",
    "digest": "摘要",
    "layer": "层",
    "credentials": "凭据",
    "credential helper": "凭据助手",
    "platform": "平台",
    "image index / manifest list": "镜像索引 / 清单列表",
}
"""The terms the edition uses, one word each (the issue that asked for the edition names them)."""
LANGUAGE_LINK = re.compile(r'<a href="([^"]*)"\s+hreflang="(\w+)"\s+class="md-select__link')


@cache
def read(page: Path) -> str:
    return page.read_text(encoding="utf-8")


def chinese_page(site: Path, notebook: Path) -> Path:
    return site / ZH / "notebooks" / f"{notebook.stem}.html"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_chinese_step_page_shows_each_cell_in_order_byte_for_byte(
    site: Path, notebook: Path
) -> None:
    """The Chinese page of a step shows the same commands and stored outputs, in the same
    places, as the English one: the Chinese notebook's code cells are the English ones."""
    chinese = translations.chinese_notebook(notebook)
    shown = page_blocks(read(chinese_page(site, notebook)))
    assert shown == expected_blocks(chinese) == expected_blocks(notebook)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_chinese_step_page_speaks_chinese_around_the_cells(site: Path, notebook: Path) -> None:
    page = read(chinese_page(site, notebook))
    english = read(site / "notebooks" / f"{notebook.stem}.html")
    assert '<html lang="zh"' in page
    for label in ("fails_on_purpose", "check_title"):
        said_in_english = getattr(WORDS["en"], label)
        assert said_in_english not in page
        assert english.count(said_in_english) == page.count(getattr(WORDS[ZH], label))
    assert "本页就是 <code>notebooks/zh/" in page
    assert "This page is" not in page
    said = re.findall(r'<p class="kit-verdict-words">检查结论：([^<]+)</p>', page)
    assert said, "no verdict in Chinese"
    assert all(re.search(r"[\u4e00-\u9fff]", sentence) for sentence in said), said


VALUE = re.compile(r"sha256:[0-9a-f]+|\b[0-9a-f]{12}\b|\d+(?:\.\d+)*")
"""What a verdict names that a store changes: digests, IDs, numbers."""
VERDICT_WORDS = re.compile(r'<p class="kit-verdict-words">检查结论：([^<]+)</p>')


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_each_chinese_verdict_is_its_own_stores(site: Path, notebook: Path) -> None:
    """Under each check, the Chinese verdict names the values of the English verdict it
    translates: one sentence where both stores' verdicts are the same, else one per store,
    labelled with that store's tab, naming that store's digests and numbers (read from the
    notebook's JSON, not through the page maker's translation)."""
    page = read(chinese_page(site, notebook))
    said = iter(html.unescape(line) for line in VERDICT_WORDS.findall(page))
    labels = {store: f"（{label}）" for store, label in WORDS[ZH].who_sees.items()}
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type != "code" or not cell.source.startswith("steps.check("):
            continue
        verdicts = {s: printed_on(cell, s).rstrip("\n").split("\n")[-1] for s in labels}
        if len(set(verdicts.values())) == 1:
            lines = {store: next(said, "") for store in list(labels)[:1]}
            assert all(lines.values()), f"no Chinese verdict for {verdicts}"
        else:
            lines = {}
            for sentence in (next(said, ""), next(said, "")):
                store = next((s for s, label in labels.items() if sentence.endswith(label)), "")
                assert store, f"{sentence!r} is not labelled with a store's tab"
                lines[store] = sentence.removesuffix(labels[store])
            assert lines.keys() == labels.keys(), f"one store's verdict twice: {lines}"
        for store, sentence in lines.items():
            assert sorted(VALUE.findall(sentence)) == sorted(VALUE.findall(verdicts[store])), (
                f"{store}: {sentence!r} does not name the values of {verdicts[store]!r}"
            )
    assert next(said, None) is None, "a Chinese verdict that no check gave"


def test_every_page_switches_to_itself_in_the_other_language(site: Path) -> None:
    """Each page's language menu leads to the same page in each edition, or, for a page only
    the Chinese edition has, to the English home."""
    wrong = []
    for page in html_pages(site):
        if page.name == "404.html":
            continue
        links = dict((lang, href) for href, lang in LANGUAGE_LINK.findall(read(page)))
        relative = page.relative_to(site).as_posix()
        same = relative.removeprefix(f"{ZH}/")
        wanted = {"en": same, ZH: f"{ZH}/{same}"}
        if (DOCS_DIR / ZH / f"{Path(same).stem}.md").exists() and not (
            DOCS_DIR / f"{Path(same).stem}.md"
        ).exists():
            wanted["en"] = "index.html"
        for lang, target in wanted.items():
            href = links.get(lang)
            landed = (page.parent / href).resolve() if href is not None else None
            if landed != (site / target).resolve():
                wrong.append(f"{relative}: {lang} leads to {href!r}, not {target}")
    assert not wrong, "\n".join(wrong)


def test_the_glossary_gives_one_chinese_word_for_each_term(site: Path) -> None:
    page = read(site / ZH / "glossary.html")
    for english, chinese in GLOSSARY.items():
        assert re.search(rf"<td>{english}</td>\s*<td>{chinese}</td>", page), english


def test_the_chinese_edition_has_a_page_for_registries_used_in_mainland_china(site: Path) -> None:
    page = read(site / ZH / "china.html")
    for registry in ("registry.cn-hangzhou.aliyuncs.com", "ccr.ccs.tencentyun.com"):
        assert registry in page
    assert "registry-mirrors" in page


def test_chinese_search_splits_words_at_chinese_punctuation(site: Path) -> None:
    """The Chinese search index splits words where jieba cut them (zero-width spaces), and at
    the ideographic space and Chinese punctuation, as Material's Chinese language pack sets
    it: no separator of the kit's own drops those."""
    index = json.loads((site / "zh" / "search" / "search_index.json").read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    assert separator.split("推送\u200b镜像\u3000拉取，登录。退出、标签；") == [
        "推送", "镜像", "拉取", "登录", "退出", "标签", ""
    ]  # fmt: skip


def test_comments_in_the_chinese_code_blocks_are_chinese(site: Path) -> None:
    """Every comment in a code block of the Chinese edition (Pygments marks them) speaks
    Chinese: a reader who knows no English reads what each command does."""
    english = [
        f"{page.relative_to(site)}: {html.unescape(comment)}"
        for page in sorted((site / "zh").rglob("*.html"))
        for comment in re.findall(r'<span class="c1?">([^<]*)</span>', read(page))
        if not re.search(r"[\u4e00-\u9fff]", comment)
    ]
    assert not english, english
