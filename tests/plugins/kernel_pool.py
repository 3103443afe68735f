"""A pytest plugin that takes kernel start and stop out of nbval's time per notebook.

nbval starts a fresh kernel for every notebook and waits for it, about 0.7 s here, then
waits for it to stop. A kernel needs nothing from its notebook, so the next one starts in the
background as soon as the current one is handed out, already holding the kit's ``helpers``
(which every notebook's set-up cell imports first: the import then costs the notebook
nothing), and a finished kernel stops in the background too. Every notebook still gets a
kernel of its own, started in the same folder it would otherwise get, with the run's
environment (``tests.plugins.run_config``: its engine, session and CLI) handed to it
explicitly; a spare that no longer fits (another folder or kernel) is stopped and a kernel
started as usual.

Now and then a kernel never answers after it was started (seen once in CI: nbval's 60 s ran
out; others report kernels that start "in under a second, or never"). The pool therefore
starts a hung kernel again: the first attempt has nbval's whole startup timeout (a slow but
healthy start still passes), each retry half of it; the run's warnings name each retry, so a
retry is never silent.

Loaded by the root ``conftest.py``, and with ``-p tests.plugins.kernel_pool`` by runs in a folder of
their own; either way its kernels get the run's environment (``tests.plugins.run_config``).
"""

from __future__ import annotations

import contextlib
import inspect
import json
import os
import subprocess
import threading
import uuid
import warnings
from collections import deque
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as StartOutlasted
from dataclasses import dataclass
from pathlib import Path

import nbval
import pytest
from jupyter_client import BlockingKernelClient, KernelManager
from nbval import plugin as nbval_plugin
from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager, RunningKernel

from helpers.kit import MAIN_SESSION, kernels_folder
from tests.plugins import run_config

PRELOAD = "import helpers.steps.calls"
"""Run by each kernel as it starts (IPython's ``exec_lines``), before any cell: what a step
notebook's first cell imports, the Docker SDK with it."""

NBVAL = "0.11.0"
"""The nbval whose kernel start this plugin stands in for: ``IPyNbFile.setup`` calls
``nbval.plugin.RunningKernel(kernel_name, cwd=..., startup_timeout=...)``, and the kernel it
gets is used through ``km``, ``kc`` and ``stop`` (``FreshKernel`` sets and keeps those)."""

ATTEMPTS = 3
"""Kernel starts tried: the first with nbval's startup timeout, the others with half of it."""

_stopper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kernel-stop")


@dataclass(frozen=True)
class Launch:
    """What a kernel is started with; a spare fits a notebook whose launch is equal."""

    kernel_name: str
    cwd: str | None
    startup_timeout: float
    env: tuple[tuple[str, str], ...]
    preload: str = PRELOAD

    @classmethod
    def of(
        cls, kernel_name: str, cwd: str | None, startup_timeout: float, env: Mapping[str, str]
    ) -> Launch:
        """Describe a launch with the environment ``env``."""
        return cls(kernel_name, cwd, startup_timeout, tuple(sorted(env.items())))


class KernelHung(RuntimeError):
    """No kernel answered in any attempt."""


class KernelStartRetried(UserWarning):
    """A kernel start hung and was tried again: shown in the run's warnings summary."""


retried_starts = 0
"""Kernel starts that hung and were tried again in this process (in any thread)."""
_retries_lock = threading.Lock()


def _count_retry() -> None:
    global retried_starts
    with _retries_lock:
        retried_starts += 1


