"""The kit's layout stays one a maintainer can read: small modules, and the kit never reaching
into its tests."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

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


ENVIRONMENT_READER = PROJECT_ROOT / "helpers" / "environment.py"
TEST_MODULES = [*sorted((PROJECT_ROOT / "tests").rglob("*.py")), PROJECT_ROOT / "conftest.py"]
STARTS_A_PROCESS = {"run", "Popen", "check_output", "check_call"}
TOOLS_THAT_REACH_NO_ENGINE = {"dpkg", "dpkg-query", "ip", "pgrep", "sleep", "tmux"}
"""The machine's own programs a test may start with its process's environment: none of them
runs ``docker`` or the kit, so none needs the run's engine, session or ``PATH``."""


def _environment_uses(path: Path) -> list[str]:
    """Return where a module names ``os.environ``, ``os.getenv`` or ``os.putenv``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
        and node.attr in ("environ", "getenv", "putenv")
    ]


def test_only_the_environment_module_reads_the_environment() -> None:
    """``helpers.environment`` is the one module of the kit, and of its tests, that reads the
    process's environment: the entry points read it there once and pass it on (in a ``Kit``,
    in the test run's ``RunConfig``); nothing else reads, and nothing writes, ``os.environ``."""
    found = [use for path in MODULES + TEST_MODULES for use in _environment_uses(path)]
    assert found == [f"{ENVIRONMENT_READER.relative_to(PROJECT_ROOT)}:{_line_of_current()}"]


def _line_of_current() -> int:
    uses = _environment_uses(ENVIRONMENT_READER)
    assert len(uses) == 1, uses
    return int(uses[0].rsplit(":", 1)[1])


def _starts_without_environment(call: ast.Call) -> bool:
    """Tell whether a call starts a process without naming its environment, other than one of
    ``TOOLS_THAT_REACH_NO_ENGINE`` named as the first word of a literal command."""
    function = call.func
    if not (
        isinstance(function, ast.Attribute)
        and isinstance(function.value, ast.Name)
        and function.value.id == "subprocess"
        and function.attr in STARTS_A_PROCESS
    ):
        return False
    if any(keyword.arg == "env" for keyword in call.keywords):
        return False
    command = call.args[0] if call.args else None
    first = command.elts[0] if isinstance(command, ast.List) and command.elts else None
    return not (isinstance(first, ast.Constant) and first.value in TOOLS_THAT_REACH_NO_ENGINE)


def _calls_in_tests(matches: Callable[[ast.Call], bool]) -> list[str]:
    """Return where the tests and the root conftest make a call that ``matches``."""
    return [
        f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}"
        for path in TEST_MODULES
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and matches(node)
    ]


def test_every_command_a_test_starts_gets_the_runs_environment() -> None:
    """A test's command gets its environment explicitly (``env=run_config.child()``): the run
    never writes its own ``os.environ``, so a command that inherited it would find the machine's
    engine, the user's session and ``PATH`` instead of the run's private engine and its CLI."""
    found = _calls_in_tests(_starts_without_environment)
    assert found == [], f"commands started without env=: {found}"


MAKES_A_KIT = {"start": 2, "check": 2, "kit_for": 2, "from_environment": 2, "client": 1}
"""Calls that make a kit from the environment unless handed one, and the number of arguments
that hands it (``engine.client`` never takes one: it is the machine's engine)."""


def _made_from_the_process_environment(call: ast.Call) -> bool:
    """Tell whether a call makes its kit from the process's environment: ``steps.start``,
    ``steps.check``, ``steps.kit_for`` or ``Kit.from_environment`` with no environment given,
    or ``engine.client()``."""
    function = call.func
    if not isinstance(function, ast.Attribute) or not isinstance(function.value, ast.Name):
        return False
    owner, name = function.value.id, function.attr
    if (owner, name) == ("engine", "client"):
        return True
    if (owner, name) not in {("steps", "start"), ("steps", "check"), ("steps", "kit_for")} | {
        ("Kit", "from_environment")
    }:
        return False
    given = len(call.args) >= MAKES_A_KIT[name] or any(
        keyword.arg == "environment" for keyword in call.keywords
    )
    return not given


def test_no_test_makes_its_kit_from_the_process_environment() -> None:
    """The test process's environment names neither the run's session nor its private engine
    (``tests.plugins.run_config``): a step started, or a kit made, from it would work in the
    learner's ``main`` session on the machine's engine. Every test hands the run's environment
    over (``steps.start(step, kit.environment)``)."""
    found = _calls_in_tests(_made_from_the_process_environment)
    assert found == [], f"kits made from the test process's environment: {found}"
