"""Re-execute notebooks and store their outputs, for when the guide or an image changes.

``python -m helpers.record notebooks/*.ipynb`` (or ``scripts/regenerate``) runs each notebook
top to bottom in a fresh kernel and writes the outputs back; the change is then reviewed as a
diff. Timing metadata and version churn are dropped so that only real output changes show.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from helpers import settings
from helpers.errors import KitError
from helpers.recorded import write_recorded_with

KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
_OTHER_ADDRESS = re.compile(rf"localhost:(?!{settings.PREFERRED_PORT}\b)\d+")


def execute(path: Path) -> nbformat.NotebookNode:
    """Run a notebook in a fresh kernel from its own folder and return it with outputs."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
    except CellExecutionError as error:
        raise KitError(f"{path.name} failed: {error.ename}: {error.evalue}") from None
    return notebook


def normalize(notebook: nbformat.NotebookNode) -> None:
    """Drop metadata that changes from run to run or machine to machine."""
    notebook.metadata = nbformat.from_dict(
        {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    )
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)


def record(path: Path) -> None:
    """Execute a notebook and store its outputs, refusing outputs from a non-5000 registry."""
    notebook = execute(path)
    normalize(notebook)
    text = nbformat.writes(notebook)
    if _OTHER_ADDRESS.search(text):
        raise KitError(
            f"{path.name} ran against a registry on another port than {settings.PREFERRED_PORT} "
            f"(it was taken), so its outputs were not stored. Free port "
            f"{settings.PREFERRED_PORT}, run `python -m helpers down`, and try again."
        )
    path.write_text(text + ("" if text.endswith("\n") else "\n"))


def main(argv: list[str]) -> int:
    """Record every notebook named on the command line; say which one failed and why."""
    for name in argv:
        try:
            record(Path(name))
        except KitError as error:
            print(f"record: {error}", file=sys.stderr)
            return 1
        print(f"recorded {name}")
    write_recorded_with()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
