"""The notebooks' stored outputs are real checks: each command cell has one, and nbval fails on
exactly the cell whose stored output was changed, on either image store.

The mutation run copies the first four notebooks, changes one stored output of the engine's store in
each (``Hello World``, a password's base64, a tag, a digest character), runs nbval on the copies in
a separate pytest process, and reads which cells failed from its JUnit report: the whole way from
nbval's collection to its report. On the containerd store, one mutation changes an output only that
store prints (``131kB``). During the verification itself, on every pair of the matrix,
``tests/plugins/mutations.py`` changes a digest (stored and printed), a layer status, the port, the
user name, error texts and cells stored per CLI or engine, in steps 2 and 4 to 9, and tries what the
comparison forgives: two digests swapped, a blob left out of the sorted garbage-collection list, and
the words around the one sanitize rule.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from helpers import settings, steps
from helpers.demo import archive
from helpers.demo.specs import hello_spec
from helpers.engine import image_store
from helpers.errors import KitError, StepIncomplete
from helpers.kit import Kit
from helpers.lesson import expected, notebook_run, recorded, values_in_outputs
from helpers.lesson import notebooks as lesson
from helpers.lesson.engine_values import ADDRESS, Values
from helpers.paths import NOTEBOOKS, PROJECT_ROOT
from helpers.registry import sessions as session_registries
from helpers.steps import credential_helper

NOTEBOOK_PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))


@dataclass(frozen=True)
class Mutation:
    """Replace ``old`` with ``new`` in the first stored output of a notebook that holds it."""

    notebook: str
    old: str
    new: str


COMMON_MUTATIONS = [
    Mutation("01-registries-and-names.ipynb", "Hello World", "Hello Wordl"),
    Mutation("02-login.ipynb", "bGVhcm5lcjpsZWFybmVyLXBhc3M=", "bGVhcm5lcjpsZWFybmVyLXBhc3N="),
]
MUTATIONS = {
    image_store.CLASSIC: [
        *COMMON_MUTATIONS,
        Mutation("03-tag.ipynb", "   0.1.0   ", "   0.1.1   "),
        Mutation("04-push.ipynb", "digest: sha256:50c9", "digest: sha256:50c8"),
    ],
    image_store.CONTAINERD: [
        *COMMON_MUTATIONS,
        Mutation("03-tag.ipynb", "131kB", "293B"),  # what only the containerd store prints
        Mutation("04-push.ipynb", "digest: sha256:1f56", "digest: sha256:1f57"),
    ],
}


def _code_cells(path: Path) -> list[nbformat.NotebookNode]:
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


@pytest.fixture(scope="module")
def store(kit: Kit) -> str:
    """Return the image store of the engine at hand."""
    return image_store.detect(kit.client())


@pytest.mark.parametrize("profile", list(image_store.PROFILES))
def test_the_mutation_run_covers_the_first_four_notebooks(profile: str) -> None:
    """The whole-way mutation run covers the first four notebooks in both stores; the rest
    are mutated during the verification itself (``tests/plugins/mutations.py``)."""
    first_four = [p.name for p in NOTEBOOK_PATHS][:4]
    assert sorted(m.notebook for m in MUTATIONS[profile]) == first_four


SILENT = re.compile(
    r"docker tag \S+ \S+|rm \S+|echo '[^']*' > \S+|curl -s .* > ~/\S+|gpg --batch --quiet .*"
    r"|gpgconf --kill \S+|docker buildx imagetools create --progress=quiet .*"
)
"""Commands that print nothing when they succeed; the runner still fails their cell on error."""


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.name)
def test_every_command_cell_has_stored_output(path: Path) -> None:
    """A code cell saved without output is not compared by nbval, so a cell may lack one only
    if each of its commands prints nothing on success (its failure still fails the cell)."""
    for cell in _code_cells(path):
        if cell.outputs or lesson.is_setup(cell):
            continue
        commands = lesson.commands(cell)
        loud = [c for c in commands if not SILENT.fullmatch(c)] if commands else [cell.source]
        assert not loud, f"{path.name} cell {cell.id} stores no output for {loud}"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.name)
def test_only_a_cells_last_command_prints(path: Path) -> None:
    """A cell's stored output is the last command's alone (the site shows it after that
    command, and a terminal prints each command's output after it): the commands before it
    in the same cell print nothing on success."""
    for cell in _code_cells(path):
        loud = [c for c in lesson.commands(cell)[:-1] if not SILENT.fullmatch(c)]
        assert not loud, f"{path.name} cell {cell.id}: give {loud} a cell of its own"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.name)
def test_a_cell_that_fails_on_purpose_is_told_apart(path: Path) -> None:
    """The runner knows a cell that fails on purpose by its source, so no other cell of the
    notebook may have the same source, and such a cell holds commands."""
    cells = _code_cells(path)
    for cell in cells:
        if lesson.fails_on_purpose(cell) or lesson.platform_run(cell):
            assert lesson.commands(cell), f"{path.name} cell {cell.id} has no command"
            same = [c.id for c in cells if c.source.strip() == cell.source.strip()]
            assert same == [cell.id], f"{path.name}: cells {same} have the same source"


RUNNABLE = [{"linux/amd64"}, {"linux/arm64"}, {"linux/amd64", "linux/arm64"}]
"""An amd64 or arm64 machine without emulation, and Docker Desktop (or Linux with binfmt)."""


@pytest.mark.parametrize("runnable", RUNNABLE, ids=lambda r: "+".join(sorted(r)))
@pytest.mark.parametrize("pair", sorted(recorded.recorded()))
def test_a_run_cell_expects_what_the_engine_runs(pair: str, runnable: set[str]) -> None:
    """On an engine that runs the ``runnable`` platforms' programs, each cell that runs a
    platform's demo program is expected to succeed with ``Hello World`` where that platform
    runs, and to fail on purpose with ``exec format error`` where it does not."""
    notebook = lesson.read(lesson.notebook_for("platforms"))
    failing = lesson.failing_cells(notebook, frozenset(runnable))
    run_cells = [cell for cell in notebook.cells if lesson.platform_run(cell)]
    assert {lesson.platform_run(cell) for cell in run_cells} == {"linux/amd64", "linux/arm64"}
    for cell in run_cells:
        runs = lesson.platform_run(cell) in runnable
        printed = expected.printed_text(expected.cell_outputs(cell, pair, frozenset(runnable)))
        assert printed == ("Hello World\n" if runs else "exec /hello: exec format error\n")
        assert (cell.source.strip() in failing) == (not runs)


def test_on_an_arm64_engine_step_10_shows_the_same_builds() -> None:
    """An arm64 engine's demo image is the arm64 build, whose digests an amd64 recording gave
    to the amd64 build: step 10 writes in its builds' values only, so its stored outputs read
    the same there (the builds and their index are the same bytes on every architecture),
    where the demo image's values would stand in for the amd64 build's and fail."""
    reference = recorded.reference_values(image_store.CLASSIC)
    arm64_id = archive.docker_archive(hello_spec("arm64"))[1]
    arm64_engine = Values(
        None,
        {
            **reference,
            "hello-world manifest": reference["platforms arm64 manifest"],
            "hello-world image id": arm64_id,
            "hello-world config": arm64_id,
        },
    )
    notebook = lesson.read(lesson.notebook_for(settings.PLATFORMS_STEP))
    texts = [expected.printed_text(cell.outputs) for cell in notebook.cells if cell.get("outputs")]
    shown = values_in_outputs.shown_by(settings.PLATFORMS_STEP, reference)
    assert set(shown) == {ADDRESS, *(name for name in reference if name.startswith("platforms "))}
    assert [values_in_outputs.with_values(t, shown, arm64_engine) for t in texts] == texts
    with pytest.raises(KitError, match="record again"):
        for text in texts:
            values_in_outputs.with_values(text, reference, arm64_engine)


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.name)
def test_notebook_skeleton(path: Path) -> None:
    """Every notebook has the same skeleton, a tagged set-up cell first and a check last."""
    cells = nbformat.read(path, as_version=4).cells
    headings = [line for c in cells if c.cell_type == "markdown" for line in c.source.splitlines()]
    for heading in (
        "## What you will learn",
        "## Before you start",
        "## Steps",
        "## Check your work",
        "## Summary",
    ):
        assert heading in headings, f"{path.name} lacks {heading!r}"
    code = _code_cells(path)
    assert code[0].metadata.get("tags") == ["setup"]
    assert "steps.start(" in code[0].source
    assert code[-1].source.startswith("steps.check(")


def _mutate(source: Path, target: Path, mutation: Mutation, profile: str) -> int:
    """Write a copy of the notebook with one of the profile's stored outputs changed; return
    the index of that cell among the code cells, which is how nbval numbers its items."""
    notebook = nbformat.read(source, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for index, cell in enumerate(code):
        outputs = expected.cell_outputs(cell, profile)
        for output in outputs:
            if mutation.old in output.get("text", ""):
                output.text = output.text.replace(mutation.old, mutation.new, 1)
                expected.set_cell_outputs(cell, profile, outputs)
                nbformat.write(notebook, target)
                return index
    raise AssertionError(f"{source.name} holds no stored {profile} output with {mutation.old!r}")


def _failures(report: Path) -> str:
    """Return the failure messages of a JUnit report, to explain an unexpected result."""
    cases = ElementTree.parse(report).iter("testcase")
    found = [(c.get("classname"), c.get("name"), c.find("failure")) for c in cases]
    return "\n".join(f"{n} {i}:\n{(f.text or '')[-1500:]}" for n, i, f in found if f is not None)


def _failed_cells(report: Path) -> dict[str, set[int]]:
    failed: dict[str, set[int]] = {}
    for case in ElementTree.parse(report).iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            notebook = case.get("classname", "")
            failed.setdefault(notebook, set()).add(int(case.get("name", "").split()[-1]))
    return failed


def test_nbval_fails_on_exactly_the_changed_cell(tmp_path: Path, store: str, kit: Kit) -> None:
    """Each changed stored output of the engine's store makes nbval fail on that cell and on
    no other."""
    failing: dict[str, set[int]] = {}
    for mutation in MUTATIONS[store]:
        source, target = NOTEBOOKS / mutation.notebook, tmp_path / mutation.notebook
        failing[mutation.notebook] = {_mutate(source, target, mutation, store)}
    report = tmp_path / "report.xml"
    plugins = ("-p", "tests.plugins.kernel_pool", "-p", "tests.plugins.nbval_profiles")
    done = notebook_run.run(
        [tmp_path],
        kit.environment.child(PYTHONPATH=str(PROJECT_ROOT)),
        compare=True,
        options=(
            *plugins,
            "--nbval-cell-timeout=120",
            f"--rootdir={tmp_path}",
            f"--junitxml={report}",
        ),
        cwd=tmp_path,
        timeout=900,
    )
    assert done.returncode == 1, done.said[-3000:]
    assert _failed_cells(report) == failing, _failures(report)


MISSING = {
    "concepts": "run the `docker load` cells",
    "login": "run the `docker login` cell",
    "tag": "run its `docker tag` cell",
    "push": "run the cells that tag and push it",
    "pull": "run the `docker image rm` cell",
    "logout": "run the `docker logout` cell",
    "mistakes": "run the cells that tag and push it",
    "cleanup": "run the `curl -X DELETE` cell",
    "helper": "run the cell that writes `credsStore`",
    "platforms": "run the `docker buildx imagetools create` cell",
}
"""What each step's check asks for when the step's own commands were left out."""


@pytest.mark.parametrize("step", list(MISSING))
def test_a_check_fails_when_the_steps_commands_were_skipped(
    step: str, capsys: pytest.CaptureFixture[str], kit: Kit
) -> None:
    """Right after a step's set-up, with none of its commands run, its check shows what it
    looked at, as terminal commands, and fails with the one sentence that names the cell."""
    steps.start(step, kit.environment)
    capsys.readouterr()
    with pytest.raises(StepIncomplete) as raised:
        steps.check(step, kit.environment)
    sentence = str(raised.value)
    assert MISSING[step] in sentence, sentence
    assert sentence.endswith(".") and "\n" not in sentence
    shown = capsys.readouterr().out
    assert shown.startswith(lesson.PROMPT) and "ok:" not in shown, shown


def test_every_step_has_a_check_that_can_fail() -> None:
    assert (
        set(MISSING)
        == set(steps.STEPS)
        == {lesson.step_of(nbformat.read(p, as_version=4)) for p in NOTEBOOK_PATHS}
    )


def test_the_helper_step_says_in_one_sentence_what_this_machine_lacks() -> None:
    """Without ``pass`` and GnuPG on the ``PATH``, the credential-helper step names what is
    missing in one sentence and says that no other step needs it (nbval then skips it)."""
    with pytest.raises(KitError) as raised:
        credential_helper.command_path("/nonexistent")
    sentence = str(raised.value)
    assert sentence.startswith("This step needs pass, gpg and gpgconf, which this machine lacks")
    assert sentence.endswith("the other steps do not need it, so you can skip this one.")
    assert "\n" not in sentence


def test_a_check_never_starts_a_registry(kit: Kit) -> None:
    """With no registry of the session running, a check says so instead of starting one."""
    environment = kit.environment.with_values(KIT_SESSION="check-without-registry")
    with pytest.raises(StepIncomplete, match="registry is not running"):
        steps.check("login", environment)
    without = Kit.from_environment(environment=environment)
    assert session_registries.running_registry(without) is None
