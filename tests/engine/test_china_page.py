"""The mainland-China page's settings for the engine itself, run on real engines.

The page (``docs/zh/china.md``, the Chinese edition's own) shows how to give ``dockerd`` a
registry mirror and a proxy, and what ``docker info`` then prints. Those settings are the
user's machine's, so no notebook can run them: here a private engine of each Debian pair is
started with exactly the page's ``daemon.json`` or systemd ``Environment=`` line, the page's
``docker info`` command runs with that pair's own CLI, and its output must be the page's. The
page's quote of Docker 20.10 refusing ``proxies`` in ``daemon.json`` is checked the same way.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from helpers.engine import pairs
from helpers.engine import private as private_engine
from helpers.errors import EngineUnavailable
from helpers.kit import Kit
from helpers.paths import PROJECT_ROOT

PAGE = PROJECT_ROOT / "docs" / "zh" / "china.md"
FENCE = re.compile(r"^( *)```(\w*)\n(.*?)^\1```$", re.MULTILINE | re.DOTALL)
PAIRS = [pairs.DEBIAN_12, pairs.DEBIAN_13_CLASSIC]
"""Debian 12's docker.io (20.10) and Debian 13's (26.1): before and after Docker 23.0, which
added ``proxies`` to ``daemon.json``."""
REFUSAL = "the following directives don't match any configuration option: https-proxy"

pytestmark = [
    pytest.mark.engines_of_its_own,
    pytest.mark.skipif(
        not private_engine.supported(), reason="private engines need Linux, root and dockerd"
    ),
]


def _blocks() -> list[tuple[str, str]]:
    """Return the page's code blocks, in order: their language and their text."""
    return [
        (language, "".join(line.removeprefix(indent) for line in text.splitlines(True)))
        for indent, language, text in FENCE.findall(PAGE.read_text(encoding="utf-8"))
    ]


def _block(language: str, holding: str) -> str:
    """Return the page's one block in ``language`` that holds ``holding``."""
    found = [text for kind, text in _blocks() if kind == language and holding in text]
    assert len(found) == 1, f"{PAGE.name}: {len(found)} {language} blocks hold {holding!r}"
    return found[0]


def _shown_after(command: str) -> str:
    """Return the output block the page shows right after the command block ``command``."""
    blocks = _blocks()
    at = blocks.index(("bash", f"{command}\n"))
    assert blocks[at + 1][0] == "text", f"{PAGE.name}: no output after `{command}`"
    return blocks[at + 1][1]


def _docker_info(pair: pairs.Pair, engine: private_engine.PrivateEngine, command: str) -> str:
    """Run one of the page's ``docker info`` commands on the engine, with the pair's CLI."""
    env = {
        "PATH": pair.path("/usr/bin:/bin"),
        "DOCKER_HOST": engine.host,
        "DOCKER_CONFIG": "/nonexistent",
    }
    done = subprocess.run(["bash", "-c", command], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _engine(
    kit: Kit,
    pair: pairs.Pair,
    settings: dict[str, object] | None = None,
    service_environment: dict[str, str] | None = None,
) -> private_engine.PrivateEngine:
    """Return a private engine of the pair with the page's settings, not started yet."""
    name = f"{kit.session}-china"
    return private_engine.PrivateEngine(
        name, pair.store, pair.binaries(), settings, service_environment
    )


def _printed(engine: private_engine.PrivateEngine, pair: pairs.Pair, command: str) -> str:
    """Start the engine, run one of the page's ``docker info`` commands on it with the pair's
    CLI, stop it, and return what the command printed."""
    try:
        engine.start(copy_registry_image=False)
        return _docker_info(pair, engine, command)
    finally:
        engine.stop()


@pytest.mark.parametrize("pair", PAIRS, ids=lambda pair: pair.name)
def test_a_mirror_in_daemon_json_shows_in_docker_info_as_the_page_shows(
    pair: pairs.Pair, kit: Kit
) -> None:
    settings = json.loads(_block("json", "registry-mirrors"))
    command = "docker info | grep -A 1 'Registry Mirrors'"
    assert _printed(_engine(kit, pair, settings=settings), pair, command) == _shown_after(command)


@pytest.mark.parametrize("pair", PAIRS, ids=lambda pair: pair.name)
def test_a_proxy_in_the_service_environment_shows_in_docker_info_as_the_page_shows(
    pair: pairs.Pair, kit: Kit
) -> None:
    line = _block("ini", "Environment=").splitlines()[-1]
    found = re.fullmatch(r'Environment="(\w+)=(\S+)"', line)
    assert found, line
    engine = _engine(kit, pair, service_environment={found[1]: found[2]})
    command = "docker info | grep Proxy"
    assert _printed(engine, pair, command) == _shown_after(command)


def test_a_proxy_in_daemon_json_works_from_docker_23_and_debian_12s_engine_refuses_it(
    kit: Kit,
) -> None:
    settings = json.loads(_block("json", "proxies"))
    engine = _engine(kit, pairs.DEBIAN_13_CLASSIC, settings=settings)
    command = "docker info | grep Proxy"
    assert _printed(engine, pairs.DEBIAN_13_CLASSIC, command) == _shown_after(command)
    assert f"`{REFUSAL}`" in PAGE.read_text(encoding="utf-8")
    refusing = _engine(kit, pairs.DEBIAN_12, settings=settings)
    try:
        with pytest.raises(EngineUnavailable, match=re.escape(REFUSAL)):
            refusing.start(copy_registry_image=False)
    finally:
        refusing.stop()  # and its log, which a failed start keeps


def test_the_page_names_a_source_for_each_engine_setting() -> None:
    page = PAGE.read_text(encoding="utf-8")
    for source in (
        "https://docs.docker.com/docker-hub/image-library/mirror/",
        "https://docs.docker.com/engine/daemon/proxy/",
        "https://mirrors.ustc.edu.cn/help/dockerhub.html",
    ):
        assert f"]({source})" in page, source
