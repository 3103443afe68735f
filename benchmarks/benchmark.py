"""Measure the kit's verification next to the cost of the docker commands themselves.

Run with ``scripts/benchmark`` (after ``scripts/setup``). Each figure is the median of several
repetitions, measured in this one run, and printed as a table with ratios:

1. per image-store profile (classic on the main engine; containerd on a private engine of
   Debian 13's docker.io, where the machine allows): the floor, the guide's flow as bare
   docker commands (``benchmarks/floor.sh``), and all notebooks through nbval in one process;
2. all notebooks through nbval as the test command runs them: two workers, each verifying one
   profile on a private engine where the machine allows;
3. registry start-to-ready: the kit's ``Registry`` next to a bare ``docker run`` plus polling
   and testcontainers' ``DockerRegistryContainer`` (reaper off), on the same image, with the
   kit's poll interval and bcrypt cost; each timed from the start call to the first answer,
   without the removal afterwards;
4. the site build;
5. the whole test command, warm.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests

from helpers import debian_engine, engine, image_store, images, private_engine, registry, settings
from helpers.registry_image import registry_image

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
FLOOR = "floor: the guide's flow as bare docker commands"
TESTCONTAINERS = "registry ready: testcontainers, the kit's poll interval and bcrypt cost"
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


def run(command: list[str]) -> None:
    """Run a command from the project root; stop the benchmark if it fails."""
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        output = done.stdout[-2000:] + done.stderr[-2000:]
        sys.exit(f"benchmark: {' '.join(command)} failed:\n{output}")


def floor(image: str, htpasswd: Path) -> float:
    """Time the guide's flow as bare docker commands (after making the pull a real one)."""
    images.reload_demo_image()
    port = str(registry.free_port())
    return wall_time(lambda: run(["bash", "benchmarks/floor.sh", image, str(htpasswd), port]))()


def kit_ready(image: str) -> float:
    """Time the kit's registry from start to ready."""
    start = time.perf_counter()
    started = registry.Registry("bench", image=image).start()
    seconds = time.perf_counter() - start
    started.stop()
    return seconds


def bare_ready(image: str, htpasswd: Path) -> float:
    """Time ``docker run`` of the registry plus polling ``/v2/`` until it answers 401."""
    port = registry.free_port()
    start = time.perf_counter()
    command = ["docker", "run", "-d", "-p", f"127.0.0.1:{port}:5000"]
    command += [f"--label={key}={value}" for key, value in BENCHMARK_LABELS.items()]
    command += ["-e", "REGISTRY_AUTH=htpasswd", "-e", "REGISTRY_AUTH_HTPASSWD_REALM=bare"]
    command += ["-e", "REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd"]
    command += ["-v", f"{htpasswd}:/auth/htpasswd:ro", image]
    container = subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()
    try:
        while not _answers_401(port):
            time.sleep(0.02)
        return time.perf_counter() - start
    finally:
        subprocess.run(["docker", "rm", "-f", "-v", container], capture_output=True)


def _answers_401(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/v2/", timeout=1).status_code == 401
    except requests.exceptions.ConnectionError:
        return False


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
            self.get_wrapped_container().put_archive("/", registry.auth_tar())

    start = time.perf_counter()
    container = (
        LikeForLike(image=image, username=settings.DEMO_USER, password=settings.DEMO_PASSWORD)
        .with_kwargs(labels=BENCHMARK_LABELS)  # so `down --all` finds it after a kill
        .start()
    )
    seconds = time.perf_counter() - start
    container.get_wrapped_container().remove(force=True, v=True)
    return seconds


NBVAL = [str(VENV_BIN / "pytest"), "-q", "--nbval", "--nbval-current-env", "notebooks"]


def measure_profile(
    args: argparse.Namespace, image: str, htpasswd: Path
) -> list[tuple[str, float]]:
    """Return the floor and the one-process notebook verification on the engine at hand."""
    profile = image_store.detect(engine.client())
    return [
        (f"{FLOOR} [{profile}]", median_of(lambda: floor(image, htpasswd), args.repeat)),
        (
            f"all notebooks through nbval, one process [{profile}]",
            median_of(wall_time(lambda: run(NBVAL)), args.slow),
        ),
    ]


def measure_containerd_profile(args: argparse.Namespace) -> Rows:
    """Measure the profile figures again on a private containerd-store engine, in a child
    process of this script pointed at it (none where the machine cannot run one)."""
    if not (private_engine.available() and debian_engine.supported()):
        return []
    started = private_engine.PrivateEngine(
        "bench-containerd", image_store.CONTAINERD, debian_engine.unpacked()
    )
    try:
        host = started.start()
        child = [sys.executable, __file__, "--profile-only", "--repeat", str(args.repeat)]
        done = subprocess.run(
            [*child, "--slow", str(args.slow)],
            cwd=ROOT,
            env={**os.environ, "DOCKER_HOST": host},
            capture_output=True,
            text=True,
        )
    finally:
        started.stop()
    if done.returncode != 0:
        sys.exit(f"benchmark: the containerd-store figures failed:\n{done.stderr[-2000:]}")
    return [(name, seconds) for name, seconds in json.loads(done.stdout)]


def measure_all(args: argparse.Namespace, image: str, htpasswd: Path) -> Rows:
    """Return (what, median seconds) for every figure, measured now."""
    parallel = [*NBVAL, "-n", "2", "--dist", "each"]  # as scripts/test runs them
    rows = [
        *measure_profile(args, image, htpasswd),
        *measure_containerd_profile(args),
        (
            "all notebooks through nbval, both profiles, as scripts/test (-n 2)",
            median_of(wall_time(lambda: run(parallel)), args.slow),
        ),
        ("registry ready: the kit's Registry", median_of(lambda: kit_ready(image), args.repeat)),
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
        rows.append(("whole test command, warm (scripts/test)", test_command))
    return rows


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
        "--profile-only",
        action="store_true",
        help="print only the engine's profile figures, as JSON (the script runs itself so)",
    )
    args = parser.parse_args()

    client = engine.client()
    image = registry_image()
    images.load_demo_images()
    htpasswd = Path(tempfile.mkdtemp()) / "htpasswd"
    htpasswd.write_bytes(registry.htpasswd_line(settings.DEMO_USER, settings.DEMO_PASSWORD))
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
        print(f"{name:70} {seconds:9.2f}  {seconds / figures[base]:.2f}x {label}")


def base_of(name: str) -> tuple[str, str]:
    """Return the figure a row is compared with, and its short label: testcontainers for the
    registry, else the floor of the row's profile (the classic one's for the rows of both)."""
    if name.startswith("registry ready"):
        return TESTCONTAINERS, "testcontainers"
    profile = image_store.CONTAINERD if name.endswith(f"[{image_store.CONTAINERD}]") else "classic"
    return f"{FLOOR} [{profile}]", f"floor [{profile}]"


if __name__ == "__main__":
    main()
