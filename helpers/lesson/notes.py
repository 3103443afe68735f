"""Notes in a lesson, written so that Jupyter and the site both show them as notes.

A note is a block quote whose first line names its kind and title in bold, then an empty
quoted line, then its text::

    > **Warning — Your password is stored in plain text**
    >
    > After `docker login`, ...

Jupyter shows that as a quoted paragraph with a bold heading; the site turns it into
Material's box of that kind (``as_admonitions``), with the same title. (Material's own
``!!! warning "Title"`` showed as raw text in Jupyter.)
"""

from __future__ import annotations

import re

LABELS = {
    "en": {"note": "Note", "info": "Good to know", "warning": "Warning", "danger": "Danger"},
    "zh": {"note": "说明", "info": "补充", "warning": "警告", "danger": "危险"},
}
"""The bold label that names a note's kind, in each language's notebooks."""

KIND_OF = {label: kind for labels in LABELS.values() for kind, label in labels.items()}

NOTE = re.compile(
    r"^> \*\*(?P<label>[^*\n]+?) — (?P<title>[^*\n]+)\*\*\n>\n(?P<body>(?:>.*(?:\n|$))+)",
    re.MULTILINE,
)


def as_admonitions(markdown: str) -> str:
    """Return Markdown with each note of a known kind written as Material's admonition."""

    def admonition(found: re.Match[str]) -> str:
        kind = KIND_OF.get(found["label"])
        if kind is None:
            return found[0]
        lines = [line.removeprefix(">").removeprefix(" ") for line in found["body"].splitlines()]
        body = "".join(f"    {line}\n" if line else "\n" for line in lines)
        title = found["title"].replace('"', "&quot;")
        return f'!!! {kind} "{title}"\n{body}'

    return NOTE.sub(admonition, markdown)


def note(kind: str, title: str, text: str, language: str = "en") -> str:
    """Return a note as a lesson writes it (see the module's docstring)."""
    lines = [f"> **{LABELS[language][kind]} — {title}**", ">"]
    lines += [f"> {line}" if line else ">" for line in text.splitlines()]
    return "\n".join(lines)
