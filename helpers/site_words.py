"""What the site's step pages say around the notebooks' cells, in each edition's language.

The cells themselves come from the notebooks (``notebooks/`` and, in Chinese, ``notebooks/zh``);
these few labels are the page maker's own (``helpers.site_pages``).
"""

from __future__ import annotations

from dataclasses import dataclass

from helpers.image_store import CLASSIC, CONTAINERD, PROFILES


@dataclass(frozen=True)
class Words:
    """The labels of one edition's step pages."""

    fails_on_purpose: str
    """Above a command whose failure is the lesson."""
    check_title: str
    """Above the commands a step check ran."""
    who_sees: dict[str, str]
    """Each image store's tab, by who sees its output."""
    verdict: str | None = None
    """Under a check's verdict, which is a stored output and stays English: its sentence in
    this language (``{}``), or nothing."""


WORDS = {
    "en": Words(
        "fails on purpose",
        "What the check looks at",
        {name: profile.who_sees_it for name, profile in PROFILES.items()},
    ),
    "zh": Words(
        "预期会失败",
        "检查查看的内容",
        {
            CLASSIC: "Docker Engine 28 及更早版本，与指南相同",
            CONTAINERD: "Docker Desktop、Docker Engine 29+",
        },
        "检查结论：{}",
    ),
}
