"""Which platforms' programs the engine runs, as the platforms step asks it; and the outputs the
step's run cells store for the case a recording engine was not in, against real runs."""

from __future__ import annotations

import contextlib
import platform
import shutil
import subprocess
from typing import Any

import docker
import pytest

from helpers import settings
from helpers.demo import platform_builds
from helpers.demo.archive import docker_architecture
from helpers.demo.elf import hello_program
from helpers.engine import pairs
from helpers.engine.qemu import emulator
from helpers.kit import Kit
from helpers.lesson import expected, recorded
from helpers.lesson import notebooks as lesson
from helpers.paths import NOTEBOOKS
from helpers.terminal.shell import EITHER, FAILS, SUCCEEDS, run
from tests.engine import emulating_engine
from tests.plugins.run_config import RunConfig


def _cells_storing(case: str) -> list[tuple[str, Any]]:
    """Return each run cell (of both editions) that stores the outputs of ``case``."""
    found = []
    for path in sorted([*NOTEBOOKS.glob("[0-9]*.ipynb"), *NOTEBOOKS.glob("zh/[0-9]*.ipynb")]):
        for cell in lesson.read(path).cells:
            if lesson.platform_run(cell) and case in cell.metadata[lesson.KEY]["outputs"]:
                found.append((str(path.relative_to(NOTEBOOKS.parent)), cell))
    return found


WHERE_IT_RUNS = _cells_storing(expected.WHERE_IT_RUNS)
WHERE_IT_CANNOT_RUN = _cells_storing(expected.WHERE_IT_CANNOT_RUN)


def _platform_names(client: docker.DockerClient) -> set[str]:
    loaded = {f"{settings.DEMO_REPOSITORY}:{arch}" for arch in settings.PLATFORMS}
    return {tag for image in client.images.list() for tag in image.tags} & loaded


def test_the_engine_runs_what_the_cli_runs(kit: Kit, docker_client: docker.DockerClient) -> None:
    """A platform counts as runnable exactly where ``docker run --platform`` of its build
    prints the program's output; asking leaves no name of the builds it did not find."""
    before = _platform_names(docker_client)
    runnable = platform_builds.runnable_platforms(docker_client)
    assert _platform_names(docker_client) == before
    own = f"linux/{docker_architecture(str(docker_client.info()['Architecture']))}"
    assert own in runnable
    try:
        for architecture in settings.PLATFORMS:
            platform_builds.load(docker_client, architecture)
            name = f"{settings.DEMO_REPOSITORY}:{architecture}"
            ran = run(kit, f"docker run --rm --platform linux/{architecture} {name}", expect=EITHER)
            runs = (ran.returncode, ran.output) == (0, "Hello World\n")
            assert runs == (f"linux/{architecture}" in runnable), ran
    finally:
        for name in _platform_names(docker_client) - before:
            docker_client.images.remove(name, noprune=True)


