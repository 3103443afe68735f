"""The kit's layout stays one a maintainer can read: small modules, and the kit never reaching
into its tests."""

from __future__ import annotations

import ast

from helpers.paths import PROJECT_ROOT

MOST_LINES = 200
"""The longest a module of ``helpers/`` may be: past it, it holds more than one job."""
MODULES = sorted((PROJECT_ROOT / "helpers").rglob("*.py"))


def test_no_module_of_the_kit_is_longer_than_200_lines() -> None:
    """Each module of ``helpers/`` has at most ``MOST_LINES`` lines."""
    long = {
        str(path.relative_to(PROJECT_ROOT)): count
        for path in MODULES
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MOST_LINES
    }
    assert not long, f"longer than {MOST_LINES} lines: {long}"


def test_the_kit_imports_nothing_from_its_tests() -> None:
    """No module of ``helpers/`` imports from ``tests/``: the tests use the kit, not the other
    way round."""
    reaching = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            reaching += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "tests"]
    assert not reaching, reaching
