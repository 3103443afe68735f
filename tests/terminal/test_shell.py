"""The shell runner: a terminal's final screen, failures raised, ``!`` run as typed."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

import psutil
import pytest
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

from helpers import CommandFailed, final_screen, settings, waiting
from helpers.demo import archive
from helpers.demo.specs import hello_spec
from helpers.engine.image_store import CLASSIC
from helpers.steps import setups as step_setups
from helpers.steps.target import LocalTarget
from helpers.terminal import bang, screen, shell
from helpers.terminal.shell import run

# The runner works alike on both stores: the classic store's worker runs it.
pytestmark = pytest.mark.one_store(CLASSIC)

REMOTE = f"{settings.GUIDE_ADDRESS}/{settings.DEMO_REPOSITORY}:0.1.0"

UP, CLEAR = "\x1b[{}A", "\x1b[2K\r"
DOWN = "\x1b[{}B"


def _redraw(line: str, up: int) -> str:
    """Return what docker writes to rewrite the line ``up`` lines above the cursor."""
    return UP.format(up) + CLEAR + line + DOWN.format(up) + "\r"


PUSH_WRITTEN = (
    "The push refers to repository [localhost:5000/learner/hello-world]\r\n"
    "\r\ne1c8b8d70b5e: Preparing \r\n8e295e84afc9: Preparing \r\n"
    + _redraw("\x1b[1me1c8b8d70b5e\x1b[0m: Pushing [==>     ]  1.2kB/3kB", 2)
    + _redraw("8e295e84afc9: Mounted from library/tinybase ", 1)
    + _redraw("e1c8b8d70b5e: Pushed ", 2)
    + "0.1.0: digest: sha256:50c9 size: 1351\r\n"
)
PUSH_SCREEN = """\
The push refers to repository [localhost:5000/learner/hello-world]

