"""Debian's QEMU user-mode emulators, unpacked into the kit's state folder, never installed.

The tests run the arm64 demo program through ``qemu-aarch64-static`` (the program the step's
``Hello World`` comes from on an engine that emulates), and register it in the binfmt_misc of
a throwaway engine's own user namespace (``tests/engine/emulating_engine.py``). Installing
``qemu-user-static`` would do more: on a Debian host its binfmt.d files make systemd-binfmt
register QEMU for the whole machine at boot, and every engine there would then emulate arm64.
So, as with Debian 13's engine and the credential helper, the kit unpacks the package.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from helpers.engine import debian as debian_engine
from helpers.environment import state_dir
from helpers.errors import EngineUnavailable

PACKAGE = "qemu-user-static"
SUITE = "bookworm"
EMULATORS = {"amd64": "qemu-x86_64-static", "arm64": "qemu-aarch64-static"}
"""The emulator of each architecture's programs."""


def _folder() -> Path:
    return state_dir() / "qemu" / SUITE


def emulator(architecture: str) -> Path | None:
    """Return the kit's unpacked emulator of an architecture's programs, if it is there."""
    found = _folder() / "root" / "usr" / "bin" / EMULATORS[architecture]
    return found if found.exists() else None


def unpacked(progress: Callable[[str], None] = lambda line: None) -> Path:
    """Return the folder of the kit's emulators, fetching Debian's package first if missing;
    say in a sentence why it cannot be had here."""
    if emulator("arm64") is not None:
        return _folder() / "root" / "usr" / "bin"
    if not debian_engine.supported():
        raise EngineUnavailable(
            f"Debian's {PACKAGE} can only be fetched as root on Debian or Ubuntu with apt-get: "
            "the tests that run the arm64 demo program skip without it."
        )
    progress(f"fetching Debian's {PACKAGE} into {_folder()}")
    programs = debian_engine.unpack(_folder(), SUITE, (PACKAGE,)) / "usr" / "bin"
    for program in programs.iterdir():  # the package holds some thirty emulators: keep two
        if program.name not in EMULATORS.values():
            program.unlink()
    if emulator("arm64") is None:
        raise EngineUnavailable(
            f"Debian's {PACKAGE} holds no {EMULATORS['arm64']}: see {_folder()}."
        )
    return _folder() / "root" / "usr" / "bin"
