"""The kit's own sentences in the learner's language.

Each sentence the kit shows in a notebook when something goes wrong (a step check that finds a step
not done, a command that failed, no engine) is written in English where it is raised. The Chinese
notebooks run in the kernel ``docker-share-kit-zh`` (``helpers.lesson.jupyter_kernel``), whose
environment says ``KIT_LANGUAGE=zh``; there ``bang`` shows each such sentence through
``in_language``: the template it matches in ``messages_zh.yml`` (the English template, with ``{}``
for each value, to the Chinese, with ``{0}``, ``{1}``...), filled with the values it carried. A
sentence that matches no template stays English.
``tests/lesson/test_messages.py`` reads the modules a notebook runs and fails, naming it, for
any sentence they raise that has no template.

The verdict line of a step check (``ok: ...``) is a stored output, the same in both editions,
and stays English.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from helpers import environment

LANGUAGE_VARIABLE = environment.LANGUAGE
CHINESE = Path(__file__).with_name("messages_zh.yml")
"""The Chinese of every sentence the kit raises in a notebook, by English template."""


def templates() -> dict[str, str]:
    """Return the Chinese templates, by English template."""
    return dict(yaml.safe_load(CHINESE.read_text(encoding="utf-8")) or {})


def pattern(template: str) -> re.Pattern[str]:
    """Return the pattern of the sentences an English template makes (``{}``: any value)."""
    parts = re.split(r"(\{\{|\}\}|\{\})", template)
    literal = {"{{": "{", "}}": "}"}
    return re.compile(
        "".join("(.*?)" if part == "{}" else re.escape(literal.get(part, part)) for part in parts),
        re.DOTALL,
    )


@cache
def _compiled() -> list[tuple[re.Pattern[str], str]]:
    """Return the templates, the one with the most fixed text first: where two make the same
    sentence (``...see {}.`` and ``...see {}; {}``), the more particular one is meant."""
    by_detail = sorted(templates().items(), key=lambda item: -len(item[0].replace("{}", "")))
    return [(pattern(english), chinese) for english, chinese in by_detail]


def in_chinese(sentence: str) -> str:
    """Return a sentence of the kit's in Chinese, with its values in Chinese too where they
    are sentences of the kit's; or as it is if no template makes it."""
    for english, chinese in _compiled():
        found = english.fullmatch(sentence)
        if found:
            values = (in_chinese(value) if value != sentence else value for value in found.groups())
            return chinese.format(*values)
    return sentence


def in_language(sentence: str) -> str:
    """Return a sentence of the kit's in the language of this process (``$KIT_LANGUAGE``,
    which the Chinese notebooks' kernel sets; English otherwise)."""
    return in_chinese(sentence) if environment.current().language == "zh" else sentence


VERDICT_IN_CHINESE = "检查结论：{}"
"""How the Chinese edition gives a check's verdict, under the ``ok: ...`` line that both
editions store in English: in a Chinese kernel's output, and on the Chinese step pages."""


def verdict_in_language(verdict: str) -> str | None:
    """Return the line that gives a check's verdict in this process's language, where that is
    not English (the verdict line itself stays English: it is a stored output)."""
    if environment.current().language != "zh":
        return None
    return VERDICT_IN_CHINESE.format(in_chinese(verdict))
