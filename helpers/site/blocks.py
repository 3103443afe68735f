"""The HTML blocks of a step page: commands, outputs, content tabs per image store, and a
check with its verdict.

Each is raw HTML with every newline and tab written as a character reference, so that
Markdown keeps an output byte for byte; the tabs are written as pymdownx.tabbed writes them,
so that Material's script switches them (``content.tabs.link`` keeps a reader's choice).
"""

from __future__ import annotations

import html
from typing import Any

from helpers import messages
from helpers.engine import image_store
from helpers.errors import KitError
from helpers.lesson import expected
from helpers.lesson import notebooks as lesson
from helpers.site.words import Words

TAB_ORDER = (image_store.CONTAINERD, image_store.CLASSIC)
"""Most learners in 2026 run an engine with the containerd image store: their tab comes first."""


class TabNumbers:
    """Number content-tab sets as pymdownx.tabbed does (``__tabbed_<set>_<tab>``), from 900,
    clear of any set a page's own Markdown makes; Material's script needs the numbering."""

    def __init__(self) -> None:
        self.next = 900

    def take(self) -> int:
        self.next += 1
        return self.next - 1


def command_cell(cell: Any, tabs: TabNumbers, words: Words) -> str:
    """Show a cell of commands: its label if it fails on purpose (where the recorded engines
    could not run the platform it runs, say so), each command, and what the last printed (per
    image store where the stores printed different things)."""
    blocks = []
    platform = lesson.platform_run(cell)
    if lesson.fails_on_purpose(cell):
        blocks.append(f'<p class="kit-fails">{words.fails_on_purpose}</p>')
    elif platform and lesson.fails_on(cell, expected.recorded_runnable(TAB_ORDER[0])):
        said = words.fails_where_not_runnable.format(platform=platform)
        blocks.append(f'<p class="kit-fails">{_escaped(said)}</p>')
    blocks += [_command_block(command) for command in lesson.commands(cell)]
    by_profile = {p: expected.printed_text(expected.cell_outputs(cell, p)) for p in TAB_ORDER}
    blocks.append(_output(by_profile, tabs, words))
    return "\n\n".join(block for block in blocks if block)


def check_cell(cell: Any, tabs: TabNumbers, words: Words) -> str:
    """Show a check as a terminal would: each command it ran, what that printed, and then
    the check's verdict (per image store where the printed values differ)."""
    runs = {
        p: lesson.check_transcript(expected.printed_text(expected.cell_outputs(cell, p)))
        for p in TAB_ORDER
    }
    commands = [[typed.command for typed in runs[p][0]] for p in TAB_ORDER]
    if commands[0] != commands[1]:
        raise KitError(f"The check {cell.source!r} ran other commands on the two stores.")
    blocks = [f'<div class="kit-check"><p class="kit-check-title">{words.check_title}</p>']
    for index, command in enumerate(commands[0]):
        blocks.append(_command_block(command))
        blocks.append(_output({p: runs[p][0][index].output for p in TAB_ORDER}, tabs, words))
    verdicts = {p: runs[p][1] for p in TAB_ORDER}
    blocks.append(_output(verdicts, tabs, words, css="kit-verdict"))
    if words.verdict is not None:
        blocks.append(_verdict_in_words(verdicts, words.verdict, words))
    blocks.append("</div>")
    return "".join(blocks)  # one line: a raw HTML block that Markdown leaves alone


VERDICT = "ok: "
"""How a check's verdict line begins (``steps.check``)."""


def _verdict_in_words(verdicts: dict[str, str], template: str, words: Words) -> str:
    """Return a check's verdict in the page's language, under the stored English one: one line,
    or one per image store, labelled, where the stores' verdicts differ (a digest, say)."""
    differ = len(set(verdicts.values())) > 1
    lines = []
    for profile in TAB_ORDER if differ else TAB_ORDER[:1]:
        sentence = messages.in_chinese(verdicts[profile].strip().removeprefix(VERDICT))
        label = f"（{words.who_sees[profile]}）" if differ else ""
        said = html.escape(template.format(sentence) + label, quote=False)
        lines.append(f'<p class="kit-verdict-words">{said}</p>')
    return "".join(lines)


def _escaped(text: str) -> str:
    """Escape text for a raw HTML block that Markdown must leave as it is."""
    return html.escape(text, quote=False).replace("\t", "&#9;").replace("\n", "&#10;")


def _command_block(command: str) -> str:
    return f'<div class="highlight kit-command"><pre><code>{_escaped(command)}</code></pre></div>'


def _pre(text: str, css: str) -> str:
    return f'<pre class="{css} no-copy"><code>{_escaped(text)}</code></pre>'


def _output(
    by_profile: dict[str, str], tabs: TabNumbers, words: Words, css: str = "kit-output"
) -> str:
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
        f'<label for="{name}_{i}">{words.who_sees[p]}</label>'
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
