"""Where the time goes: a py-spy profile of one notebook verification, summed up by part, and
the whole test command's CPU time by kind of process.

``scripts/benchmark --where-time-goes`` runs the English notebooks through nbval in one
process under py-spy, which samples every process (pytest and each notebook's kernel) and
every thread, waiting included, and prints the wall time of two main threads by part:

- pytest's: starting and collecting, waiting for a kernel to start, waiting for the kernel to
  run a cell, comparing outputs and the rest;
- the kernels' (only while they run kit code): the commands themselves (waiting on the
  pseudo-terminal), the terminal's own work around them, each step's set-up, each step's
  check, and importing the kit as the kernel starts.

Sampling slows every process down, so the seconds come out larger than without it; the
shares are what the profile tells.

Then it runs the test command (``scripts/test``) and, four times a second, reads the CPU time
of every process on the machine, summed by kind (kernels, Chromium, the engines, the registry,
``python -m helpers`` and so on): where its CPU goes. What the machine's two cores did not
spend is waiting (timeouts the tests wait out, one worker done before the other). A process
that starts and ends between two readings is missed (a ``docker`` command, mostly).
"""

from __future__ import annotations

import collections
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil

from helpers.lesson import notebooks as lesson
from helpers.paths import PROJECT_ROOT

RATE = 100
"""Samples a second."""

PYTEST_PARTS = [
    ("waiting for the kernel to run a cell", "RunningKernel.await_reply"),
    ("waiting for a kernel to start", "KernelPool.kernel"),
    ("comparing outputs", "IPyNbCell.compare_outputs"),
    ("starting, collecting (before the first cell)", "pytest_collection"),
    ("starting, collecting (before the first cell)", "pytest_configure"),
    ("starting, collecting (before the first cell)", "_prepareconfig"),
]
"""The pytest main thread's parts: the first whose frame is on the stack names a sample."""

KERNEL_PARTS = [
    (
        "the commands themselves (waiting on their terminal)",
        "_read (helpers/terminal/pseudo_terminal.py",
    ),
    ("the terminal's own work around the commands", "run (helpers/terminal/shell.py"),
    ("the steps' set-ups", "start (helpers/steps/__init__.py"),
    ("the steps' checks", "check (helpers/steps/__init__.py"),
    ("importing the kit as the kernel starts", "<module> (helpers/"),
]
"""The kernels' parts, in order of precedence (a command that a set-up runs is a command)."""


def samples(raw: Path) -> Iterator[tuple[str, list[str], int]]:
    """Yield (whose, frames, count) for each main-thread stack of py-spy's raw output: whose is
    "pytest" for the pytest process, "kernel" for a notebook's kernel. A main thread is the
    one whose id is its process's (py-spy names a thread only once Python has)."""
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        processes = [frame for frame in frames if frame.startswith("process ")]
        threads = [frame for frame in frames if frame.startswith("thread (")]
        if not processes or not threads:
            continue
        pid = processes[-1].removeprefix("process ").partition(":")[0]
        if threads[0].removeprefix("thread (").partition(")")[0] != pid:
            continue
        if "ipykernel" in processes[-1]:
            whose = "kernel"
        elif len(processes) == 1:
            whose = "pytest"
        else:
            continue  # a process pytest forked, before it became another program
        code = [frame for frame in frames if not frame.startswith(("process ", "thread ("))]
        yield whose, code, int(count)


def part_of(frames: list[str], parts: list[tuple[str, str]], other: str) -> str:
    """Return the name of the first part one of whose frames is on the stack."""
    for name, frame in parts:
        if any(frame in each for each in frames):
            return name
    return other


def summary(raw: Path) -> str:
    """Return the two main threads' wall time by part, in seconds and shares."""
    pytest_time: collections.Counter[str] = collections.Counter()
    kernel_time: collections.Counter[str] = collections.Counter()
    for whose, frames, count in samples(raw):
        if whose == "pytest":
            pytest_time[part_of(frames, PYTEST_PARTS, "the rest")] += count
        elif any("(helpers/" in frame for frame in frames):  # a kernel idle between cells
            kernel_time[part_of(frames, KERNEL_PARTS, "other kit code")] += count
    lines = []
    for title, counts in (
        ("pytest's main thread", pytest_time),
        ("the kernels' main threads, while they run kit code", kernel_time),
    ):
        total = sum(counts.values())
        lines.append(f"{title}: {total / RATE:.1f} s sampled")
        for name, count in counts.most_common():
            lines.append(f"  {count / RATE:6.1f} s  {count / total:4.0%}  {name}")
    return "\n".join(lines)