def _start_kernel(launch: Launch, timeout: float) -> tuple[KernelManager, BlockingKernelClient]:
    """Start a kernel as nbval's ``start_new_kernel`` does, but with no heartbeat channel:
    nbval asks the kernel manager whether a kernel lives, never its heartbeat, and
    jupyter_client's heartbeat thread can block for ever sending to a kernel (CI: the
    tutorial's pytest hung at exit in ``HBChannel.stop``, its thread in ``socket.send``; a
    later CI run hung its containerd worker for an hour while waiting for a spare kernel).
    Its connection file goes in the kit session's folder, not the machine's temporary one (where
    jupyter_client puts it): a run killed before it stopped its kernels leaves the file where
    ``python -m helpers down`` removes it (named after this process, so that `down --all` can
    tell a killed run's from a live one's). Raise ``RuntimeError`` if the kernel does not answer
    within ``timeout`` seconds."""
    folder = kernels_folder(dict(launch.env).get("KIT_SESSION") or MAIN_SESSION)
    folder.mkdir(parents=True, exist_ok=True)
    manager = KernelManager(
        kernel_name=launch.kernel_name,
        kernel_spec_manager=NbvalKernelspecManager(),
        connection_file=str(folder / f"kernel-{os.getpid()}-{uuid.uuid4()}.json"),
    )
    manager.start_kernel(
        stderr=subprocess.DEVNULL,
        cwd=launch.cwd,
        env=dict(launch.env),
        extra_arguments=[f"--IPKernelApp.exec_lines={launch.preload}"],
    )
    client = manager.client()
    client.start_channels(hb=False)
    try:
        client.wait_for_ready(timeout=timeout)
    except RuntimeError:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
        raise
    return manager, client


class FreshKernel(RunningKernel):
    """nbval's kernel, started from a ``Launch`` so that any thread can start it, started
    again if it hangs, and stopped in the background.

    jupyter_client's ``wait_for_ready`` (run by ``start_new_kernel``) waits for the shell and
    the IOPub channel both, so nbval's own IOPub check is not needed.
    """

    def __init__(self, launch: Launch) -> None:
        timeout = launch.startup_timeout
        for attempt in range(ATTEMPTS):
            if attempt:
                timeout = launch.startup_timeout / 2
            try:
                self.km, self.kc = _start_kernel(launch, timeout)
                return
            except RuntimeError:  # _start_kernel has shut the hung kernel down
                if attempt + 1 < ATTEMPTS:
                    _count_retry()
        raise KernelHung(
            f"No Jupyter kernel answered in {ATTEMPTS} attempts (the last within {timeout:g} s)."
        )

    def stop(self) -> None:
        """Stop the kernel without making the next notebook wait for it."""
        _stopper.submit(super().stop)


class KernelPool:
    """Spare kernels, started ahead for the next notebooks.

    Two, because a short notebook is done before a kernel has started.
    """

    SPARES = 2

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        """The environment every kernel starts with: the run's."""
        self._starter = ThreadPoolExecutor(self.SPARES, thread_name_prefix="spare-kernel")
        self._spares: deque[tuple[Launch, Future[FreshKernel]]] = deque()
        self._retries_told = 0
        self.notebooks_left = self.SPARES
        """Notebooks still to run, at most; no more spares than that are started."""

    def kernel(
        self, kernel_name: str, cwd: str | None = None, startup_timeout: float = 60
    ) -> RunningKernel:
        """Return a fresh kernel for a notebook (nbval's ``RunningKernel`` signature), and
        start the next ones."""
        launch = Launch.of(kernel_name, cwd, startup_timeout, self.env)
        kernel = None
        while self._spares and kernel is None:
            spare_launch, spare = self._spares.popleft()
            if spare_launch == launch:
                kernel = _in_time(spare, launch)
            else:
                _stop(spare)
        if kernel is None:
            kernel = FreshKernel(launch)
        self.notebooks_left -= 1
        self.start_spares(launch)
        self._tell_retries()
        return kernel

    def _tell_retries(self) -> None:
        """Warn, in the thread that runs the tests (where pytest, and xdist's controller,
        see warnings), of the starts retried since the last notebook."""
        if retried_starts > self._retries_told:
            warnings.warn(
                f"{retried_starts - self._retries_told} Jupyter kernel start(s) hung and "
                "were tried again",
                KernelStartRetried,
                stacklevel=2,
            )
            self._retries_told = retried_starts

    def start_spares(self, launch: Launch) -> None:
        """Start spares for the notebooks to come."""
        while len(self._spares) < min(self.SPARES, self.notebooks_left):
            self._spares.append((launch, self._starter.submit(FreshKernel, launch)))

    def close(self) -> None:
        """Stop the spare kernels, so that no process outlives the run."""
        while self._spares:
            _stop(self._spares.popleft()[1])
        self._starter.shutdown()
        _stopper.shutdown()  # waits for every kernel to be stopped


