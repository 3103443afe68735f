"""Measure the kit's verification next to the cost of the docker commands themselves.

Run with ``scripts/benchmark`` (after ``scripts/setup``). Each figure is the median of several
repetitions, measured in this one run, and printed as a table with ratios, then the goals:

1. per engine-and-CLI pair of the matrix (``helpers.engine.pairs``: each a private engine with its
   own CLI first on ``PATH``, where the machine allows; else the engine at hand): the floor,
   which runs the very commands a verification runs, bare (``benchmarks/floor.sh``, made from
   the notebooks by ``benchmarks/floor.py``), and the English notebooks, whose commands those
   are, through nbval in one process;
2. the notebooks through nbval as the test command runs them: two workers, each verifying one
   profile on a private engine where the machine allows; the English ones alone (the floor's
   work on each profile), then both editions (the Chinese notebooks run the same commands
   again, on the containerd store's worker: ``one_store`` in ``conftest.py``);
3. registry start-to-ready: the kit's ``Registry`` next to a bare ``docker run`` plus polling
   and testcontainers' ``DockerRegistryContainer`` (reaper off), on the same image, with the
   kit's poll interval and bcrypt cost; each timed from the start call to the first answer,
   without the removal afterwards;
4. the site build;
5. the whole test command, warm;
6. with ``--where-time-goes``, where the time goes (``where_time_goes``): one notebook
   verification under py-spy, and the whole test command's CPU by kind of process;
7. with ``--cold``, a first run: a fresh clone of this checkout's commit, its ``scripts/setup``
   and then ``scripts/tutorial`` (once each; the machine's pip and apt caches and the engine's
   images stay as they are).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks import where_time_goes
from benchmarks.floor import FLOOR
from helpers import environment, settings, waiting
from helpers.demo import images
from helpers.engine import host as engine
from helpers.engine import image_store, pairs
from helpers.engine import private as private_engine
from helpers.kit import Kit
from helpers.lesson import notebooks as lesson
from helpers.registry import auth as registry_auth
from helpers.registry import container as registry
from helpers.registry import ports
from helpers.registry.api import RegistryAPI
from helpers.registry.image import registry_image
from helpers.steps import buildx, credential_helper
from helpers.steps import setups as step_setups
from helpers.terminal import shell

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
BASH = shutil.which("bash") or "/bin/bash"
FLOOR_ROW = "floor: the same commands, bare (benchmarks/floor.sh)"
TESTCONTAINERS = "registry ready: testcontainers, the kit's poll interval and bcrypt cost"
KIT_READY = "registry ready: the kit's Registry"
ONE_PROCESS = "English notebooks through nbval, one process"
ENGLISH_BOTH_PROFILES = "English notebooks through nbval, both profiles (-n 2)"
BOTH_PROFILES = "all notebooks through nbval, both profiles, as scripts/test (-n 2)"
TEST_COMMAND = "whole test command, warm (scripts/test)"
BENCHMARK_LABELS = {settings.LABEL: "benchmark", settings.SESSION_LABEL: "benchmark"}
"""Labels of the containers the benchmark starts, so that `down --all` removes them."""
Rows = list[tuple[str, float]]


def median_of(measure: Callable[[], float], repeat: int) -> float:
    """Return the median of ``repeat`` measurements, each in seconds."""
    return statistics.median(measure() for _ in range(repeat))


def wall_time(action: Callable[[], object]) -> Callable[[], float]:
    """Return a measurement of the wall time ``action`` takes."""

    def measure() -> float:
        start = time.perf_counter()
        action()
        return time.perf_counter() - start

    return measure


def run(command: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> None:
    """Run a command (from the project root unless told); stop the benchmark if it fails."""
    done = subprocess.run(
        command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True
    )
    if done.returncode != 0:
        output = done.stdout[-2000:] + done.stderr[-2000:]
        sys.exit(f"benchmark: {' '.join(command)} failed:\n{output}")


def floor(image: str, htpasswd: Path) -> float:
    """Time the floor (``benchmarks/floor.sh``): the same commands a verification runs, bare,
    in the kit's environment, from where ``python -m helpers terminal`` leaves a learner."""
    kit = Kit.from_environment()
    step_setups.fresh_start(kit)
    home = kit.home
    port = ports.free(kit.environment.registry_port)
    script = home.parent / "floor.sh"  # its registry's address mapped, as the shell runner maps
    script.write_text(FLOOR.read_text().replace(settings.GUIDE_ADDRESS, f"localhost:{port}"))
    helper_path = ":".join(credential_helper.command_path(kit.environment.search_path))
    plugin = str(buildx.plugin(kit.environment))
    command = [BASH, str(script), image, str(htpasswd), str(port), helper_path, plugin]
    return wall_time(lambda: run(command, env=shell.environment(kit), cwd=home))()


