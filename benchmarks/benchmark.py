"""Measure the kit's verification next to the cost of the docker commands themselves.

Run with ``scripts/benchmark`` (after ``scripts/setup``). Each figure is the median of several
repetitions, measured in this one run, and printed as a table with ratios:

1. floor: the guide's flow as bare docker commands (``benchmarks/floor.sh``);
2. all notebooks through nbval, as the test command runs them;
3. registry start-to-ready: the kit's ``Registry`` next to a bare ``docker run`` plus polling
   and testcontainers' ``DockerRegistryContainer`` (reaper off), on the same image;
4. the site build;
5. the whole test command, warm.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests

from helpers import engine, images, registry, settings
from helpers.registry_image import registry_image

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    """Run ``action`` ``repeat`` times and return the median wall time in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(command: list[str], **env: str) -> None:
    """Run a command from the project root; stop the benchmark if it fails."""
    done = subprocess.run(
        command, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(
            f"benchmark: {' '.join(command)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )


def floor(image: str, htpasswd: Path) -> None:
    """Run the guide's flow as bare docker commands."""
    images.reload_demo_image()
    run(["bash", "benchmarks/floor.sh", image, str(htpasswd), str(registry.free_port())])


def kit_registry_ready(image: str) -> None:
    """Start the kit's registry until it answers, then remove it (removal not timed)."""
    started = registry.Registry("bench", image=image).start()
    started.stop()


def bare_registry_ready(image: str, htpasswd: Path) -> Callable[[], None]:
    """Return an action that runs a registry with ``docker run`` and polls ``/v2/``."""

    def action() -> None:
        port = registry.free_port()
        cid = subprocess.run(
            [
                "docker",
                "run",
                "-d",
                "-p",
                f"127.0.0.1:{port}:5000",
                "-e",
                "REGISTRY_AUTH=htpasswd",
                "-e",
                "REGISTRY_AUTH_HTPASSWD_REALM=bare",
                "-e",
                "REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd",
                "-v",
                f"{htpasswd}:/auth/htpasswd:ro",
                image,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        try:
            while True:
                try:
                    if requests.get(f"http://127.0.0.1:{port}/v2/", timeout=1).status_code == 401:
                        break
                except requests.exceptions.ConnectionError:
                    pass
                time.sleep(0.02)
        finally:
            subprocess.Popen(["docker", "rm", "-f", "-v", cid], stdout=subprocess.DEVNULL)

    return action


def testcontainers_ready(image: str) -> Callable[[], None]:
    """Return an action that starts testcontainers' registry with a login, until ready."""
    os.environ["TESTCONTAINERS_RYUK_DISABLED"] = "true"
    from testcontainers.community.registry import DockerRegistryContainer

    def action() -> None:
        container = DockerRegistryContainer(
            image=image, username=settings.DEMO_USER, password=settings.DEMO_PASSWORD
        ).start()
        subprocess.Popen(
            ["docker", "rm", "-f", "-v", container.get_wrapped_container().id],
            stdout=subprocess.DEVNULL,
        )

    return action


def main() -> None:
    """Measure everything once per repetition and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="repetitions of quick figures")
    parser.add_argument(
        "--repeat-slow",
        type=int,
        default=3,
        help="repetitions of the notebook run and the whole test command",
    )
    parser.add_argument(
        "--skip-test-command",
        action="store_true",
        help="leave out the whole test command (the slowest figure)",
    )
    args = parser.parse_args()

    client = engine.client()
    image = registry_image()
    images.load_demo_images()
    workdir = Path(tempfile.mkdtemp())
    htpasswd = workdir / "htpasswd"
    htpasswd.write_bytes(registry.htpasswd_line(settings.DEMO_USER, settings.DEMO_PASSWORD))
    htpasswd.chmod(0o644)

    rows: list[tuple[str, float]] = []
    rows.append(
        (
            "floor: the guide's flow as bare docker commands",
            median_seconds(lambda: floor(image, htpasswd), args.repeat),
        )
    )
    nbval = [
        str(VENV_BIN / "pytest"),
        "-p",
        "no:cacheprovider",
        "-q",
        "--nbval",
        "--nbval-current-env",
        "notebooks",
    ]
    rows.append(
        ("all notebooks through nbval", median_seconds(lambda: run(nbval), args.repeat_slow))
    )
    rows.append(
        (
            "registry ready: the kit's Registry",
            median_seconds(lambda: kit_registry_ready(image), args.repeat),
        )
    )
    rows.append(
        (
            "registry ready: docker run + polling",
            median_seconds(bare_registry_ready(image, htpasswd), args.repeat),
        )
    )
    rows.append(
        (
            "registry ready: testcontainers DockerRegistryContainer",
            median_seconds(testcontainers_ready(image), args.repeat),
        )
    )
    rows.append(
        (
            "site build (scripts/site)",
            median_seconds(lambda: run(["scripts/site"]), args.repeat_slow),
        )
    )
    if not args.skip_test_command:
        rows.append(
            (
                "whole test command, warm (scripts/test)",
                median_seconds(lambda: run(["scripts/test"]), args.repeat_slow),
            )
        )

    figures = dict(rows)
    version = client.version()
    print(
        f"cores: {os.cpu_count()}   engine: Docker {version['Version']} ({version['Arch']})   "
        f"registry image: {image}   repetitions: {args.repeat} (slow: {args.repeat_slow})"
    )
    print(f"{'measure':58} {'median s':>9}  ratio")
    floor_s = figures["floor: the guide's flow as bare docker commands"]
    testcontainers_s = figures["registry ready: testcontainers DockerRegistryContainer"]
    for name, seconds in rows:
        if name.startswith("registry ready"):
            ratio = f"{seconds / testcontainers_s:.2f}x testcontainers"
        else:
            ratio = f"{seconds / floor_s:.2f}x floor"
        print(f"{name:58} {seconds:9.2f}  {ratio}")


if __name__ == "__main__":
    main()
