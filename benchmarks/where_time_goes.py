"""Where a notebook verification's time goes: a py-spy profile of nbval, summed up by part.

``scripts/benchmark --profile`` runs the English notebooks through nbval in one process under
py-spy, which samples every process (pytest and each notebook's kernel) and every thread,
waiting included, and prints the wall time of two main threads by part:

- pytest's: starting and collecting, waiting for a kernel to start, waiting for the kernel to
  run a cell, comparing outputs and the rest;
- the kernels' (only while they run kit code): the commands themselves (waiting on the
  pseudo-terminal), the terminal's own work around them, each step's set-up, each step's
  check, and importing the kit as the kernel starts.

Sampling slows every process down, so the seconds come out larger than without it; the
shares are what the profile tells.
"""

from __future__ import annotations

import collections
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from helpers import lesson

RATE = 100
"""Samples a second."""

PYTEST_PARTS = [
    ("waiting for the kernel to run a cell", "RunningKernel.await_reply"),
    ("waiting for a kernel to start", "KernelPool.kernel"),
    ("comparing outputs", "IPyNbCell.compare_outputs"),
    ("starting, collecting (before the first cell)", "pytest_collection"),
    ("starting, collecting (before the first cell)", "pytest_configure"),
    ("starting, collecting (before the first cell)", "<module>"),
]
"""The pytest main thread's parts: the first whose frame is on the stack names a sample."""

KERNEL_PARTS = [
    ("the commands themselves (waiting on their terminal)", "_read (helpers/pseudo_terminal.py"),
    ("the terminal's own work around the commands", "run (helpers/shell.py"),
    ("the steps' set-ups", "start (helpers/steps.py"),
    ("the steps' checks", "check (helpers/steps.py"),
    ("importing the kit as the kernel starts", "<module> (helpers/"),
]
"""The kernels' parts, in order of precedence (a command that a set-up runs is a command)."""


def samples(raw: Path) -> Iterator[tuple[bool, list[str], int]]:
    """Yield (in a kernel, frames, count) for each main-thread stack of py-spy's raw output."""
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        processes = [frame for frame in frames if frame.startswith("process ")]
        threads = [frame for frame in frames if frame.startswith("thread ")]
        if not processes or not threads or "MainThread" not in threads[0]:
            continue
        code = [frame for frame in frames if not frame.startswith(("process ", "thread "))]
        yield len(processes) > 1 and "ipykernel" in processes[-1], code, int(count)


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
    for in_kernel, frames, count in samples(raw):
        if not in_kernel:
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
        done = subprocess.run([*record, *nbval], capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"benchmark: the profiled nbval run failed:\n{done.stdout[-2000:]}")
        return summary(raw)
