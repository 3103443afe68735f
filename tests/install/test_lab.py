"""``scripts/lab`` opens the step notebooks in JupyterLab for any user, root included (Jupyter
alone refuses root), serving the folder asked for."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest
import requests

from helpers import waiting
from helpers.paths import PROJECT_ROOT
from helpers.registry import ports
from tests.plugins.run_config import RunConfig

TOKEN = "kit-lab-test"


CHINESE_LOCALE = {"KIT_LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "zh_CN.UTF-8"}
SERVED = [
    ((), {}, "01-registries-and-names.ipynb"),
    (("notebooks/zh/",), {}, "translations/03-tag.yml"),
    ((), CHINESE_LOCALE, "translations/03-tag.yml"),
]
"""What each call serves: the English notebooks by default, the Chinese ones for a Chinese
locale, the folder given otherwise (only the Chinese one holds the translations)."""


@pytest.mark.parametrize(("folder", "locale", "notebook"), SERVED)
def test_the_lab_script_serves_the_notebooks_for_this_user(
    tmp_path: Path,
    folder: tuple[str, ...],
    locale: dict[str, str],
    notebook: str,
    run_config: RunConfig,
) -> None:
    port = ports.free(run_config.environment.registry_port)
    lab = subprocess.Popen(
        [PROJECT_ROOT / "scripts" / "lab", *folder, "--no-browser", f"--port={port}",
         f"--IdentityProvider.token={TOKEN}"],
        env=run_config.child(HOME=str(tmp_path), **locale),  # Jupyter runtime files: not yours
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/api/contents/{notebook}?content=0&token={TOKEN}"

    def serving() -> int | None:
        if lab.poll() is not None:
            raise waiting.GiveUp
        try:
            return requests.get(url, timeout=2).status_code
        except requests.ConnectionError:
            return None

    try:
        status = waiting.until(serving, timeout=60, interval=0.2)
    finally:
        with_status = lab.poll()
        if with_status is None:
            os.killpg(lab.pid, signal.SIGTERM)
        said = lab.communicate(timeout=30)[1]
    assert with_status is None, f"scripts/lab exited with {with_status}: {said[-2000:]}"
    assert status == 200, said[-2000:]
