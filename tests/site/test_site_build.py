"""The documentation site, built for real with ``scripts/site``, checked file by file.

The site must show each notebook's stored outputs (the ones nbval verifies) and nothing typed
by hand in their place, hide the set-up cells, carry no terminal codes, build-machine paths or
credentials other than the demo ones, load nothing from the network, and have no broken links,
opened from a server or straight from disk: every link names a file (``notebooks/04-push.html``),
never a folder that only a web server would turn into its ``index.html``.

Each built file is read, and each page parsed, once per run; the tests share those results.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
import shlex
import subprocess
import sys
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
from site_support import (
    DOCS_DIR,
    NOTEBOOKS_DIR,
    PROJECT_ROOT,
    Block,
    Build,
    Reference,
    cell_source,
    is_setup,
    load_notebook,
    normalize,
    notebook_paths,
    notebook_url,
    page_blocks,
    references_and_ids,
    require_clean,
    text_content,
)

from helpers.engine.image_store import CLASSIC, PROFILES
from helpers.lesson import notebooks as lesson
from helpers.lesson import notes, recorded
from helpers.site import docker_only
from helpers.site.words import WORDS
from tests.plugins.run_config import RunConfig

DEMO_AUTH = base64.b64encode(b"learner:learner-pass").decode()
TEXT_SUFFIXES = {".html", ".json", ".xml", ".ipynb", ".txt"}
LOADING_TAGS = {"script", "img", "iframe", "source", "video", "audio", "embed", "link"}
TERMINAL_CODES = re.compile(r"\x1b|\\u001b|&#27;|&#x1b;|class=\"ansi-|\[\d{1,3}(?:;\d{1,3})*m")
HOST_PATH = re.compile(r"(?<![\w.~/-])/(?:root|work|tmp)\b")
BASE64 = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{12,}={0,2}(?![A-Za-z0-9+/=])")
CREDENTIAL = re.compile(r"[^\s:]{1,64}:\S{1,128}")


def html_pages(site: Path) -> list[Path]:
    """Return every HTML file of the built site."""
    return sorted(site.rglob("*.html"))


def text_files(site: Path) -> list[Path]:
    """Return every file of the site a reader could read as text (scripts and CSS aside)."""
    return sorted(p for p in site.rglob("*") if p.suffix in TEXT_SUFFIXES)


@cache
def read(path: Path) -> str:
    """Return a built file's text (each file is read once per run)."""
    return path.read_text(encoding="utf-8")


@cache
def parsed(path: Path) -> tuple[list[Reference], frozenset[str]]:
    """Return a built page's references and ids (each page is parsed once per run)."""
    references, ids = references_and_ids(read(path))
    return references, frozenset(ids)


@cache
def links(path: Path) -> list[str]:
    """Return the value of every href and src of a built page, in page order."""
    return [ref.value for ref in parsed(path)[0]]


@cache
def visible_text(path: Path) -> str:
    """Return a built page's text, whitespace collapsed (computed once per page)."""
    return normalize(text_content(read(path)))


def notebook_page(site: Path, notebook: Path) -> Path:
    """Return the built page of a notebook: ``notebooks/04-push.html`` for 04-push.ipynb."""
    return site / notebook_url(notebook)


def shown_cells(notebook: Path) -> list[dict]:
    """Return a notebook's code cells that the site shows (all but the set-up)."""
    cells = load_notebook(notebook)["cells"]
    return [c for c in cells if c["cell_type"] == "code" and not is_setup(c)]


def setup_cells(notebook: Path) -> list[dict]:
    """Return a notebook's cells tagged ``setup``."""
    return [c for c in load_notebook(notebook)["cells"] if is_setup(c)]


NOTEBOOKS = notebook_paths()
RECORDED_ON = {seen["architecture"] for seen in recorded.recorded().values()}.pop()
"""The one architecture the stored outputs were recorded on (the pages show them)."""
NOTEBOOK_IDS = [path.stem for path in NOTEBOOKS]