def _in_time(spare: Future[FreshKernel], launch: Launch) -> FreshKernel | None:
    """Return a spare once started, or None if its start outlasts all its attempts (its
    thread is then left to end on its own, and the notebook gets a kernel of its own)."""
    try:
        return spare.result(timeout=launch.startup_timeout * ATTEMPTS + 30)
    except (StartOutlasted, KernelHung):
        _count_retry()
        return None


def _stop(spare: Future[FreshKernel]) -> None:
    with contextlib.suppress(Exception):  # a spare that failed to start has nothing to stop
        spare.result().stop()


_pool: KernelPool | None = None


def changed_nbval(version: str = nbval.__version__) -> str | None:
    """Say in one sentence how the installed nbval differs from the one this plugin stands in
    for (``NBVAL``), or return None if it does not."""
    start = inspect.getsource(nbval_plugin.IPyNbFile.setup)
    if version != NBVAL:
        found = f"nbval {version} is installed"
    elif "RunningKernel" not in vars(nbval_plugin) or "RunningKernel(" not in start:
        found = "nbval no longer starts its kernels with nbval.plugin.RunningKernel"
    else:
        return None
    return (
        f"{found}, and tests/plugins/kernel_pool.py hands nbval {NBVAL} its kernels: check how "
        "this nbval starts a notebook's kernel and uses it, then update the pool and NBVAL."
    )


def pytest_configure(config: pytest.Config) -> None:
    """Hand nbval its kernels from the pool when it checks notebooks, started with the run's
    environment, and in a single process start the first kernels at once, for the first
    notebook named on the command line (a wrong guess is stopped unused)."""
    global _pool
    if not (config.getoption("nbval", False) or config.getoption("nbval_lax", False)):
        return
    environment = run_config.of(config).environment
    changed = changed_nbval()
    if changed is not None:
        raise pytest.UsageError(changed)
    _pool = KernelPool(environment.child())
    nbval_plugin.RunningKernel = _pool.kernel
    named = [_first_notebook(Path(arg.split("::")[0])) for arg in config.args]
    first = next((path for path in named if path is not None), None)
    if first is not None and _single_process(config):
        _pool.start_spares(_launch_for(config, first, _pool.env))


def _single_process(config: pytest.Config) -> bool:
    """Tell whether this process runs the notebooks itself, rather than being an xdist
    controller or a worker that may be given none."""
    return not (hasattr(config, "workerinput") or config.getoption("numprocesses", None))


def _first_notebook(path: Path) -> Path | None:
    if path.suffix == ".ipynb":
        return path.resolve()
    found = sorted(path.glob("*.ipynb")) if path.is_dir() else []
    return found[0].resolve() if found else None


def _launch_for(config: pytest.Config, notebook: Path, env: Mapping[str, str]) -> Launch:
    """Describe the kernel nbval starts for a notebook, as ``IPyNbFile.setup`` chooses it: the
    current environment's with ``--nbval-current-env``, else the one ``--nbval-kernel-name``
    names, else the one its metadata names (the kit's notebooks name the kernel
    ``scripts/setup`` installs), in the notebook's folder."""
    if config.option.nbval_current_env:
        name = CURRENT_ENV_KERNEL_NAME
    elif config.option.nbval_kernel_name:
        name = config.option.nbval_kernel_name
    else:
        metadata = json.loads(notebook.read_text()).get("metadata", {})
        name = metadata.get("kernelspec", {}).get("name", "python")  # nbval's own default
    timeout = config.option.nbval_kernel_startup_timeout
    return Launch.of(name, str(notebook.parent), timeout, env)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Count the notebooks to run (under xdist, those this worker could be given), and in a
    single process start kernels for them, as for the first one."""
    if _pool is None:
        return
    notebooks = sorted({item.path for item in session.items if is_cell(item)})
    _pool.notebooks_left = len(notebooks)
    if notebooks and _single_process(session.config):
        _pool.start_spares(_launch_for(session.config, notebooks[0], _pool.env))


def is_cell(item: pytest.Item) -> bool:
    """Tell whether a test item is a notebook cell that nbval runs."""
    return isinstance(item, nbval_plugin.IPyNbCell)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop the spare kernel at the end of the run."""
    global _pool
    if _pool is not None:
        _pool.close()
        _pool = None
