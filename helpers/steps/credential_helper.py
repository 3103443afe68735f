"""What the credential-helper step needs: ``docker-credential-pass``, ``pass`` and GnuPG.

Debian's ``golang-docker-credential-helpers`` package ships the ``pass`` helper, a static
program, but depends on a desktop keyring stack (gnome-keyring, libsecret) that this helper
never uses. So the kit unpacks the package into its state folder instead of installing it,
as it does with Debian 13's docker.io. ``pass`` and GnuPG come from the system (on Debian as
root, ``scripts/setup`` installs the ``pass`` package, which brings GnuPG).

The step runs in the session's home, so ``pass`` keeps its store in ``~/.password-store`` there,
and GnuPG its throwaway key in the session's own GnuPG home (``settings.GNUPG_FOLDER``, never
``~/.gnupg``, which GnuPG would take for the user's and reach the user's own agent through).
Only that step's commands see the helper on their ``PATH``: in the other steps the docker CLI
must find no helper at all (``helpers.terminal.tools``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from helpers import journal, settings
from helpers.engine import debian as debian_engine
from helpers.environment import state_dir
from helpers.errors import KitError
from helpers.kit import Kit

PACKAGE = "golang-docker-credential-helpers"
SUITE = "bookworm"
"""Debian 12, whose package (0.6.4) the kit unpacks."""
HELPER = "docker-credential-pass"
PROGRAMS = ("pass", "gpg", "gpgconf")
"""What the step runs from the system, besides the helper."""
SOCKET_PATH_MAX = 107
"""The longest path of a Unix socket on Linux; GnuPG puts its agent's sockets in its home."""
LONGEST_SOCKET = "S.gpg-agent.browser"
SKIP = "the other steps do not need it, so you can skip this one."


def helper_dir() -> Path:
    """Return the folder that holds the unpacked helper."""
    return state_dir() / "credential-helpers" / SUITE / "root" / "usr" / "bin"


def kit_copy() -> Path | None:
    """Return the folder of the kit's unpacked helper, if it is there."""
    folder = helper_dir()
    return folder if (folder / HELPER).exists() else None


def unpacked(search: str, progress: Callable[[str], None] = lambda line: None) -> Path:
    """Return the folder of the helper: the kit's unpacked copy, else one the user installed
    (on ``search``, the user's ``PATH``), else Debian's package fetched and unpacked now; or
    say in a sentence why it cannot be had here."""
    copy = kit_copy()
    if copy is not None:
        return copy
    folder = helper_dir()
    installed = shutil.which(HELPER, path=search)
    if installed is not None:
        return Path(installed).parent
    if not debian_engine.supported():
        raise KitError(
            f"{HELPER} is not here, and the kit can fetch Debian's {PACKAGE} only as root on "
            f"Debian or Ubuntu: install the helper yourself to follow this step; {SKIP}"
        )
    progress(f"fetching Debian's {PACKAGE} for {HELPER} into {folder.parents[2]}")
    debian_engine.unpack(folder.parents[2], SUITE, (PACKAGE,))
    if not (folder / HELPER).exists():
        raise KitError(f"Debian's {PACKAGE} holds no {HELPER}: see {folder.parents[2]}; {SKIP}")
    return folder


def command_path(search: str) -> tuple[str, ...]:
    """Return the folders the step's commands find the helper, ``pass`` and GnuPG in (after
    the kit's own tools), as found on ``search`` (the user's ``PATH``); or say in a sentence
    what is missing."""
    missing = [program for program in PROGRAMS if shutil.which(program, path=search) is None]
    if missing:
        named = ", ".join(missing[:-1]) + (" and " if len(missing) > 1 else "") + missing[-1]
        raise KitError(
            f"This step needs {named}, which this machine lacks (on Debian or Ubuntu: "
            f"`apt-get install pass`); {SKIP}"
        )
    folders = [str(unpacked(search))]
    for program in PROGRAMS:
        folder = str(Path(str(shutil.which(program, path=search))).parent)
        if folder not in folders:
            folders.append(folder)
    return tuple(folders)