def test_notebooks_exist() -> None:
    assert NOTEBOOKS, f"no notebooks in {NOTEBOOKS_DIR}: the site has no steps to show"


def test_build_passes_without_warnings(build: Build) -> None:
    require_clean(build)
    problems = [line for line in build.log.splitlines() if re.match(r"\s*(WARNING|ERROR)", line)]
    assert not problems, "mkdocs warned:\n" + "\n".join(problems)
    assert "\x1b" not in build.log, "the build printed terminal codes (a banner?):\n" + build.log


def test_steps_are_in_reading_order(site: Path) -> None:
    home = links(site / "index.html")
    steps = [link for link in dict.fromkeys(home) if re.fullmatch(r"notebooks/[^/]+\.html", link)]
    assert steps == [notebook_url(stem) for stem in NOTEBOOK_IDS]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_every_notebook_is_a_page_in_the_navigation(site: Path, notebook: Path) -> None:
    page = notebook_page(site, notebook)
    assert page.is_file(), f"{notebook.name} has no page at {page.relative_to(site)}"
    assert notebook_url(notebook) in links(site / "index.html"), f"{notebook.name} not in nav"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_every_notebook_is_offered_for_download(site: Path, notebook: Path) -> None:
    copy = notebook_page(site, notebook).with_suffix(".ipynb")  # notebooks/04-push.ipynb
    assert copy.read_bytes() == notebook.read_bytes(), f"{copy} is not {notebook}"
    assert notebook.name in links(notebook_page(site, notebook)), (
        f"the page of {notebook.name} does not link to it"
    )


def _output_block(kind: str, by_profile: dict[str, str]) -> list[Block]:
    """Return the block a page shows for one cell's outputs: none, one, or one per store."""
    if not any(by_profile.values()):
        return []
    if len(set(by_profile.values())) == 1:
        return [Block(kind, (("*", next(iter(by_profile.values()))),))]
    return [Block(kind, tuple(sorted(by_profile.items())))]


def printed_on(cell: nbformat.NotebookNode, store: str) -> str:
    """Return what a cell printed on a store's reference pair, read straight from the JSON:
    its outputs for the classic store; for the containerd store, those its metadata keeps for
    that store, if it keeps any."""
    kept = cell.metadata.get("docker-share-kit", {}).get("outputs", {})
    outputs = kept.get("containerd", cell.outputs) if store == "containerd" else cell.outputs
    return "".join(output.get("text", "") for output in outputs)


def _transcript(printed: str) -> tuple[list[tuple[str, str]], str]:
    """Split a check's output into (command, what it printed) after each ``$ `` line, and the
    last line, its verdict."""
    *lines, verdict = printed.rstrip("\n").split("\n")
    typed: list[tuple[str, str]] = []
    for line in lines:
        if line.startswith("$ "):
            typed.append((line[2:], ""))
        else:
            typed[-1] = (typed[-1][0], typed[-1][1] + line + "\n")
    return typed, verdict