def profile() -> str:
    """Run the English notebooks through nbval under py-spy; return the summary."""
    py_spy = Path(sys.executable).parent / "py-spy"
    with tempfile.TemporaryDirectory(prefix="kit-profile-") as scratch:
        raw = Path(scratch) / "nbval.raw"
        record = [str(py_spy), "record", "--subprocesses", "--idle", "--threads"]
        record += ["--rate", str(RATE), "--format", "raw", "--output", str(raw), "--"]
        nbval = [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "--nbval",
            *map(str, lesson.notebook_paths()),
        ]
        done = subprocess.run([*record, *nbval], cwd=PROJECT_ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            output = done.stdout[-2000:] + done.stderr[-2000:]
            sys.exit(f"benchmark: the profiled nbval run failed:\n{output}")
        return summary(raw)


KINDS = [
    ("notebook kernels", "ipykernel"),
    ("python -m helpers (the kit's verbs)", "-m helpers"),
    ("pytest runs that tests start", "-m pytest"),
    ("the test workers (xdist)", "exec(eval(sys.stdin"),
    ("the test command's pytest", "pytest"),
]
"""Python processes by what their command line holds; other processes go by name."""
ENGINE_NAMES = {"dockerd", "containerd", "containerd-shim-runc-v2", "runc", "docker-proxy"}


def kind_of(process: psutil.Process) -> str:
    """Return the kind of a process, for the CPU table, as its program is now (a process
    forked by Python reads as Python until it runs its own program)."""
    try:
        name, command = process.name(), process.cmdline()
    except psutil.Error:
        return "other"
    program = Path(command[0]).name if command else name
    if name.startswith("python") or program in ("python", "python3", "pytest"):
        line = " ".join(command)
        return next((kind for kind, part in KINDS if part in line), "other Python")
    if program in ("ruff", "mypy") or name in ("ruff", "mypy"):
        return "lint and types (ruff, mypy)"
    if "chrom" in name:
        return "Chromium"
    if name in ENGINE_NAMES or name.startswith("runc"):
        return "Docker engines (dockerd, containerd, runc)"
    if name == "registry":
        return "registry containers"
    return "other"


def cpu_by_kind(command: list[str]) -> str:
    """Run ``command`` from the project root while reading every process's CPU time, before,
    four times a second during, and after; return its wall time and the CPU seconds by kind.
    A process is counted from the reading before (or from its start) to its last reading:
    what it used after that, or a whole process between two readings, is missed. The CPU the
    kernel counted for the command's own process tree, as each process was waited for, is
    given as a check on the total."""
    used: collections.Counter[str] = collections.Counter()
    last: dict[tuple[int, float], float] = {}

    def read(counting: bool) -> None:
        for process in psutil.process_iter():
            try:
                times = process.cpu_times()
                key = (process.pid, process.create_time())
            except psutil.Error:
                continue
            total = times.user + times.system
            if counting:
                used[kind_of(process)] += total - last.get(key, 0.0)
            last[key] = total

    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.25):
            read(counting=True)

    read(counting=False)  # what was running before: counted from here on
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    wall = time.perf_counter()
    finished = subprocess.run(
        command, cwd=PROJECT_ROOT, stdin=subprocess.DEVNULL, capture_output=True
    )
    wall = time.perf_counter() - wall
    done.set()
    sampler.join()
    read(counting=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if finished.returncode != 0:
        output = (finished.stdout[-2000:] + finished.stderr[-2000:]).decode(errors="replace")
        sys.exit(f"benchmark: {' '.join(command)} failed under the CPU sampler:\n{output}")
    tree = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    total = sum(used.values())
    lines = [
        f"{' '.join(command)}: {wall:.0f} s wall on {os.cpu_count()} cores "
        f"({wall * (os.cpu_count() or 1):.0f} CPU s in all); {total:.0f} CPU s read on the "
        f"machine, {tree:.0f} counted for the command's own processes as they ended"
    ]
    for kind, seconds in used.most_common():
        lines.append(f"  {seconds:6.1f} s  {seconds / total:4.0%}  {kind}")
    return "\n".join(lines)