def check_socket_room(kit: Kit) -> None:
    """Say in a sentence if GnuPG's sockets in the session's GnuPG home would not fit (GnuPG
    puts them there where ``/run/user/UID`` does not exist)."""
    socket = kit.gnupg_home / LONGEST_SOCKET
    if len(str(socket)) > SOCKET_PATH_MAX:
        raise KitError(
            f"GnuPG keeps its sockets in {socket.parent}, whose path is {len(str(socket))} "
            f"characters with their names, more than Linux allows ({SOCKET_PATH_MAX}): move the "
            f"kit to a shorter folder to follow this step; {SKIP}"
        )


def _environment(home: Path, path: tuple[str, ...]) -> dict[str, str]:
    gnupg_home = str(home / settings.GNUPG_FOLDER)
    return {"HOME": str(home), "GNUPGHOME": gnupg_home, "PATH": os.pathsep.join(path), "LANG": "C"}


def _run(command: list[str], home: Path, path: tuple[str, ...], stdin: str = "") -> str:
    done = subprocess.run(
        command,
        env=_environment(home, path),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode != 0:
        said = " ".join((done.stderr or done.stdout).split())
        raise KitError(f"{' '.join(command[:2])} failed here ({said}); {SKIP}")
    return done.stdout


def check_round_trip(path: tuple[str, ...]) -> None:
    """Store a secret with the helper and read it back, in a throwaway home of its own; say in
    a sentence if that fails. (``list`` proves nothing: on a store never set up it answers
    ``{}`` and succeeds.)"""
    with tempfile.TemporaryDirectory(prefix="dsk-") as scratch:  # short: GnuPG's sockets
        home = Path(scratch)
        (home / settings.GNUPG_FOLDER).mkdir(mode=0o700)
        try:
            _run(
                ["gpg", "--batch", "--quiet", "--passphrase", "", "--quick-gen-key",
                 "check <check@localhost>", "future-default", "default", "never"],
                home,
                path,
            )  # fmt: skip
            _run(["pass", "init", "check@localhost"], home, path)
            entry = '{"ServerURL": "kit-check", "Username": "kit", "Secret": "round-trip"}'
            _run([HELPER, "store"], home, path, entry)
            if '"Secret":"round-trip"' not in _run([HELPER, "get"], home, path, "kit-check"):
                raise KitError(f"{HELPER} did not give back the secret it stored; {SKIP}")
        finally:
            stop_agent(home, path)


SYSTEM_PATH = ("/usr/local/bin", "/usr/bin", "/bin")


def stop_agent(home: Path, path: tuple[str, ...] = SYSTEM_PATH) -> None:
    """Stop the GnuPG agent of a home's kit GnuPG home, if it has one (it outlives the command
    that started it); without ``gpgconf`` there is none to stop."""
    if (home / settings.GNUPG_FOLDER).is_dir():
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run(
                ["gpgconf", "--kill", "gpg-agent"],
                env=_environment(home, path),
                capture_output=True,
                timeout=30,
            )


def agent_runs(home: Path, path: tuple[str, ...] = SYSTEM_PATH) -> bool:
    """Tell whether the GnuPG agent of a home's kit GnuPG home runs (its socket is there)."""
    done = subprocess.run(
        ["gpgconf", "--list-dirs", "agent-socket"],
        env=_environment(home, path),
        capture_output=True,
        text=True,
        timeout=30,
    )
    return done.returncode == 0 and Path(done.stdout.strip()).exists()


def forget(kit: Kit, path: tuple[str, ...]) -> None:
    """Remove the session's password store and GnuPG home, stopping its agent first: the step
    makes them anew."""
    stop_agent(kit.home, path)
    for name in (".password-store", settings.GNUPG_FOLDER):
        if (kit.home / name).exists():
            shutil.rmtree(kit.home / name)
            journal.note(f"rm -rf ~/{name}")
    make_gnupg_home(kit)


def make_gnupg_home(kit: Kit) -> None:
    """Make the session's GnuPG home, only its owner's (GnuPG makes only the default one)."""
    if not kit.gnupg_home.exists():
        kit.gnupg_home.mkdir(mode=0o700, parents=True)
        journal.note(f"mkdir -m 700 ~/{settings.GNUPG_FOLDER}")