def expected_blocks(notebook: Path) -> list[Block]:
    """Return what a step page must show, in order, read from the notebook's JSON alone, without the
    functions the page maker uses (``helpers.lesson.notebooks``, ``helpers.lesson.expected``): for
    each code cell but the set-up (tagged ``setup``) its label, each ``!`` line without the ``!``,
    and its stored output per image store; for a check (``steps.check(...)``), each command it ran
    with that command's output, then its verdict."""
    blocks: list[Block] = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type != "code" or "setup" in tags:
            continue
        printed = {p: printed_on(cell, p) for p in PROFILES}
        if cell.source.startswith("steps.check("):
            runs = {p: _transcript(printed[p]) for p in PROFILES}
            for index, (command, _) in enumerate(runs[CLASSIC][0]):
                blocks.append(Block("command", (("*", command),)))
                outputs = {p: runs[p][0][index][1] for p in PROFILES}
                blocks += _output_block("output", outputs)
            blocks += _output_block("verdict", {p: runs[p][1] for p in PROFILES})
            continue
        runs = cell.metadata.get("docker-share-kit", {}).get("runs-platform")
        if "fails-on-purpose" in tags or runs not in (None, f"linux/{RECORDED_ON}"):
            blocks.append(Block("fails"))  # a foreign build fails where the pages were recorded
        commands = re.findall(r"^!(.*)$", cell.source, flags=re.MULTILINE)
        blocks += [Block("command", (("*", command.strip()),)) for command in commands]
        blocks += _output_block("output", printed)
    return blocks


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_page_shows_each_cell_in_order_byte_for_byte(site: Path, notebook: Path) -> None:
    """Each visible cell's commands and each stored output (both image stores) are on the page
    in the cell's place, whitespace kept: text shown elsewhere on the page does not count."""
    shown = page_blocks(read(notebook_page(site, notebook)))
    wanted = expected_blocks(notebook)
    assert wanted, f"{notebook.name} has no code cells to show"
    for index, (want, got) in enumerate(zip(wanted, shown, strict=False)):
        assert got == want, f"{notebook.name}, block {index}: the page shows\n{got}\nnot\n{want}"
    assert len(shown) == len(wanted), f"{notebook.name}: {len(shown)} blocks, not {len(wanted)}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_outputs_that_differ_by_image_store_are_labelled_tabs(site: Path, notebook: Path) -> None:
    """Where the stores print different things, the page labels each tab by who sees it."""
    page = read(notebook_page(site, notebook))
    if 'class="tabbed-set' in page:
        for label in WORDS["en"].who_sees.values():
            assert f">{label}</label>" in page


def test_no_command_keeps_ipythons_bang_or_a_shell_comment(site: Path) -> None:
    """A command pasted from the site runs in bash or zsh: no ``!`` in front (history
    expansion there), no ``# expect failure`` behind (not a comment in an interactive zsh)."""
    bad = [
        f"{page.relative_to(site)}: {block.text!r}"
        for page in html_pages(site)
        for block in page_blocks(read(page))
        if block.kind == "command"
        and (block.text.lstrip().startswith("!") or "#" in block.text or not block.text.strip())
    ]
    assert not bad, "commands a terminal would not take as shown:\n" + "\n".join(bad)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_setup_cells_are_hidden(site: Path, notebook: Path) -> None:
    cells = setup_cells(notebook)
    assert cells, f"{notebook.name} has no cell tagged setup"
    text = visible_text(notebook_page(site, notebook))
    for cell in cells:
        assert normalize(cell_source(cell)) not in text, f"{notebook.name}: setup cell shown"
    assert "steps.start(" not in read(notebook_page(site, notebook))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_the_jupyter_only_note_and_the_kits_tools_stay_off_the_step_pages(
    site: Path, notebook: Path
) -> None:
    """The note that tells a reader in Jupyter to run the hidden first cell is not on the site,
    which hides that cell, and a step page names none of the kit's own tools: how the pages
    are made is said once, on the home page, to which each page's footer links."""
    cells = load_notebook(notebook)["cells"]
    notes = [c for c in cells if "jupyter-only" in c["metadata"].get("tags", [])]
    assert len(notes) == 1, f"{notebook.name}: {len(notes)} Jupyter-only notes"
    page = notebook_page(site, notebook)
    text = visible_text(page)
    first_line = normalize(cell_source(notes[0])).splitlines()[0].replace("*", "")
    assert first_line[:60] not in text, f"{notebook.name}: the Jupyter-only note is shown"
    for tool in ("nbval", "scripts/setup", "helpers terminal", "GNUPGHOME"):
        assert tool not in text, f"{notebook.name}: names {tool}"
    assert 'href="../index.html#how-these-pages-work"' in read(page)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_admonitions_render_as_boxes(site: Path, notebook: Path) -> None:
    markup = read(notebook_page(site, notebook))
    text = visible_text(notebook_page(site, notebook))
    assert "!!!" not in text, f"{notebook.name}: an admonition shows as text"
    sources = [cell_source(c) for c in load_notebook(notebook)["cells"]]
    assert not any(re.search(r"^\s*!!! ", source, re.MULTILINE) for source in sources), (
        f"{notebook.name}: Material's admonition form shows as raw text in Jupyter: write a "
        "note as helpers/lesson/notes.py says"
    )
    boxes = {
        (kind, html.unescape(re.sub(r"<[^>]+>", "", title)))
        for kind, title in re.findall(
            r'<div class="admonition (\w+)">\s*<p class="admonition-title">(.*?)</p>', markup
        )
    }
    for source in sources:
        for found in notes.NOTE.finditer(source):
            box = (notes.KIND_OF[found["label"]], found["title"].replace("`", ""))
            assert box in boxes, f"{notebook.name}: no box {box} among {boxes}"
            assert f"{found['label']} —" not in text


