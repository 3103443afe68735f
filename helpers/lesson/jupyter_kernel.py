"""The Jupyter kernels the notebooks name: the kit's Python, with the project on its path.

The kit is not installed into its virtual environment (no top-level ``helpers`` in site-packages to
collide with another package's): it runs from the project folder. A notebook's kernel starts in the
notebook's own folder, so this kernel's spec carries ``PYTHONPATH`` set to the project, and ``from
helpers import steps`` works in JupyterLab and under nbval alike. ``scripts/setup`` installs it into
the virtual environment (``python -m helpers.lesson.jupyter_kernel``).

There are two, one per language: the Chinese notebooks (``notebooks/zh``) name
``docker-share-kit-zh``, whose environment also says ``KIT_LANGUAGE=zh``, so that the kit's own
sentences, shown when something goes wrong, are in Chinese there (``helpers.messages``).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

from helpers import messages
from helpers.engine import processes
from helpers.paths import PROJECT_ROOT

NAME = "docker-share-kit"
DISPLAY_NAME = "Python (docker-share-kit)"
NAMES = {"en": NAME, "zh": f"{NAME}-zh"}
"""Each language's kernel, which sets ``KIT_LANGUAGE`` to its language
(``helpers.messages``): the English one too, so that a reader's Chinese locale does not
put its sentences in Chinese."""
DISPLAY_NAMES = {"en": DISPLAY_NAME, "zh": "Python (docker-share-kit, 中文)"}


def spec(language: str = "en") -> dict[str, str]:
    """Return what a notebook's ``kernelspec`` metadata says, in a language's edition."""
    return {"display_name": DISPLAY_NAMES[language], "language": "python", "name": NAMES[language]}


SPEC = spec()
"""What an English notebook's ``kernelspec`` metadata says."""


def spec_file(prefix: Path, language: str = "en") -> Path:
    """Return where a language's kernel spec lives in the environment at ``prefix``."""
    return prefix / "share" / "jupyter" / "kernels" / NAMES[language] / "kernel.json"


IPYTHON_DIR = PROJECT_ROOT / ".kit" / "ipython"
"""The kernels' IPython folder, instead of the user's ``~/.ipython``: IPython's history of every
cell's source goes there, and the user's startup files do not run in the kit's kernels. It is
the project's, as the kernel spec is, whatever ``$KIT_STATE_DIR`` says; ``install`` makes it
(IPython would fall back to a new temporary folder at each start)."""


def environment(language: str) -> dict[str, str]:
    """Return what a language's kernel adds to its environment."""
    return {
        "PYTHONPATH": str(PROJECT_ROOT),
        messages.LANGUAGE_VARIABLE: language,
        "IPYTHONDIR": str(IPYTHON_DIR),
    }


GUARD = "--IPKernelApp.exec_lines=__import__('helpers.terminal.bang', fromlist=['guard']).guard()"
"""Run as the kernel starts: ``!`` refuses until the notebook's first cell has pointed it at
the kit's home (``bang.guard``), and binds no name in the notebook."""


def _is_current(found: dict[str, object], language: str) -> bool:
    argv = found.get("argv")
    return found.get("env") == environment(language) and isinstance(argv, list) and GUARD in argv


def install(prefix: Path = Path(sys.prefix)) -> bool:
    """Install both kernels into the environment at ``prefix``, for this project folder,
    unless they are there already; return whether one was installed."""
    IPYTHON_DIR.mkdir(parents=True, exist_ok=True)
    installed = False
    for language, name in NAMES.items():
        path = spec_file(prefix, language)
        try:
            if _is_current(json.loads(path.read_text(encoding="utf-8")), language):
                continue
        except (OSError, ValueError):
            pass
        from ipykernel.kernelspec import install as install_kernel  # slow, and seldom needed

        scratch = tempfile.mkdtemp(prefix="kit-kernelspec-")
        saved, tempfile.tempdir = tempfile.tempdir, scratch  # ipykernel leaves its folder behind
        try:
            install_kernel(
                kernel_name=name,
                display_name=DISPLAY_NAMES[language],
                prefix=str(prefix),
                env=environment(language),
            )
        finally:
            tempfile.tempdir = saved
            shutil.rmtree(scratch, ignore_errors=True)
        found = json.loads(path.read_text(encoding="utf-8"))
        found["argv"].append(GUARD)
        path.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        installed = True
    return installed


OWNED = re.compile(r"kernel-(\d+)-[\w-]+\.json")
"""A connection file the test run's kernel pool names after the process that owns its kernel
(``kernel-PID-UUID.json``)."""


def forget_dead_kernels(folder: Path) -> int:
    """Remove the connection files in ``folder`` whose owning process has ended (a killed run
    left them; a zombie has ended too), keeping those of a run still going: another run may be
    about to read them (``down --all`` once took a running verification's). Return how many
    went. The folder stays, empty or not: a run about to start a kernel may have just made it
    (removing it once failed such a run's next kernel, whose file had nowhere to go)."""
    removed = 0
    for path in folder.glob("kernel-*.json"):
        owner = OWNED.fullmatch(path.name)
        if owner is not None and processes.alive(int(owner[1])):
            continue
        path.unlink(missing_ok=True)
        removed += 1
    return removed


if __name__ == "__main__":
    install()
