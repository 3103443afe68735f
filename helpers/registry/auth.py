"""The demo login of the kit's registries, as the htpasswd file the registry reads."""

from __future__ import annotations

import io
import tarfile

import bcrypt

from helpers import settings


def htpasswd_line(user: str, password: str) -> bytes:
    """Return one bcrypt htpasswd entry, the only kind the registry accepts."""
    hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=5))
    return user.encode() + b":" + hashed + b"\n"


def auth_tar(user: str = settings.DEMO_USER, password: str = settings.DEMO_PASSWORD) -> bytes:
    """Return a tar holding ``/auth/htpasswd`` with one login (the demo one, unless told
    otherwise), to put into a container."""
    line = htpasswd_line(user, password)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo("auth/htpasswd")
        info.size, info.mode = len(line), 0o644
        tar.addfile(info, io.BytesIO(line))
    return buffer.getvalue()