def test_no_terminal_codes(site: Path) -> None:
    found = {
        str(page.relative_to(site)): match.group(0)
        for page in html_pages(site)
        for match in [
            TERMINAL_CODES.search(read(page)) or TERMINAL_CODES.search(text_content(read(page)))
        ]
        if match
    }
    assert not found, f"terminal codes in the site: {found}"


def test_no_paths_of_the_build_machine(build: Build, site: Path) -> None:
    literal = {str(PROJECT_ROOT), str(build.site), str(Path.home())} - {"/"}
    found = {}
    for path in text_files(site):
        text = read(path)
        hits = [p for p in literal if p in text] + HOST_PATH.findall(text)
        if hits:
            found[str(path.relative_to(site))] = sorted(set(hits))
    assert not found, f"build-machine paths in the site: {found}"


def test_no_credentials_but_the_demo_ones(site: Path) -> None:
    found = {}
    for path in text_files(site):
        text = read(path)
        secrets = {_credential(token) for token in BASE64.findall(text)} - {None}
        stored = re.findall(r'"auth\\?":\s*\\?"([A-Za-z0-9+/=]*)\\?"', text)
        secrets |= {_credential(value) or f"auth {value!r}" for value in stored}
        # Step 9 names the pass store's folder for the registry, the registry's address in
        # base64: host:port looks like user:secret, and is none. Every other token still counts.
        unexpected = secrets - {"learner:learner-pass", "localhost:5000"}
        if unexpected:
            found[str(path.relative_to(site))] = sorted(unexpected)
    assert not found, f"credentials other than the demo account's: {found}"