def kit_ready(image: str) -> float:
    """Time the kit's registry from start to ready."""
    start = time.perf_counter()
    started = registry.Registry(Kit.from_environment("bench"), image=image).start()
    seconds = time.perf_counter() - start
    started.stop()
    return seconds


def bare_ready(image: str, htpasswd: Path) -> float:
    """Time ``docker run`` of the registry plus polling ``/v2/`` until it answers 401."""
    port = ports.free(environment.current().registry_port)
    start = time.perf_counter()
    command = ["docker", "run", "-d", "-p", f"127.0.0.1:{port}:5000"]
    command += [f"--label={key}={value}" for key, value in BENCHMARK_LABELS.items()]
    command += ["-e", "REGISTRY_AUTH=htpasswd", "-e", "REGISTRY_AUTH_HTPASSWD_REALM=bare"]
    command += ["-e", "REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd"]
    command += ["-v", f"{htpasswd}:/auth/htpasswd:ro", image]
    container = subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()
    try:
        api = RegistryAPI(f"http://127.0.0.1:{port}")
        waiting.until(api.ready, timeout=registry.READY_TIMEOUT, interval=registry.POLL_INTERVAL)
        return time.perf_counter() - start
    finally:
        subprocess.run(["docker", "rm", "-f", "-v", container], capture_output=True)


def testcontainers_ready(image: str) -> float:
    """Time testcontainers' registry, with a login, from start to ready (reaper off), like for
    like with the kit's: the same poll interval and the same bcrypt cost of the password, where
    testcontainers would poll once a second and hash with 12 rounds."""
    os.environ["TESTCONTAINERS_RYUK_DISABLED"] = "true"
    os.environ["TC_POOLING_INTERVAL"] = str(registry.POLL_INTERVAL)  # read at import
    from testcontainers.community.registry import DockerRegistryContainer

    class LikeForLike(DockerRegistryContainer):
        credentials_path = "/auth/htpasswd"

        def _copy_credentials(self) -> None:
            self.get_wrapped_container().put_archive("/", registry_auth.auth_tar())

    start = time.perf_counter()
    container = (
        LikeForLike(image=image, username=settings.DEMO_USER, password=settings.DEMO_PASSWORD)
        .with_kwargs(labels=BENCHMARK_LABELS)  # so `down --all` finds it after a kill
        .start()
    )
    seconds = time.perf_counter() - start
    container.get_wrapped_container().remove(force=True, v=True)
    return seconds


NBVAL = [str(VENV_BIN / "pytest"), "-q", "--nbval"]
ENGLISH = [str(path) for path in lesson.notebook_paths()]
"""The notebooks whose commands the floor runs; the Chinese ones run the very same commands."""


def measure_profile(args: argparse.Namespace, image: str, htpasswd: Path) -> Rows:
    """Return the floor and the one-process notebook verification on the engine at hand,
    labelled with its pair (``--pair``), else its image store."""
    label = args.pair or image_store.detect(engine.client())
    return [
        (f"{FLOOR_ROW} [{label}]", median_of(lambda: floor(image, htpasswd), args.repeat)),
        (
            f"{ONE_PROCESS} [{label}]",
            median_of(wall_time(lambda: run([*NBVAL, *ENGLISH])), args.slow),
        ),
    ]


