"""What the site's step pages say around the notebooks' cells, in each edition's language.

The cells themselves come from the notebooks (``notebooks/`` and, in Chinese, ``notebooks/zh``);
these few labels are the page maker's own (``helpers.site.pages``).
"""

from __future__ import annotations

from dataclasses import dataclass

from helpers import messages
from helpers.engine.image_store import CLASSIC, CONTAINERD, PROFILES
from helpers.lesson.recorded import verified_engines


@dataclass(frozen=True)
class Words:
    """The labels of one edition's step pages."""

    fails_on_purpose: str
    """Above a command whose failure is the lesson."""
    fails_where_not_runnable: str
    """Above a command that runs a platform's program, which fails where it cannot run
    (``{platform}``)."""
    check_title: str
    """Above the commands a step check ran."""
    who_sees: dict[str, str]
    """Each image store's tab, by who sees its output."""
    verdict: str | None = None
    """Under a check's verdict, which is a stored output and stays English: its sentence in
    this language (``{}``), or nothing."""


def _verified(store: str) -> str:
    return ", ".join(verified_engines(store))


WORDS = {
    "en": Words(
        "fails on purpose",
        "fails on purpose where {platform} programs cannot run",
        "What the check looks at",
        {
            name: f"{profile.who_sees_it}; verified on Docker {_verified(name)}"
            for name, profile in PROFILES.items()
        },
    ),
    "zh": Words(
        "预期会失败",
        "在不能运行 {platform} 程序的机器上预期会失败",
        "本步检查项",
        {
            CLASSIC: f"经典镜像存储（Linux 上 28 及更早版本的引擎，以及升级安装的引擎）；"
            f"已在 Docker {_verified(CLASSIC)} 上验证",
            CONTAINERD: f"containerd 镜像存储（Docker Desktop；新安装的 Engine 29+）；"
            f"已在 Docker {_verified(CONTAINERD)} 上验证",
        },
        messages.VERDICT_IN_CHINESE,
    ),
}