@pytest.mark.parametrize("where, cell", WHERE_IT_RUNS, ids=[where for where, _ in WHERE_IT_RUNS])
def test_stored_output_where_it_runs_is_what_the_program_prints(tmp_path, where, cell) -> None:
    """Where a run cell stores what an engine that runs its platform prints, that is what the
    platform's demo program prints when it runs (here, or under Debian's qemu-user-static)."""
    outputs = cell.metadata[lesson.KEY]["outputs"]
    architecture = lesson.platform_run(cell).removeprefix("linux/")
    program = tmp_path / "hello"
    program.write_bytes(hello_program(architecture))
    program.chmod(0o755)
    if docker_architecture(platform.machine()) == architecture:
        command = [str(program)]
    else:
        qemu = emulator(architecture)
        if qemu is None:
            pytest.skip("the kit's QEMU is not unpacked (scripts/setup does it, as root on Debian)")
        command = [str(qemu), str(program)]
    done = subprocess.run(command, env={}, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0
    assert expected.printed_text(outputs[expected.WHERE_IT_RUNS]) == done.stdout


@pytest.mark.parametrize(
    "where, cell", WHERE_IT_CANNOT_RUN, ids=[where for where, _ in WHERE_IT_CANNOT_RUN]
)
def test_stored_output_where_it_cannot_run_is_what_an_engine_printed(where, cell) -> None:
    """Where a run cell stores what an engine that cannot run its platform prints, that is
    what every recorded engine printed for the build it could not run: the kernel's error
    names the program the image starts, which both builds share."""
    outputs = cell.metadata[lesson.KEY]["outputs"]
    starts = {tuple(platform_builds.platform_spec(arch).cmd) for arch in settings.PLATFORMS}
    assert len(starts) == 1
    program = starts.pop()[0]
    notebook = lesson.read(NOTEBOOKS.parent / where)
    for pair in recorded.recorded():
        refused = [
            expected.printed_text(expected.cell_outputs(other, pair))
            for other in notebook.cells
            if (other_platform := lesson.platform_run(other))
            and other_platform not in expected.recorded_runnable(pair)
        ]
        assert refused, f"no cell of {where} ran a build that {pair}'s engine could not run"
        for printed in refused:
            assert printed.startswith(f"exec {program}: "), printed
            assert expected.printed_text(outputs[expected.WHERE_IT_CANNOT_RUN]) == printed


FOREIGN = {"amd64": "arm64", "arm64": "amd64"}[docker_architecture(platform.machine())]
REFERENCE_PAIRS = [
    pytest.param(pair, marks=pytest.mark.one_store(pair.store)) for pair in pairs.REFERENCE.values()
]


@pytest.mark.parametrize("pair", REFERENCE_PAIRS, ids=lambda pair: pair.name)
def test_on_an_engine_that_emulates_the_run_cells_print_what_it_runs(
    pair: pairs.Pair, run_config: RunConfig
) -> None:
    """On an engine that runs the other platform's programs through QEMU, as Docker Desktop
    does, the step's question finds both platforms, and each run cell of the step, typed
    through the kit's runner with what the step's set-up would expect, prints what the
    notebook stores for that case (here: ``Hello World`` from both builds)."""
    why_not = emulating_engine.unavailable(FOREIGN, run_config.environment)
    if why_not is not None:
        pytest.skip(why_not)
    name = f"kit-emulating-{run_config.session}"
    notebook = lesson.read(lesson.notebook_for("platforms"))
    run_cells = [cell for cell in notebook.cells if lesson.platform_run(cell)]
    started = emulating_engine.started(pair, FOREIGN, name, run_config.environment)
    with started as host, contextlib.closing(docker.DockerClient(base_url=host)) as client:
        runnable = platform_builds.runnable_platforms(client)
        assert runnable == {f"linux/{architecture}" for architecture in settings.PLATFORMS}
        failing = lesson.failing_cells(notebook, runnable)
        path = pair.path(run_config.environment.search_path)
        environment = run_config.environment.with_values(DOCKER_HOST=host, PATH=path)
        kit = Kit.from_environment(name, environment)
        try:
            for cell in run_cells:
                architecture = lesson.platform_run(cell).removeprefix("linux/")
                platform_builds.load(client, architecture)  # as the cell's pull leaves the tag
                build = client.images.get(f"{settings.DEMO_REPOSITORY}:{architecture}")
                build.tag(f"{settings.GUIDE_ADDRESS}/{settings.PLATFORMS_REPOSITORY}", "0.1.0")
                expect = FAILS if cell.source.strip() in failing else SUCCEEDS
                (command,) = lesson.commands(cell)
                shown = run(kit, command, expect=expect)
                wanted = expected.cell_outputs(cell, pair.name, runnable)
                assert shown.output == expected.printed_text(wanted)
        finally:
            shutil.rmtree(kit.folder, ignore_errors=True)