def measure_pair(args: argparse.Namespace, pair: pairs.Pair) -> Rows:
    """Measure the pair figures on a private engine of the pair, in a child process of this
    script pointed at it, with the pair's CLI first on ``PATH``."""
    started = private_engine.PrivateEngine(f"bench-{pair.name}", pair.store, pair.binaries())
    try:
        host = started.start()
        child = [sys.executable, "-m", "benchmarks.benchmark", "--profile-only"]
        child += ["--pair", pair.name, "--repeat", str(args.repeat), "--slow", str(args.slow)]
        here = environment.current()
        done = subprocess.run(
            child,
            cwd=ROOT,
            env=here.child(DOCKER_HOST=host, PATH=pair.path(here.search_path)),
            capture_output=True,
            text=True,
        )
    finally:
        started.stop()
    if done.returncode != 0:
        sys.exit(f"benchmark: the figures of {pair.name} failed:\n{done.stderr[-2000:]}")
    return [(name, seconds) for name, seconds in json.loads(done.stdout)]


def measure_pairs(args: argparse.Namespace, image: str, htpasswd: Path) -> Rows:
    """Return every pair's figures, or the engine at hand's where private engines cannot run."""
    if not private_engine.available(environment.current()):
        return measure_profile(args, image, htpasswd)
    return [row for pair in pairs.MATRIX for row in measure_pair(args, pair)]


def measure_all(args: argparse.Namespace, image: str, htpasswd: Path) -> Rows:
    """Return (what, median seconds) for every figure, measured now."""
    parallel = [*NBVAL, "-n", "2", "--dist", "each"]  # as scripts/test runs them
    rows = [
        *measure_pairs(args, image, htpasswd),
        (
            ENGLISH_BOTH_PROFILES,
            median_of(wall_time(lambda: run([*parallel, *ENGLISH])), args.slow),
        ),
        (BOTH_PROFILES, median_of(wall_time(lambda: run([*parallel, "notebooks"])), args.slow)),
        (KIT_READY, median_of(lambda: kit_ready(image), args.repeat)),
        (
            "registry ready: docker run + polling",
            median_of(lambda: bare_ready(image, htpasswd), args.repeat),
        ),
        (TESTCONTAINERS, median_of(lambda: testcontainers_ready(image), args.repeat)),
        (
            "site build (scripts/site)",
            median_of(wall_time(lambda: run(["scripts/site"])), args.slow),
        ),
    ]
    if not args.skip_test_command:
        test_command = median_of(wall_time(lambda: run(["scripts/test"])), args.slow)
        rows.append((TEST_COMMAND, test_command))
    if args.cold:
        rows += first_run()
    return rows


def first_run() -> Rows:
    """Time a learner's first run: a fresh clone of this commit, set up, then the main job."""
    with tempfile.TemporaryDirectory(prefix="kit-cold-") as scratch:
        clone = Path(scratch) / "kit"
        run(["git", "clone", "-q", str(ROOT), str(clone)])
        env = environment.current().child(KIT_SESSION="bench-cold")
        setup = wall_time(lambda: run(["scripts/setup"], env=env, cwd=clone))()
        tutorial = wall_time(lambda: run(["scripts/tutorial"], env=env, cwd=clone))()
        run([str(clone / ".venv/bin/python"), "-m", "helpers", "down"], env=env, cwd=clone)
    return [
        ("first run: scripts/setup in a fresh clone", setup),
        ("first run: then scripts/tutorial (verified notebooks, site)", tutorial),
    ]


