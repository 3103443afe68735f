"""The packages of ``helpers/`` keep the layers the README draws, and ``tests/`` mirrors them."""

from __future__ import annotations

import ast
from pathlib import Path

from helpers.paths import PROJECT_ROOT
from tests.plugins.run_config import AREAS

HELPERS = PROJECT_ROOT / "helpers"

LAYERS = [
    {"environment", "settings", "paths", "errors", "waiting", "journal", "messages"},
    {"demo"},
    {"engine"},
    {"kit"},
    {"registry", "terminal"},
    {"lesson"},
    {"steps", "site", "maintain"},
    {"hub"},
    {"cli", "__main__", "__init__"},
]
"""The README's picture, from the bottom up: a package (or top-level module) uses those of
lower layers only, and none of its own layer but the shared modules and the entry points."""

RUNS_BACK_UP = {
    ("kit.py", "helpers.hub.remote"): "the Kit carries the reader's Docker Hub account",
    ("engine/private.py", "helpers.registry"): "a private engine starts with the registry image",
    ("steps/catalogue.py", "helpers.hub"): "each step is registered with its Docker Hub check",
    ("steps/calls.py", "helpers.hub"): "start says what Docker Hub mode does not run",
}
"""The calls that still run back up, each named in the README's "How it is built"."""

OUTSIDE_THE_PACKAGES = {"kit", "install", "runs", "plugins"}
"""The folders of ``tests/`` that test no one package: the ``Kit`` and the verbs as a user meets
them, the install and the code's layout, whole runs, and the test run's own plugins."""


def _layer(part: str) -> int:
    return next(index for index, names in enumerate(LAYERS) if part in names)


def _part(path: Path) -> str:
    """Return the package a module of ``helpers/`` belongs to, or a top-level module's name."""
    parts = path.relative_to(HELPERS).parts
    return parts[0] if len(parts) > 1 else path.stem


def _imports(path: Path) -> list[tuple[str, str]]:
    """Return each module of the kit that a module imports, with the package it is in."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("helpers"):
            module = node.module or ""
            if module == "helpers":
                found += [(f"helpers.{alias.name}", alias.name) for alias in node.names]
            else:
                found.append((module, module.split(".")[1]))
        elif isinstance(node, ast.Import):
            found += [
                (alias.name, alias.name.split(".")[1])
                for alias in node.names
                if alias.name.startswith("helpers.")
            ]
    return found


def _upward_calls() -> set[tuple[str, str]]:
    upward = set()
    for path in sorted(HELPERS.rglob("*.py")):
        mine = _part(path)
        for module, part in _imports(path):
            same_layer_allowed = _layer(mine) in (0, len(LAYERS) - 1)
            if part != mine and (
                _layer(part) > _layer(mine)
                or (_layer(part) == _layer(mine) and not same_layer_allowed)
            ):
                where = str(path.relative_to(HELPERS))
                named = (m for (p, m) in RUNS_BACK_UP if p == where and module.startswith(m))
                upward.add((where, next(named, module)))
    return upward


def test_each_package_uses_only_the_layers_below_it() -> None:
    """No package imports one drawn above it or beside it, except the calls the README names;
    and each of those still happens (else the README, and this list, say too much)."""
    assert _upward_calls() == set(RUNS_BACK_UP)


def test_every_package_is_in_a_layer() -> None:
    """A new package of ``helpers/`` gets its place in the picture (and in ``LAYERS``)."""
    parts = {_part(path) for path in HELPERS.rglob("*.py")}
    assert parts <= set().union(*LAYERS), parts - set().union(*LAYERS)


def test_the_tests_mirror_the_packages() -> None:
    """``tests/`` has a folder for each package of ``helpers/`` and otherwise only
    ``OUTSIDE_THE_PACKAGES``; each folder of tests has its worker's share (``AREAS``)."""
    packages = {path.parent.name for path in HELPERS.glob("*/__init__.py")}
    folders = {
        path.name
        for path in (PROJECT_ROOT / "tests").iterdir()
        if path.is_dir() and path.name != "__pycache__"
    }
    assert folders == packages | OUTSIDE_THE_PACKAGES
    assert set(AREAS) == folders - {"plugins"}
