"""What the steps start from, in the learner's home: the demo images' archives, the demo
password and the registry's own password file.

One list for both ways of following the steps: the kit writes these files into a session's
home, and the site offers the same files as downloads (``helpers.site.downloads``) to a
reader who has only Docker, whose own ``docker run`` of the registry mounts ``htpasswd``.
"""

from __future__ import annotations

from pathlib import Path

from helpers import settings
from helpers.demo import archive, platform_builds
from helpers.demo.images import ARCHIVES
from helpers.registry import auth

HTPASSWD = "htpasswd"
"""The registry's list of accounts: the demo user and a bcrypt hash of its password."""
NAMES = (*ARCHIVES, *platform_builds.ARCHIVES, settings.PASSWORD_FILE, HTPASSWD)


def write(folder: Path, architecture: str) -> None:
    """Put what the steps start from into a folder, with the archives of one architecture
    (``amd64`` or ``arm64``) and the platforms step's of both; the demo password is readable
    by its owner only."""
    folder.mkdir(parents=True, exist_ok=True)
    specs = {name: spec(architecture) for name, spec in ARCHIVES.items()}
    specs.update(
        {
            name: platform_builds.platform_spec(arch)
            for name, arch in platform_builds.ARCHIVES.items()
        }
    )
    for name, spec in specs.items():
        data = archive.docker_archive(spec)[0]
        path = folder / name
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
    password = folder / settings.PASSWORD_FILE
    password.write_text(f"{settings.DEMO_PASSWORD}\n")
    password.chmod(0o600)
    (folder / HTPASSWD).write_bytes(auth.htpasswd_line(settings.DEMO_USER, settings.DEMO_PASSWORD))
