"""A pytest plugin that starts nbval's next kernel while the current notebook runs.

nbval starts a fresh kernel for every notebook and waits for it, about 0.7 s here. A kernel
needs nothing from its notebook, so the next one can start in the background as soon as the
current one is handed out. Every notebook still gets a fresh kernel of its own, started in
the same folder and with the same environment it would otherwise get; a spare that no longer
fits (another folder, a changed environment) is stopped and a kernel started as usual.

Loaded by the root ``conftest.py`` and, with ``-p tests.kernel_pool``, by the mutation run.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from concurrent.futures import Future, ThreadPoolExecutor

import pytest
from nbval import plugin as nbval_plugin
from nbval.kernel import RunningKernel, start_new_kernel

Key = tuple[str, str | None, float, tuple[tuple[str, str], ...]]


class FreshKernel(RunningKernel):
    """nbval's kernel, started with a given environment, so that any thread can start it."""

    def __init__(
        self, kernel_name: str, cwd: str | None, startup_timeout: float, env: dict[str, str]
    ) -> None:
        self.km, self.kc = start_new_kernel(
            startup_timeout=startup_timeout,
            kernel_name=kernel_name,
            stderr=subprocess.DEVNULL,
            cwd=cwd,
            env=env,
        )
        self._ensure_iopub_up()


class KernelPool:
    """One spare kernel, started ahead for the next notebook."""

    def __init__(self) -> None:
        self._starter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spare-kernel")
        self._spare: tuple[Key, Future[FreshKernel]] | None = None

    def kernel(
        self, kernel_name: str, cwd: str | None = None, startup_timeout: float = 60
    ) -> RunningKernel:
        """Return a fresh kernel for a notebook (nbval's ``RunningKernel`` signature), and
        start the next one."""
        # pytest renames PYTEST_CURRENT_TEST for every test; kernels have no use for it
        env = {name: value for name, value in os.environ.items() if name != "PYTEST_CURRENT_TEST"}
        key: Key = (kernel_name, cwd, startup_timeout, tuple(sorted(env.items())))
        kernel = None
        if self._spare is not None:
            spare_key, spare = self._spare
            self._spare = None
            if spare_key == key:
                kernel = spare.result()
            else:
                _stop(spare)
        if kernel is None:
            kernel = FreshKernel(kernel_name, cwd, startup_timeout, env)
        started = self._starter.submit(FreshKernel, kernel_name, cwd, startup_timeout, env)
        self._spare = (key, started)
        return kernel

    def close(self) -> None:
        """Stop the spare kernel, so that no process outlives the run."""
        if self._spare is not None:
            _stop(self._spare[1])
            self._spare = None
        self._starter.shutdown()


def _stop(spare: Future[FreshKernel]) -> None:
    with contextlib.suppress(Exception):  # a spare that failed to start has nothing to stop
        spare.result().stop()


_pool: KernelPool | None = None


def pytest_configure(config: pytest.Config) -> None:
    """Hand nbval its kernels from the pool when it checks notebooks."""
    global _pool
    if config.getoption("nbval", False) or config.getoption("nbval_lax", False):
        _pool = KernelPool()
        nbval_plugin.RunningKernel = _pool.kernel  # type: ignore[assignment,misc]


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop the spare kernel at the end of the run."""
    global _pool
    if _pool is not None:
        _pool.close()
        _pool = None
