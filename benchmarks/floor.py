"""Write the floor: every command a verification of the notebooks runs, as one bash script.

``python -m benchmarks.floor`` runs every step in reading order on the engine at hand, as
nbval's kernels run them one after the other (each step's set-up, the notebook's commands,
its check), with the journal on (``helpers.journal``), and writes what it noted to
``benchmarks/floor.sh``. It starts where ``python -m helpers terminal`` leaves a learner: the
registry empty, the demo images removed, a fresh home with the steps' materials. So the floor
does the same work in the same order, and a test (``tests/steps/test_floor.py``) makes it
again and compares, so it cannot drift from the notebooks.

What the floor leaves out is the kit's own cost: Jupyter, the pseudo-terminal and its
rendering, the checks' own questions to the engine and the registry, and the set-ups' tests
of what is already there.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import textwrap
from pathlib import Path

from helpers import cli, journal, settings, steps
from helpers.journal import Entry
from helpers.kit import Kit
from helpers.lesson import notebooks as lesson
from helpers.registry import run_command
from helpers.registry.sessions import kit_registry
from helpers.steps import buildx
from helpers.steps import setups as step_setups
from helpers.terminal import shell

FLOOR = Path(__file__).resolve().parent / "floor.sh"
HELPER_PATH = "$helper_path"
"""Where the floor finds the credential helper, ``pass`` and GnuPG: its fourth argument."""
BUILDX_LINK = 'mkdir -p ~/.docker/cli-plugins && ln -sf "$buildx" ~/.docker/cli-plugins/'
"""How the floor gives a step's ``~/.docker`` the buildx plugin, as the kit's set-up does (the
plugin is its fifth argument): a set-up before it removed ``~/.docker``."""

REGISTRY_RUN = textwrap.indent(
    run_command.docker_run(
        '"$registry"',
        "$port",
        '"$htpasswd"',
        '"$image"',
        {settings.LABEL: "benchmark", settings.SESSION_LABEL: "benchmark"},
    ),
    "    ",
)
"""The registry's ``docker run``, as the terminal page gives it, with the floor's labels."""

HEADER = f"""\
#!/usr/bin/env bash
# The floor: what verifying the notebooks does to the engine, the registry and the home, as
# bare commands in the same order, with nothing of the kit around them.
# Made by `python -m benchmarks.floor` from a run of the steps: do not edit by hand.
#
# Usage (benchmarks/benchmark.py runs it so): bash floor.sh REGISTRY_IMAGE HTPASSWD_FILE PORT
# HELPER_PATH BUILDX, with localhost:5000 written as localhost:PORT, HOME holding the steps'
# materials (as `python -m helpers terminal` leaves it), the demo images removed, and the kit's
# PATH; HELPER_PATH is the credential-helper step's (the helper, `pass` and GnuPG), BUILDX the
# platforms step's docker-buildx plugin.
set -euo pipefail
image=$1 htpasswd=$2 port=$3 helper_path=$4 buildx=$5
registry=floor-registry-$$
start_registry() {{
{REGISTRY_RUN} >/dev/null
    until [ "$(curl -s -o /dev/null -w '%{{http_code}}' "http://127.0.0.1:$port/v2/")" = 401 ]; do
        sleep 0.02
    done
}}
stop_registry() {{
    docker rm -f -v "$registry" >/dev/null
}}
trap 'docker rm -f -v "$registry" >/dev/null 2>&1 || true' EXIT
cd ~
{journal.START_REGISTRY}
"""

Section = tuple[str, list[Entry]]


def journal_of_the_steps(kit: Kit) -> list[Section]:
    """Run every step as a verification run does, from a learner's fresh start; return what
    each part of each step did, as commands."""
    step_setups.fresh_start(kit)
    environment = kit.environment.with_values(KIT_SESSION=kit.session)  # the steps' kit is it
    sections: list[Section] = []
    with journal.keeping() as entries, contextlib.redirect_stdout(io.StringIO()):

        def take(title: str) -> None:
            sections.append((title, entries[:]))
            entries.clear()

        for path in lesson.notebook_paths():
            notebook = lesson.read(path)
            step = lesson.step_of(notebook)
            step_kit = steps.start(step, environment)  # with the step's PATH (a helper's)
            address = kit_registry(step_kit).address  # the registry it started
            if step_kit.command_path:
                entries.append(Entry(f'export PATH="$PATH:{HELPER_PATH}"'))
            typed = [command for cell in notebook.cells for command in lesson.commands(cell)]
            if any(command.startswith("docker buildx ") for command in typed):
                entries.append(Entry(BUILDX_LINK + buildx.PLUGIN))
            take(f"{path.name}: the set-up")
            for cell in notebook.cells:
                if lesson.is_setup(cell) or lesson.is_check(cell):
                    continue
                expect = shell.FAILS if lesson.fails_on_purpose(cell) else shell.SUCCEEDS
                if lesson.platform_run(cell):
                    expect = shell.EITHER  # as the engine runs that platform: the same floor
                for command in lesson.commands(cell):
                    shell.run(step_kit, command, address=address, expect=expect)
            take(f"{path.name}: the notebook's commands")
            steps.check(step, environment)
            take(f"{path.name}: the check's commands")
    return sections


def line(entry: Entry) -> str:
    """Return the script line that runs a command and stops the floor if it ends otherwise;
    the guide's registry container is the floor's own."""
    command = entry.command.replace(settings.GUIDE_CONTAINER, '"$registry"')
    if entry.expect == journal.FAILS:
        return f"! {command} || exit 1"
    if entry.expect == journal.EITHER:
        return f"{command} || true"
    return command


def script(sections: list[Section]) -> str:
    """Return the floor script for a journal of the steps."""
    parts = [HEADER]
    for title, entries in sections:
        if entries:
            parts.append(f"\n# {title}\n" + "".join(f"{line(entry)}\n" for entry in entries))
    return "".join(parts)


def main() -> None:
    """Run the steps on the engine at hand and write ``benchmarks/floor.sh``; then remove the
    session's registry and folder (``scripts/regenerate`` runs it in the ``record`` session)."""
    kit = Kit.from_environment()
    try:
        FLOOR.write_text(script(journal_of_the_steps(kit)))
    finally:
        cli.down(kit)
        shutil.rmtree(kit.folder, ignore_errors=True)
    print(f"Wrote {FLOOR}.")


if __name__ == "__main__":
    main()
