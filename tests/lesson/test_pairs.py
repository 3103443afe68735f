"""Every engine-and-CLI pair of the matrix passes the English notebooks, every byte compared.

The two reference pairs are the workers' own engines (the root ``conftest.py``). Each other
pair of ``helpers.engine.pairs.MATRIX`` gets a private engine here, with its own CLI first on
``PATH``, started bare (no image at all, as on a learner's first run), and nbval runs the
English notebooks on it in a process of its own, as ``scripts/tutorial`` would on that
learner's machine: held to the outputs recorded on that very
pair, with the values its engine and registry report written in, and with ``--kit-mutations``
proving on that pair that a changed digest, layer status, port, user name or error text fails.
When Debian's testing moves to a newer Docker, the pair's versions no longer match its
recording, and the test says so (record it again and read the diff: the canary in the run).
"""

from __future__ import annotations

import docker
import pytest

from helpers.engine import pairs
from helpers.engine import private as private_engine
from helpers.lesson import notebook_run, recorded
from helpers.paths import NOTEBOOKS
from tests.plugins.run_config import RunConfig

OTHER_PAIRS = [pair for pair in pairs.MATRIX if pair not in pairs.REFERENCE.values()]


@pytest.mark.slow
@pytest.mark.engines_of_its_own
@pytest.mark.parametrize(
    "pair",
    [pytest.param(pair, marks=pytest.mark.one_store(pair.store)) for pair in OTHER_PAIRS],
    ids=lambda pair: pair.name,
)
def test_the_english_notebooks_pass_on_the_pair(pair: pairs.Pair, run_config: RunConfig) -> None:
    if not private_engine.supported():
        pytest.skip("each pair runs as a private engine, which needs Linux, root and dockerd")
    session = f"{run_config.session}-{pair.name}"
    started = private_engine.PrivateEngine(session, pair.store, pair.binaries())
    try:
        host = started.start(copy_registry_image=False)  # bare, as a learner's first run
        client = docker.DockerClient(base_url=host)
        assert not client.images.list(all=True), "the pair's engine did not start bare"
        versions = recorded.current_versions(client, str(pair.cli()))
        path = pair.path(run_config.environment.search_path)
        env = run_config.child(KIT_SESSION=session, DOCKER_HOST=host, PATH=path)
        ran = notebook_run.run(
            sorted(NOTEBOOKS.glob("*.ipynb")), env, compare=True, options=("--kit-mutations",)
        )
    finally:
        started.stop()
    assert ran.returncode == 0, ran.said[-5000:]  # nbval's diff of each cell that differs
    seen = recorded.recorded()[pair.name]
    assert recorded.is_recorded_as(seen, versions), (
        f"Debian's {pair.suite} now has Docker {versions.engine} with CLI {versions.client}, "
        f"and {pair.name} was recorded on {seen['engine']} with CLI {seen['client']}: record "
        "it with scripts/regenerate and read the diff."
    )
    assert recorded.nearest_pair(versions) == pair.name