def _credential(token: str) -> str | None:
    """Return ``user:secret`` if a base64 token decodes to one, else None."""
    try:
        decoded = base64.b64decode(token + "=" * (-len(token) % 4), validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded if decoded.isprintable() and CREDENTIAL.fullmatch(decoded) else None


def test_demo_credentials_are_the_documented_ones() -> None:
    from helpers import settings

    assert (settings.DEMO_USER, settings.DEMO_PASSWORD) == ("learner", "learner-pass")
    assert base64.b64decode(DEMO_AUTH).decode() == "learner:learner-pass"


def test_internal_links_and_anchors_resolve(site: Path) -> None:
    broken = []
    for page in html_pages(site):
        for ref in parsed(page)[0]:
            problem = _check_reference(site, page, ref.value)
            if problem:
                where = f'{page.relative_to(site)}: <{ref.tag} {ref.attribute}="{ref.value}">'
                broken.append(f"{where} {problem}")
    assert not broken, "broken links:\n" + "\n".join(broken)


def _check_reference(site: Path, page: Path, value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme in ("mailto", "tel", "data"):
        return None
    if parts.scheme or parts.netloc or not value.strip():
        return None if parts.scheme in ("http", "https") else f"unexpected reference {value!r}"
    if not parts.path:
        target = page
    elif parts.path.startswith("/"):
        # 404.html links from the site's root, since a server shows it for any missing address;
        # nothing else may, as a root-relative link leads to the disk's root when read from disk.
        if page != site / "404.html":
            return "is relative to the server's root, which does not work from disk (file://)"
        target = (site / unquote(parts.path).lstrip("/")).resolve()
    else:
        target = (page.parent / unquote(parts.path)).resolve()
    if site.resolve() not in (target, *target.parents):
        return "points outside the site"
    if target.is_dir():
        # A server answers a folder with its index.html; a browser reading from disk lists it.
        return "points at a folder, not a file: it does not work from disk (file://)"
    if not target.is_file():
        return "target does not exist"
    if parts.fragment and target.suffix == ".html":
        ids = parsed(target)[1]
        if unquote(parts.fragment) not in ids:
            return f"no id {parts.fragment!r} in {target.relative_to(site.resolve())}"
    return None


def test_nothing_is_loaded_from_the_network(site: Path) -> None:
    external = []
    for page in html_pages(site):
        markup = read(page)
        for ref in parsed(page)[0]:
            remote = urlsplit(ref.value).scheme in ("http", "https") or ref.value.startswith("//")
            if remote and ref.tag in LOADING_TAGS:
                external.append(f"{page.relative_to(site)}: <{ref.tag}> {ref.value}")
        external += [
            f"{page.relative_to(site)}: {hit}"
            for hit in re.findall(r"""import\(\s*["'](?:https?:)?//[^"']+""", markup)
        ]
    for sheet in site.rglob("*.css"):
        external += [
            f"{sheet.relative_to(site)}: {hit}"
            for hit in re.findall(r"""url\(\s*["']?(?:https?:)?//[^)]+""", read(sheet))
        ]
    assert not external, "the site would load from the network:\n" + "\n".join(external)


def test_empty_sources_are_not_left_in_pages(site: Path) -> None:
    empty = [
        f"{page.relative_to(site)}: <{ref.tag} {ref.attribute}>"
        for page in html_pages(site)
        for ref in parsed(page)[0]
        if not ref.value.strip()
    ]
    assert not empty, "empty src or href (MathJax loader left in?):\n" + "\n".join(empty)


# The commands the Markdown pages include come from docs/_snippets/*.sh; each line must name
# something real. Running them all would mean running the whole tutorial, so each kind of
# command is checked the cheapest real way: the kit's CLI parses its verb, files exist. The
# path with only Docker (docker_only.SNIPPETS, written by scripts/site) is the reader's own
# commands, not the kit's: tests/terminal/test_docker_only.py types every one of them.


def snippet_commands() -> list[tuple[str, str]]:
    """Return (snippet file, command line) for every command in docs/_snippets."""
    return [
        (path.name, line.strip())
        for path in sorted((DOCS_DIR / "_snippets").glob("*.sh"))
        if path.name != docker_only.SNIPPETS
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


@pytest.mark.parametrize(("snippet", "command"), snippet_commands())
def test_snippet_commands_are_real(snippet: str, command: str, run_config: RunConfig) -> None:
    words = shlex.split(command)
    while re.fullmatch(r"[A-Z_]+=\S*", words[0]):  # a variable set for the command alone
        words.pop(0)
    program = words[0]
    if program == "git":
        done = subprocess.run(
            words, cwd=PROJECT_ROOT, env=run_config.child(), capture_output=True, text=True
        )
        assert done.returncode == 0, f"{snippet}: `{command}` failed: {done.stderr}"
    else:
        assert program.startswith(("scripts/", ".venv/bin/")), (
            f"{snippet}: no check for `{command}`; add one to this test"
        )
        executable = PROJECT_ROOT / program
        assert executable.is_file(), f"{snippet}: {program} does not exist"
        assert executable.stat().st_mode & 0o111, f"{snippet}: {program} is not executable"
    if words[:3] == [".venv/bin/python", "-m", "helpers"]:
        verb = [sys.executable, "-m", "helpers", *words[3:], "--help"]
        done = subprocess.run(
            verb, cwd=PROJECT_ROOT, env=run_config.child(), capture_output=True, text=True
        )
        assert done.returncode == 0, f"{snippet}: `{command}` is not a kit command: {done.stderr}"
    if program == ".venv/bin/jupyter":
        sub = PROJECT_ROOT / f".venv/bin/jupyter-{words[1]}"
        assert sub.is_file(), f"{snippet}: jupyter has no `{words[1]}` command"
    for word in words[1:]:
        if "/" in word and not word.startswith(("-", "http")):
            assert (PROJECT_ROOT / word).exists(), f"{snippet}: {word} does not exist"


def test_every_snippet_is_included_somewhere() -> None:
    both_editions = [*DOCS_DIR.glob("*.md"), *(DOCS_DIR / "zh").glob("*.md")]
    pages = "\n".join(p.read_text(encoding="utf-8") for p in both_editions)
    unused = [
        path.name for path in (DOCS_DIR / "_snippets").glob("*.sh") if f'"{path.name}' not in pages
    ]
    assert not unused, f"snippets no page includes: {unused}"


# docs/docker-hub.md sets the commands the steps run beside their Docker Hub forms; the left
# column must be commands the notebooks really run, the right one the same with Hub's names.


def notebook_commands() -> set[str]:
    """Return every ``!command`` the notebooks run, without a trailing comment."""
    commands = set()
    for notebook in NOTEBOOKS:
        for cell in shown_cells(notebook):
            for line in cell_source(cell).splitlines():
                if line.startswith("!"):
                    commands.add(re.sub(r"\s+#.*$", "", line[1:]).strip())
    return commands


def hub_table() -> list[tuple[str, str]]:
    """Return (this tutorial, Docker Hub) command pairs from docs/docker-hub.md."""
    text = (DOCS_DIR / "docker-hub.md").read_text(encoding="utf-8")
    section = text.split("## The same commands", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "`docker" in line]
    pairs = []
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        pairs.append((cells[1].strip("`"), cells[2].strip("`")))
    return pairs


def to_docker_hub(command: str) -> str:
    """Return a tutorial command as it reads for Docker Hub (``USER`` is your Docker ID)."""
    return re.sub(r" localhost:5000$", "", command.replace("localhost:5000/learner/", "USER/"))


def test_docker_hub_page_compares_real_commands() -> None:
    pairs = hub_table()
    assert len(pairs) >= 5, "the Docker Hub page's command table was not found"
    ran = notebook_commands()
    for here, hub in pairs:
        assert here in ran, f"docker-hub.md shows `{here}`, which no notebook runs"
        assert hub == to_docker_hub(here), (
            f"docker-hub.md: `{hub}` should be `{to_docker_hub(here)}`"
        )


def test_the_same_pages_build_with_zensical(zensical_build: Build) -> None:
    """Material's successor, Zensical, builds both editions from the same ``mkdocs.yml`` and
    ``mkdocs.zh.yml`` and the same pages, in strict mode, and every step's page holds each of
    its commands. (What it loses against the MkDocs build, which the other tests here check,
    ``test_zensical_site.py`` measures in the browser; the maintainers page lists it.)"""
    built = require_clean(zensical_build, "zensical build").site
    for path in notebook_paths():
        page = built / notebook_url(path)
        assert page.exists(), f"Zensical made no {notebook_url(path)}"
        shown = normalize(text_content(page.read_text(encoding="utf-8")))
        chinese = built / "zh" / notebook_url(path)
        shown_in_chinese = normalize(text_content(chinese.read_text(encoding="utf-8")))
        assert 'lang="zh"' in chinese.read_text(encoding="utf-8"), f"{chinese} is not Chinese"
        for cell in lesson.read(path).cells:
            for command in lesson.commands(cell):
                assert normalize(command) in shown, f"{page.name} lacks `{command}`"
                assert normalize(command) in shown_in_chinese, f"zh/{page.name} lacks `{command}`"
