"""A learner's first run: the notebooks pass against a bare engine.

A bare engine holds no registry image and no demo images, and Docker Hub is out of reach, so
the first notebook's set-up cell has to build the registry image; any line it printed would
fail nbval. The engine is a private one with an empty data root and the image store of the
engine at hand (so each worker proves its own profile), started without the registry image
the other private engines get copied in.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path

import docker
import nbformat
import pytest
from nbval_process import run_nbval

from helpers import debian_engine, engine, image_store, private_engine
from helpers.expected import NOTEBOOKS
from helpers.paths import PROJECT_ROOT, session_name


@pytest.fixture
def bare_engine() -> Iterator[str]:
    """Start a private engine with nothing in it; yield its ``$DOCKER_HOST``."""
    if not private_engine.supported():
        pytest.skip("a bare private engine needs Linux and root")
    store = image_store.detect(engine.client())
    binaries = debian_engine.unpacked() if store == image_store.CONTAINERD else None
    bare = private_engine.PrivateEngine(f"{session_name()}-bare", store, binaries)
    try:
        yield bare.start(copy_registry_image=False)
    finally:
        bare.stop()


def test_notebooks_pass_on_a_bare_engine(bare_engine: str, tmp_path: Path) -> None:
    """Every notebook cell passes, in order, on an engine that has never seen the kit."""
    bare = docker.DockerClient(base_url=bare_engine, timeout=30)
    assert bare.images.list(all=True) == [], "the engine starts bare"
    report = tmp_path / "report.xml"
    environment = {
        "DOCKER_HOST": bare_engine,
        "KIT_SESSION": f"{session_name()}-bare",
        "KIT_REGISTRY_PORT": "5900",
    }
    done = run_nbval(NOTEBOOKS, report, cwd=PROJECT_ROOT, env=environment)
    assert done.returncode == 0, done.stdout[-3000:]
    cells = [
        cell
        for path in NOTEBOOKS.glob("*.ipynb")
        for cell in nbformat.read(path, as_version=4).cells
        if cell.cell_type == "code"
    ]
    cases = list(ElementTree.parse(report).iter("testcase"))
    assert len(cases) == len(cells), f"{len(cases)} of {len(cells)} cells ran"
