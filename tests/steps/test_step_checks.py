"""Every requirement of every step check fails when the command that meets it was not run.

One row of ``TABLE`` per requirement (some have two, where a requirement names each tag or
image in turn): after the step's set-up, the step's commands run as the notebook has them,
except those the row leaves out, with the row's own commands added where it says; each
command may then fail, as it would for a learner who skipped one. The check must then stop
with that requirement's sentence, and no earlier one: a requirement the table never reaches
is a requirement nobody has seen fail. ``test_every_requirement_has_its_row`` reads the
checks' ``require(...)`` calls, so a new requirement without a row fails the run.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from helpers import messages, steps
from helpers.errors import StepIncomplete
from helpers.lesson import notebooks as lesson
from helpers.registry import sessions as session_registries
from helpers.steps import beyond_guide_checks
from helpers.steps import checks as step_checks
from helpers.terminal import shell
from tests.plugins.run_config import RunConfig

DOCKER_ACCEPT = (
    "-H 'Accept: application/vnd.docker.distribution.manifest.v2+json' "
    "-H 'Accept: application/vnd.oci.image.manifest.v1+json' "
    "-H 'Accept: application/vnd.oci.image.index.v1+json' "
    "-H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json'"
)
BASE_MANIFEST = "http://localhost:5000/v2/library/tinybase/manifests"
LOGIN = "-u learner:learner-pass"


@dataclass(frozen=True)
class Row:
    """Leave out ``leave_out`` (every command of the step's notebook equal to one), run
    ``add`` where the first left-out command was (or before the command ``before``, or at the
    end), and expect the requirement whose sentence is ``template``, naming ``naming``."""

    step: str
    template: str
    leave_out: tuple[str, ...] = ()
    add: tuple[str, ...] = ()
    before: str = ""
    naming: str = ""

    @property
    def id(self) -> str:
        said = self.naming or self.template.split(":")[0].replace("{}", "X")
        return f"{self.step}: {said[:60]}"


PUSH_TINYBASE = "docker push localhost:5000/library/tinybase:latest"
PUSH_010 = "docker push localhost:5000/learner/hello-world:0.1.0"
PUSH_LATEST = "docker push localhost:5000/learner/hello-world:latest"
PUSH_DEFAULT = "docker push localhost:5000/learner/hello-world"
PUSH_ALL = "docker push --all-tags localhost:5000/learner/hello-world"
PULL_RM = (
    "docker image rm localhost:5000/learner/hello-world:0.1.0 "
    "localhost:5000/learner/hello-world:latest learner/hello-world:latest"
)
PULL_RUN = "docker run --rm localhost:5000/learner/hello-world:0.1.0"
LOGOUT = "docker logout localhost:5000"
MULTI = "localhost:5000/learner/hello-multi"
CREATE_INDEX = (
    f"docker buildx imagetools create --progress=quiet -t {MULTI}:0.1.0 {MULTI}:0.1.0-amd64 "
    f"{MULTI}:0.1.0-arm64"
)

TABLE = [
    Row(
        "concepts",
        "The image {} is not on this machine: run the `docker load` cells.",
        leave_out=("docker load -q -i ~/tinybase.tar",),
        naming="tinybase",
    ),
    Row(
        "concepts",
        "The image {} is not on this machine: run the `docker load` cells.",
        leave_out=("docker load -q -i ~/hello-world.tar",),
        naming="learner/hello-world",
    ),
    Row(
        "concepts",
        "{} on this machine is not the image ~/{} holds: load that archive again with its "
        "`docker load` cell.",
        leave_out=("docker load -q -i ~/tinybase.tar",),
        add=("docker load -q -i ~/hello-world.tar", "docker tag learner/hello-world tinybase"),
        naming="tinybase.tar",
    ),
    Row(  # the case: a name alone passed
        "concepts",
        "{} on this machine is not the image ~/{} holds: load that archive again with its "
        "`docker load` cell.",
        leave_out=("docker load -q -i ~/hello-world.tar",),
        add=("docker tag tinybase learner/hello-world",),
        naming="hello-world.tar",
    ),
    Row(
        "login",
        "No credentials for {} are stored: run the `docker login` cell.",
        leave_out=(
            "docker login localhost:5000 --username learner --password-stdin "
            "< ~/registry-password.txt",
        ),
    ),
    Row(  # the case: an entry with no credentials passed
        "login",
        "The credentials stored for {} are not {}'s user name and password: run the "
        "`docker login` cell again.",
        leave_out=(
            "docker login localhost:5000 --username learner --password-stdin "
            "< ~/registry-password.txt",
        ),
        add=(
            "mkdir -p ~/.docker && "
            'echo \'{"auths": {"localhost:5000": {}}}\' > ~/.docker/config.json',
        ),
    ),
    Row(
        "tag",
        "{} does not name the demo image: run its `docker tag` cell.",
        leave_out=(
            "docker tag learner/hello-world:latest localhost:5000/learner/hello-world:0.1.0",
        ),
        naming="hello-world:0.1.0",
    ),
    Row(
        "tag",
        "{} does not name the demo image: run its `docker tag` cell.",
        leave_out=(
            "docker tag learner/hello-world:latest localhost:5000/learner/hello-world:latest",
        ),
        naming="hello-world:latest",
    ),
    Row(
        "push",
        "The registry has no {}: run the cells that tag and push it.",
        leave_out=(PUSH_TINYBASE,),
    ),
    Row(
        "push",
        "The registry has no tag {}: run the `docker push` cell for {}.",
        leave_out=(PUSH_010, PUSH_ALL),
        naming="tag 0.1.0",
    ),
    Row(
        "push",
        "The registry has no tag {}: run the `docker push` cell for {}.",
        leave_out=(PUSH_LATEST, PUSH_DEFAULT, PUSH_ALL),
        naming="tag latest",
    ),
    Row(
        "push",
        "The two tags point at different images: tag and push latest again.",
        add=("docker tag tinybase:latest localhost:5000/learner/hello-world:latest",),
        before=PUSH_LATEST,
    ),
    Row(  # the case: the registry's digest was never tied to the demo image
        "push",
        "The registry's {} is not the image {}: tag the demo image again (step 3) and push "
        "both tags.",
        add=(
            "docker tag tinybase:latest localhost:5000/learner/hello-world:0.1.0",
            "docker tag tinybase:latest localhost:5000/learner/hello-world:latest",
        ),
        before=PUSH_010,
    ),
    Row(
        "pull",
        "{} is still on this machine: run the `docker image rm` cell.",
        leave_out=(PULL_RM,),
    ),
    Row(  # the case: removing the demo's own name alone passed, with no pull
        "pull",
        "{} was not pulled from the registry since this step's set-up: remove every name of "
        "it with the `docker image rm` cell, then run the `docker run` cell.",
        leave_out=(PULL_RM,),
        add=("docker image rm learner/hello-world:latest",),
    ),
    Row(
        "pull",
        "No container ran from {} since it was pulled: run the `docker run` cell.",
        leave_out=(PULL_RUN,),
        add=("docker pull localhost:5000/learner/hello-world:0.1.0",),
    ),
    Row(
        "pull",
        "{} is not on this machine: run the `docker run` cell.",
        add=("docker image rm localhost:5000/learner/hello-world:0.1.0",),
    ),
    Row(
        "pull",
        "The local image does not match the registry's: pull it again.",
        add=("docker tag tinybase:latest localhost:5000/learner/hello-world:0.1.0",),
    ),
    Row(
        "logout",
        "Credentials for {} are still stored: run the `docker logout` cell.",
        leave_out=(LOGOUT,),
    ),
    Row(
        "mistakes",
        "The registry has no tag 0.2.0 of the demo image: run the cells that tag and push it.",
        leave_out=("docker push localhost:5000/learner/hello-world:0.2.0",),
    ),
    Row(  # its set-up logs out too: only leaving out the step's last logout shows this one
        "mistakes",
        "Credentials for {} are still stored: run the last `docker logout` cell.",
        leave_out=(LOGOUT,),
    ),
    Row(
        "cleanup",
        "{} still has tags: run the `curl -X DELETE` cell.",
        leave_out=(
            "curl -s -o /dev/null -w '%{http_code}\\n' -u learner:learner-pass -X DELETE "
            "http://localhost:5000/v2/learner/hello-world/manifests/$(cat ~/digest.txt)",
        ),
    ),
    Row(
        "cleanup",
        "~/{} is missing: run the cell that saves the manifest, before the one that deletes it.",
        leave_out=(
            f"curl -s {LOGIN} {DOCKER_ACCEPT} "
            "http://localhost:5000/v2/learner/hello-world/manifests/0.2.0 > ~/manifest.json",
        ),
    ),
    Row(  # the case: the blobs were judged from whatever the learner saved
        "cleanup",
        "~/{} is not the manifest of 0.2.0 that this step deletes: run the notebook again "
        "from its first cell, and save the manifest before deleting it.",
        leave_out=(
            f"curl -s {LOGIN} {DOCKER_ACCEPT} "
            "http://localhost:5000/v2/learner/hello-world/manifests/0.2.0 > ~/manifest.json",
            "docker exec -e REGISTRY_LOG_LEVEL=warn docker-share-kit-registry-main registry "
            "garbage-collect /etc/docker/registry/config.yml",
        ),
        add=(f"curl -s {LOGIN} {DOCKER_ACCEPT} {BASE_MANIFEST}/latest > ~/manifest.json",),
    ),
    Row(
        "cleanup",
        "The registry still serves {}, which only the deleted manifest used: run the "
        "`registry garbage-collect` cell.",
        leave_out=(
            "docker exec -e REGISTRY_LOG_LEVEL=warn docker-share-kit-registry-main registry "
            "garbage-collect /etc/docker/registry/config.yml",
        ),
    ),
    Row(  # no command of the step meets it: deleting the base's manifest too breaks it
        "cleanup",
        "The layers shared with {} are gone too: push it again (run the notebook from its "
        "first cell).",
        add=(
            f"curl -s {LOGIN} -X DELETE {BASE_MANIFEST}/$(curl -s -I {LOGIN} {DOCKER_ACCEPT} "
            f"{BASE_MANIFEST}/latest | "
            "sed -n 's/^Docker-Content-Digest: \\([^[:space:]]*\\).*/\\1/p')",
        ),
        before=(
            "docker exec -e REGISTRY_LOG_LEVEL=warn docker-share-kit-registry-main registry "
            "garbage-collect /etc/docker/registry/config.yml"
        ),
    ),
    Row(
        "helper",
        "~/.docker/config.json does not name pass as its credential store: run the cell that "
        "writes `credsStore`.",
        # Left out alone, `docker login` would name pass itself: the CLI picks it when it
        # finds docker-credential-pass on PATH and config.json names no store.
        leave_out=('echo \'{"credsStore": "pass"}\' > ~/.docker/config.json',),
        add=('echo \'{"credsStore": "secretservice"}\' > ~/.docker/config.json',),
    ),
    Row(
        "helper",
        "The password store holds nothing Docker put there: run the `docker login` cell.",
        leave_out=(
            "docker login localhost:5000 --username learner --password-stdin "
            "< ~/registry-password.txt",
        ),
    ),
    Row(
        "helper",
        "Credentials for {} are still stored: run the `docker logout` cell.",
        leave_out=(LOGOUT,),
    ),
    Row(
        "helper",
        "The GnuPG agent of the key still runs: run the `gpgconf --kill gpg-agent` cell.",
        leave_out=("gpgconf --kill gpg-agent",),
    ),
    Row(
        "platforms",
        "The registry has no {}:{}: run the `docker buildx imagetools create` cell.",
        leave_out=(CREATE_INDEX,),
    ),
    Row(
        "platforms",
        "{}:{} names one image, not an index: run the `docker buildx imagetools create` cell.",
        leave_out=(CREATE_INDEX,),
        add=(f"docker tag learner/hello-world:amd64 {MULTI}:0.1.0", f"docker push {MULTI}:0.1.0"),
    ),
    Row(
        "platforms",
        "{}:{} lists {}, not {}: run the `docker buildx imagetools create` cell, naming the "
        "amd64 tag first.",
        leave_out=(CREATE_INDEX,),
        add=(
            f"docker buildx imagetools create --progress=quiet -t {MULTI}:0.1.0 "
            f"{MULTI}:0.1.0-arm64 {MULTI}:0.1.0-amd64",
        ),
    ),
    Row(
        "platforms",
        "The index's linux/{} entry is not what {}:{} names: push both tags, then run the "
        "`docker buildx imagetools create` cell again.",
        add=(
            f"docker tag learner/hello-world:amd64 {MULTI}:0.1.0-arm64",
            f"docker push {MULTI}:0.1.0-arm64",
        ),
        before=LOGOUT,
        naming="linux/arm64",
    ),
    Row(
        "platforms",
        "Credentials for {} are still stored: run the `docker logout` cell.",
        leave_out=(LOGOUT,),
    ),
]


def _step_commands(step: str) -> list[str]:
    """Return the commands of a step's notebook between its set-up and its check, in order."""
    notebook = lesson.read(lesson.notebook_for(step))
    cells = [cell for cell in notebook.cells if not lesson.is_setup(cell)]
    return [command for cell in cells for command in lesson.commands(cell)]


def _commands_of(row: Row) -> list[str]:
    """Return what the row runs: the step's commands, with its left-out ones out and its own in."""
    commands = _step_commands(row.step)
    unknown = [c for c in (*row.leave_out, row.before) if c and c not in commands]
    assert not unknown, f"the {row.step} notebook has no such command: {unknown}"
    at = next(
        (i for i, c in enumerate(commands) if c == row.before or c in row.leave_out),
        len(commands),
    )
    kept = [c for c in commands[:at] if c not in row.leave_out]
    rest = [c for c in commands[at:] if c not in row.leave_out]
    return [*kept, *row.add, *rest]


@pytest.fixture
def helper_agent_stopped(run_config: RunConfig) -> Iterator[None]:
    """Stop the helper step's GnuPG agent after a row that left it running."""
    yield
    kit = steps.kit_for(steps.HELPER_STEP, run_config.environment)
    if kit.gnupg_home.exists():
        shell.run(kit, "gpgconf --kill gpg-agent", expect=shell.EITHER)


@pytest.mark.slow
@pytest.mark.parametrize("row", TABLE, ids=lambda row: row.id)
def test_a_requirement_fails_when_its_command_was_left_out(
    row: Row, helper_agent_stopped: None, capsys: pytest.CaptureFixture[str], run_config: RunConfig
) -> None:
    kit = steps.start(row.step, run_config.environment)
    registry = session_registries.running_registry(kit)
    assert registry is not None
    for command in _commands_of(row):
        shell.run(kit, command, address=registry.address, expect=shell.EITHER)
    capsys.readouterr()
    with pytest.raises(StepIncomplete) as raised:
        steps.check(row.step, run_config.environment)
    sentence = str(raised.value)
    assert messages.pattern(row.template).fullmatch(sentence), sentence
    assert row.naming in sentence, sentence
    assert capsys.readouterr().out.startswith(lesson.PROMPT)


def _require_templates(check: object) -> list[str]:
    """Return the sentence of each ``require(...)`` in a check's source, with ``{}`` for
    each value, as ``helpers/messages_zh.yml`` writes templates."""
    tree = ast.parse(inspect.getsource(check))  # type: ignore[arg-type]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "require":
            sentence = node.args[1]
            if isinstance(sentence, ast.Constant):
                found.append(str(sentence.value))
            else:
                assert isinstance(sentence, ast.JoinedStr)
                found.append(
                    "".join(
                        str(part.value) if isinstance(part, ast.Constant) else "{}"
                        for part in sentence.values
                    )
                )
    return found


@pytest.mark.parametrize("step", list(steps.STEPS))
def test_every_requirement_has_its_row(step: str) -> None:
    """Each ``require`` of a check has a row of ``TABLE``, and its docstring lists them."""
    check = steps.STEPS[step].check
    assert check.__module__ in (step_checks.__name__, beyond_guide_checks.__name__)
    templates = _require_templates(check)
    rows = {row.template for row in TABLE if row.step == step}
    assert set(templates) == rows
    assert (check.__doc__ or "").startswith("Requires"), check.__doc__