e1c8b8d70b5e: Pushed
8e295e84afc9: Mounted from library/tinybase
0.1.0: digest: sha256:50c9 size: 1351
"""


@pytest.mark.parametrize(
    ("written", "screen"),
    [
        (PUSH_WRITTEN, PUSH_SCREEN),
        ("a\tb\r\n", "a       b\n"),
        ("no newline at the end", "no newline at the end\n"),
        ("\r\n\r\n", ""),
        ("", ""),
    ],
    ids=["progress-redrawn", "tab", "last-line", "blank", "empty"],
)
def test_final_screen_is_what_a_terminal_shows_at_the_end(written, screen):
    """Lines rewritten in place keep their last state, colours and trailing spaces go, tabs
    are drawn as spaces, and blank lines after the last line are not part of it."""
    assert final_screen(written.encode()) == screen


@pytest.mark.parametrize(
    ("command", "named"),
    [
        ("docker push localhost:5000/a/b:1", ("push", "localhost:5000/a/b:1")),
        ("docker push localhost:5000/a/b:1  # a comment", ("push", "localhost:5000/a/b:1")),
        ("docker run --rm a/b:1 echo hi", ("run", "a/b:1")),
        ("docker pull -q a/b", ("pull", "a/b")),
        ("docker image ls", None),
        ("echo x | docker login h", None),
    ],
)
def test_image_named_by_finds_the_image_of_push_pull_and_run(command, named):
    """The runner knows which image a push, pull or run is about, comment or not."""
    assert screen.image_named_by(command) == named


COMPLETION_ORDER = (
    "The push refers to repository [x]\n"
    "cccccccccccc: Pushed\naaaaaaaaaaaa: Pushed\nbbbbbbbbbbbb: Pushed\n"
    "1: digest: sha256:0 size: 1\n"
)


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        (
            ["aaaaaaaaaaaa", "bbbbbbbbbbbb", "cccccccccccc"],
            "The push refers to repository [x]\n"
            "aaaaaaaaaaaa: Pushed\nbbbbbbbbbbbb: Pushed\ncccccccccccc: Pushed\n"
            "1: digest: sha256:0 size: 1\n",
        ),
        (["aaaaaaaaaaaa", "bbbbbbbbbbbb"], COMPLETION_ORDER),
        ([], COMPLETION_ORDER),
    ],
    ids=["reordered", "unknown-layer-left-as-is", "no-order-known"],
)
def test_layer_lines_take_the_images_layer_order(order, expected):
    """The containerd store prints layers as they finish; the runner puts them in the image's
    order, only when it knows every layer, and leaves the other lines where they were."""
    assert screen.in_layer_order(COMPLETION_ORDER, order) == expected


def _manifest(registry) -> tuple[list[str], str, int]:
    """Return the short blob digests, the digest and the size of the pushed manifest."""
    response = registry.api.manifest(settings.DEMO_REPOSITORY, "0.1.0")
    blobs = [layer["digest"].removeprefix("sha256:")[:12] for layer in response.json()["layers"]]
    return blobs, response.headers["Docker-Content-Digest"], len(response.content)


def test_real_push_and_pull_show_final_lines_in_layer_order(
    kit, guide_registry, demo_images, docker_client, architecture
):
    """A real multi-layer push, a second push, and a pull after removal each print exactly one
    final line per layer (push: top layer first; pull: base layer first)."""
    step_setups.base_published(LocalTarget(guide_registry))
    run(kit, f"docker tag {settings.DEMO_IMAGE} {REMOTE}", address=guide_registry.address)
    pushed = run(kit, f"docker push {REMOTE}", address=guide_registry.address).output
    blobs, digest, size = _manifest(guide_registry)
    layers = [archive.layer_tar(layer) for layer in hello_spec(architecture).layers]
    top, *base = reversed([hashlib.sha256(tar).hexdigest()[:12] for tar in layers])
    repository = f"{guide_registry.address}/{settings.DEMO_REPOSITORY}"
    assert pushed == (
        f"The push refers to repository [{repository}]\n"
        f"{top}: Pushed\n"
        + "".join(f"{layer}: Mounted from library/tinybase\n" for layer in base)
        + f"0.1.0: digest: {digest} size: {size}\n"
    )
    again = run(kit, f"docker push {REMOTE}", address=guide_registry.address).output
    assert again == (
        f"The push refers to repository [{repository}]\n"
        + "".join(f"{layer}: Layer already exists\n" for layer in [top, *base])
        + f"0.1.0: digest: {digest} size: {size}\n"
    )
    docker_client.images.remove(demo_images[settings.DEMO_IMAGE], force=True)
    pulled = run(kit, f"docker pull {REMOTE}", address=guide_registry.address).output
    assert pulled == (
        f"0.1.0: Pulling from {settings.DEMO_REPOSITORY}\n"
        + "".join(f"{blob}: Already exists\n" for blob in blobs[:-1])
        + f"{blobs[-1]}: Pull complete\n"
        f"Digest: {digest}\n"
        f"Status: Downloaded newer image for {repository}:0.1.0\n"
        f"{repository}:0.1.0\n"
    )


def test_a_failing_command_raises_command_failed(kit):
    """A non-zero exit raises CommandFailed naming the command and its exit status."""
    with pytest.raises(CommandFailed, match=r"exit 3\): exit 3$"):
        run(kit, "exit 3")


def test_a_command_that_fails_on_purpose_returns_its_result(kit):
    """A command run with ``expect=FAILS`` that fails returns its result instead of raising."""
    result = run(kit, "echo refused; exit 1", expect=shell.FAILS)
    assert (result.output, result.returncode) == ("refused\n", 1)


def test_a_command_meant_to_fail_that_succeeds_raises(kit):
    """A command run with ``expect=FAILS`` that succeeds raises CommandFailed."""
    with pytest.raises(CommandFailed, match="meant to fail but succeeded"):
        run(kit, "true", expect=shell.FAILS)


def test_a_check_command_may_go_either_way(kit):
    """``expect=EITHER`` (a step check's commands) never raises on the exit status."""
    assert run(kit, "false", expect=shell.EITHER).returncode == 1
    assert run(kit, "true", expect=shell.EITHER).returncode == 0


def test_the_home_folder_is_printed_as_a_tilde(kit):
    """The session home's absolute path never reaches an output: it reads ``~``."""
    printed = run(kit, 'echo "$HOME/.docker/config.json"; cat ~/missing', expect=shell.FAILS).output
    assert printed == "~/.docker/config.json\ncat: ~/missing: No such file or directory\n"


def test_output_merges_stdout_and_stderr_in_order(kit):
    """What a command writes to stdout and stderr comes back as one text, in order."""
    assert run(kit, "echo one; echo two >&2; echo three").output == "one\ntwo\nthree\n"


def test_the_guide_address_maps_to_the_real_registry(kit):
    """``localhost:5000`` in a command becomes the registry's real address."""
    assert run(
        kit, "echo localhost:5000/learner/hello-world", address="localhost:40000"
    ).output == ("localhost:40000/learner/hello-world\n")


def test_the_guides_registry_container_is_the_sessions_and_prints_as_the_guides(kit):
    """The ``main`` session's registry container, as the pages name it, is this session's
    in a command, and this session's prints as the guide's."""
    assert kit.session != "main"
    split = "echo docker-share-kit-registry-main | sed 's/-registry-/ /'"
    assert run(kit, split).output == f"docker-share-kit {kit.session}\n"
    assert run(kit, "echo docker-share-kit-registry-main").output == (
        "docker-share-kit-registry-main\n"
    )


GARBAGE_COLLECTED = (
    "6 blobs marked, 3 blobs and 0 manifests eligible for deletion\n"
    "blob eligible for deletion: sha256:be55\n"
    "blob eligible for deletion: sha256:50c9\n"
    "blob eligible for deletion: sha256:ea20\n"
)


def test_the_blobs_garbage_collection_deletes_are_listed_sorted():
    """``registry garbage-collect`` lists the blobs it deletes in Go's random map order; the
    stored output lists them sorted, and the lines around stay where they are."""
    assert screen.in_sorted_order(GARBAGE_COLLECTED) == (
        "6 blobs marked, 3 blobs and 0 manifests eligible for deletion\n"
        "blob eligible for deletion: sha256:50c9\n"
        "blob eligible for deletion: sha256:be55\n"
        "blob eligible for deletion: sha256:ea20\n"
    )


@pytest.fixture
def ipython(kit, tmp_path, monkeypatch) -> Iterator[InteractiveShell]:
    """Return a real IPython shell whose ``!`` goes through the kit's runner."""
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = "nocolor"
    ip = InteractiveShell.instance(config=config)
    bang.install(kit, ip)
    yield ip
    InteractiveShell.clear_instance()


def test_bang_runs_the_command_exactly_as_typed(ipython, capsys):
    """``$NAME`` and ``{...}`` reach the shell as typed, as in a terminal, never expanded
    from Python: JSON in single quotes stays JSON."""
    ipython.user_ns["NAME"] = "python"
    assert ipython.run_cell("!NAME=shell; echo $NAME '{\"a\": 1}' {1 + 1}").success
    assert capsys.readouterr().out == 'shell {"a": 1} {1 + 1}\n'


def test_bang_in_a_cell_marked_to_fail_expects_failure(kit, ipython, capsys):
    """Every ``!`` command of a cell whose source is marked to fail must fail; the same
    command in another cell must succeed."""
    marked = "# on purpose\n!false"
    bang.install(kit, ipython, failing=frozenset({marked}))
    assert ipython.run_cell(marked).success
    result = ipython.run_cell("!false")
    assert isinstance(result.error_in_exec, CommandFailed)
    assert len(ipython.events.callbacks["pre_run_cell"]) == 1  # installing twice replaced it


def test_bang_passes_go_templates_through(ipython, demo_images, capsys):
    """``--format '{{.ID}}'`` reaches docker as typed and prints the image's 12-hex ID."""
    cell = f"!docker image ls --format '{{{{.ID}}}}' {settings.DEMO_REPOSITORY}"
    assert ipython.run_cell(cell).success
    printed = capsys.readouterr().out
    assert re.fullmatch(r"[0-9a-f]{12}\n", printed)
    assert printed == demo_images[settings.DEMO_IMAGE].removeprefix("sha256:")[:12] + "\n"


def test_bang_failure_shows_one_sentence_not_a_traceback(ipython, capsys):
    """A failing ``!`` command fails the cell with CommandFailed shown as one line."""
    result = ipython.run_cell("!false")
    assert isinstance(result.error_in_exec, CommandFailed)
    shown = capsys.readouterr().out
    assert "CommandFailed: This command failed (exit 1): false" in shown
    assert "Traceback" not in shown


def test_a_command_that_hangs_is_stopped_with_a_sentence(kit):
    """A command outlasting its time is stopped, with everything it started, and fails the
    cell with one sentence instead of hanging it."""
    marker = "time.sleep(987)"
    sleeper = f"python3 -c 'import time; {marker}'"
    with pytest.raises(CommandFailed, match=r"did not finish within 1 s, so it was stopped"):
        run(kit, f"{sleeper} & {sleeper}; wait", timeout=1)

    def started() -> list[int]:
        running = psutil.process_iter(["cmdline"])
        return [p.pid for p in running if marker in " ".join(p.info["cmdline"] or [])]

    waiting.until(lambda: not started(), timeout=5, interval=0.05)  # SIGKILLed: a moment
    assert not (left := started()), f"a process the command started still runs: {left}"
