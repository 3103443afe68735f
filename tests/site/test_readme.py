"""The README's promises name tests that exist, so a renamed or removed test cannot leave a
promise that nothing holds."""

from __future__ import annotations

import re

from helpers.paths import PROJECT_ROOT


def test_every_test_the_readme_names_exists() -> None:
    """Each `test_...` the README cites is defined under tests/, and so is each test file."""
    readme = (PROJECT_ROOT / "README.md").read_text()
    cited = set(re.findall(r"`(test_[a-z0-9_]+)`", readme))
    files = set(re.findall(r"`(tests/[\w/]+\.py)`", readme))
    sources = "\n".join(path.read_text() for path in (PROJECT_ROOT / "tests").rglob("*.py"))
    defined = set(re.findall(r"^def (test_\w+)\(", sources, flags=re.MULTILINE))
    assert len(cited) >= 20, "the promises name their tests"
    assert cited - defined == set()
    assert [f for f in files if not (PROJECT_ROOT / f).exists()] == []
