"""The files a reader with only Docker downloads from the site: what the steps start from.

For each architecture a folder ``downloads/ARCH/`` of both editions (each edition's
``docs_dir`` must hold the files its pages link to) gets ``helpers.lesson.materials``: the two
demo images' archives, the demo password and the registry's ``htpasswd``. The terminal page
links them, and its ``docker run`` mounts ``htpasswd``.
"""

from __future__ import annotations

from pathlib import Path

from helpers.lesson import materials

FOLDER = "downloads"
ARCHITECTURES = ("amd64", "arm64")
"""Intel and AMD machines; Apple silicon Macs and other ARM machines."""


def write(docs: Path) -> list[Path]:
    """Write the downloads into an edition's ``docs_dir``; return their folders."""
    folders = [docs / FOLDER / architecture for architecture in ARCHITECTURES]
    for folder, architecture in zip(folders, ARCHITECTURES, strict=True):
        materials.write(folder, architecture)
    return folders
