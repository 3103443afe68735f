"""What a reader with only Docker types to follow the steps: no clone of the kit, no Python.

The terminal page includes these commands (``scripts/site`` writes them into
``docs/_snippets/docker-only.sh``) and the terminal test types them as the page shows them.
They make a tutorial folder, make it the terminal's ``HOME`` as ``helpers terminal``'s lines
do (``own_terminal.switch_lines``), and start the registry as the kit does
(``registry.run_command``), from the files the site offers (``helpers.site.downloads``).
"""

from __future__ import annotations

from pathlib import Path

from helpers import settings
from helpers.lesson import materials
from helpers.registry import run_command
from helpers.terminal import own_terminal

FOLDER = "docker-share-tutorial"
"""The tutorial's folder in the reader's home: their home while they follow the steps."""
SNIPPETS = "docker-only.sh"
IMAGE = "registry:2"


def commands() -> dict[str, str]:
    """Return the commands of each part of the path, by the name the page includes it by."""
    return {
        "folder": f"mkdir -p -m 700 ~/{FOLDER}/{settings.GNUPG_FOLDER} && cd ~/{FOLDER}",
        "switch": "\n".join(own_terminal.switch_lines('"$PWD"'))
        + f"\nchmod 600 ~/{settings.PASSWORD_FILE}",
        "registry": run_command.docker_run(
            settings.GUIDE_CONTAINER,
            str(settings.PREFERRED_PORT),
            f"~/{materials.HTPASSWD}",
            IMAGE,
        ),
        "answers": f"curl -s -o /dev/null -w '%{{http_code}}\\n' http://{settings.GUIDE_ADDRESS}/v2/",
        "remove": (
            # step 9's GnuPG agent outlives its commands, and step 10's login may start it again
            f"if command -v gpgconf >/dev/null; then gpgconf --homedir "
            f"~/{FOLDER}/{settings.GNUPG_FOLDER} --kill gpg-agent; fi\n"
            f"docker rm --force --volumes {settings.GUIDE_CONTAINER}\nrm -r ~/{FOLDER}"
        ),
    }


def write_snippets(folder: Path) -> Path:
    """Write the commands where the pages include them from (``--8<-- "docker-only.sh:NAME"``)."""
    path = folder / SNIPPETS
    parts = ["# What a reader with only Docker types (helpers/site/docker_only.py): do not edit.\n"]
    for name, text in commands().items():
        parts.append(f"# --8<-- [start:{name}]\n{text}\n# --8<-- [end:{name}]\n")
    path.write_text("".join(parts))
    return path