def main() -> None:
    """Measure every figure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7, help="repetitions of quick figures")
    parser.add_argument(
        "--slow", type=int, default=3, help="repetitions of the notebook run, site, test command"
    )
    parser.add_argument(
        "--skip-test-command", action="store_true", help="leave out the whole test command"
    )
    parser.add_argument(
        "--cold", action="store_true", help="also time a first run in a fresh clone (minutes)"
    )
    parser.add_argument(
        "--where-time-goes",
        action="store_true",
        help="also say where the time goes: a notebook verification, the test command",
    )
    parser.add_argument("--pair", default=None, help="label the profile figures with this pair")
    parser.add_argument(
        "--profile-only",
        action="store_true",
        help="print only the engine's profile figures, as JSON (the script runs itself so)",
    )
    args = parser.parse_args()

    client = engine.client()
    image = registry_image(client)
    images.load_demo_images(client)
    htpasswd = Path(tempfile.mkdtemp()) / "htpasswd"
    htpasswd.write_bytes(registry_auth.htpasswd_line(settings.DEMO_USER, settings.DEMO_PASSWORD))
    htpasswd.chmod(0o644)
    if args.profile_only:
        print(json.dumps(measure_profile(args, image, htpasswd)))
        return
    rows = measure_all(args, image, htpasswd)

    figures = dict(rows)
    version = client.version()
    print(
        f"cores: {os.cpu_count()}   engine: Docker {version['Version']} ({version['Arch']})   "
        f"registry image: {image}   repetitions: {args.repeat} (slow ones: {args.slow})"
    )
    print(f"{'measure':70} {'median s':>9}  ratio")
    for name, seconds in rows:
        base, label = base_of(name)
        ratio = f"{seconds / figures[base]:.2f}x {label}" if base in figures else ""
        print(f"{name:70} {seconds:9.2f}  {ratio}")
    print("\ngoals (issues 15 and 23):")
    for line in goals(figures):
        print(f"  {line}")
    if args.where_time_goes:
        print(f"\nwhere the time goes, {ONE_PROCESS} [{image_store.detect(client)}], by py-spy:")
        print(where_time_goes.profile())
        if not args.skip_test_command:
            print("\nwhere the whole test command's time goes, CPU by kind of process:")
            print(where_time_goes.cpu_by_kind(["scripts/test"]))


def base_of(name: str) -> tuple[str, str]:
    """Return the figure a row is compared with, and its short label: testcontainers for the
    registry, else the floor of the row's pair (the classic reference's for the rows of both
    stores); none for a first run, which does far more than the steps' commands."""
    if name.startswith("first run"):
        return "", ""
    if name.startswith("registry ready"):
        return TESTCONTAINERS, "testcontainers"
    label = name.rsplit("[", 1)[1].rstrip("]") if name.endswith("]") else REFERENCE_FLOOR
    return f"{FLOOR_ROW} [{label}]", f"floor [{label}]"


REFERENCE_FLOOR = pairs.REFERENCE[image_store.CLASSIC].name
"""The floor the rows of both stores are compared with: the classic reference pair's."""


GOALS = [
    *((f"{ONE_PROCESS} [{p.name}]", 2.0, f"{FLOOR_ROW} [{p.name}]") for p in pairs.MATRIX),
    (ENGLISH_BOTH_PROFILES, 2.5, f"{FLOOR_ROW} [{REFERENCE_FLOOR}]"),
    (BOTH_PROFILES, 2.5, f"{FLOOR_ROW} [{REFERENCE_FLOOR}]"),
    (KIT_READY, 0.5, TESTCONTAINERS),
    (TEST_COMMAND, 60.0, None),  # issue 15's
    (TEST_COMMAND, 156.0, None),  # issue 23's: no slower than before the pairs (Dec 2026)
]
"""Each goal: the figure, its limit, and the figure the limit is a ratio of (None: seconds)."""


def goals(figures: dict[str, float]) -> list[str]:
    """Say for each goal whose figures were measured whether it is met, and by how much not."""
    said = []
    for name, limit, base in GOALS:
        if name not in figures or (base is not None and base not in figures):
            continue
        value = figures[name] if base is None else figures[name] / figures[base]
        unit = " s" if base is None else "x"
        verdict = "met    " if value <= limit else f"missed by {value - limit:.2f}{unit}:"
        said.append(f"{verdict} {name}: {value:.2f}{unit}, goal at most {limit:g}{unit}")
    return said


if __name__ == "__main__":
    main()
