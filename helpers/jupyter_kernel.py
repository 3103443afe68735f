"""The Jupyter kernel the notebooks name: the kit's Python, with the project on its path.

The kit is not installed into its virtual environment (no top-level ``helpers`` in
site-packages to collide with another package's): it runs from the project folder. A notebook's
kernel starts in the notebook's own folder, so this kernel's spec carries ``PYTHONPATH`` set to
the project, and ``from helpers import steps`` works in JupyterLab and under nbval alike.
``scripts/setup`` installs it into the virtual environment (``python -m helpers.jupyter_kernel``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from helpers.paths import PROJECT_ROOT

NAME = "docker-share-kit"
DISPLAY_NAME = "Python (docker-share-kit)"
SPEC = {"display_name": DISPLAY_NAME, "language": "python", "name": NAME}
"""What a notebook's ``kernelspec`` metadata says."""


def spec_file(prefix: Path) -> Path:
    """Return where the kernel's spec lives in the environment at ``prefix``."""
    return prefix / "share" / "jupyter" / "kernels" / NAME / "kernel.json"


GUARD = "--IPKernelApp.exec_lines=__import__('helpers.bang').bang.guard()"
"""Run as the kernel starts: ``!`` refuses until the notebook's first cell has pointed it at
the kit's home (``bang.guard``), and binds no name in the notebook."""


def _is_current(spec: dict[str, object]) -> bool:
    argv = spec.get("argv")
    wanted_env = {"PYTHONPATH": str(PROJECT_ROOT)}
    return spec.get("env") == wanted_env and isinstance(argv, list) and GUARD in argv


def install(prefix: Path = Path(sys.prefix)) -> bool:
    """Install the kernel into the environment at ``prefix`` unless it is there already, for
    this project folder; return whether it was installed."""
    path = spec_file(prefix)
    try:
        if _is_current(json.loads(path.read_text())):
            return False
    except (OSError, ValueError):
        pass
    from ipykernel.kernelspec import install as install_kernel

    install_kernel(
        kernel_name=NAME,
        display_name=DISPLAY_NAME,
        prefix=str(prefix),
        env={"PYTHONPATH": str(PROJECT_ROOT)},
    )
    spec = json.loads(path.read_text())
    spec["argv"].append(GUARD)
    path.write_text(json.dumps(spec, indent=1) + "\n")
    return True


if __name__ == "__main__":
    install()
