"""``python -m helpers VERB``: bring the kit's engine and registry up, down, or back to clean.

Each verb prints one line and exits non-zero on failure, with a sentence instead of a traceback.
"""

from __future__ import annotations

import argparse
import sys

import docker.errors
import requests

from helpers import messages, settings
from helpers.demo import images
from helpers.engine import bootstrap, image_store, pairs, qemu
from helpers.engine import debian as debian_engine
from helpers.engine import host as engine
from helpers.engine import orphans as orphan_engines
from helpers.engine import private as private_engine
from helpers.errors import InterruptedCleanly, KitError
from helpers.hub import account as hub_account
from helpers.kit import Kit, kernels_folder
from helpers.lesson import jupyter_kernel
from helpers.registry import image as registry_image
from helpers.registry import sessions as session_registries
from helpers.steps import buildx, credential_helper, local_state
from helpers.steps import setups as step_setups
from helpers.terminal import own_terminal


def progress(line: str) -> None:
    """Tell the person waiting what a long step is doing (on stderr, one line each, in the
    language ``$KIT_LANGUAGE`` names)."""
    print(f"docker-share-kit: {messages.in_language(line)}...", file=sys.stderr, flush=True)


def engine_up(kit: Kit) -> str:
    """Make sure a Docker engine answers (installing one on bare Debian/Ubuntu as root) and
    holds a registry image, and where the test run gives each pair a private engine, that
    Debian 13's and testing's docker.io and docker-cli are unpacked for them: everything that
    takes long, so that no notebook's set-up cell, and no two test workers at once, have to."""
    how = bootstrap.ensure_engine(kit.environment, progress)
    client = kit.client()
    version = client.version().get("Version", "?")
    store = image_store.detect(client)
    image = registry_image.registry_image(client, progress)
    done = (
        f"Docker engine {version} ({store} image store) is {how} at {kit.engine_host}, "
        f"with the registry image {image}"
    )
    if private_engine.available(kit.environment) and debian_engine.supported():
        # Every pair the test run starts, fetched here: its workers would fetch at once.
        unpacked = [pair.binaries(progress) for pair in pairs.MATRIX if pair.suite is not None]
        versions = sorted({binaries.version() for binaries in unpacked if binaries})
        done += f"; Docker {', '.join(versions)} with their own CLIs are in .kit/engines"
    if debian_engine.supported():
        helper = credential_helper.unpacked(kit.environment.search_path, progress)
        done += f"; {credential_helper.HELPER} is in {helper}"
        plugin = buildx.plugin(kit.environment)
        done += f"; {buildx.PLUGIN} is {plugin}"
        done += f"; QEMU's user-mode emulators are in {qemu.unpacked(progress)}"
    return done + "."


def up(kit: Kit) -> str:
    """Start (or find) this session's registry and load the demo images."""
    registry_image.registry_image(kit.client(), progress)
    found = session_registries.kit_registry(kit)
    images.load_demo_images(kit.client())
    return (
        f"Registry ready at {found.address} (user {settings.DEMO_USER}, password "
        f"{settings.DEMO_PASSWORD}); demo images {settings.DEMO_IMAGE} and "
        f"{settings.BASE_IMAGE} loaded."
    )


def terminal(kit: Kit) -> str:
    """Start the kit's registry empty, with the demo images removed and a fresh home holding
    the steps' materials, and say what to paste into a terminal to follow the steps there."""
    registry_image.registry_image(kit.client(), progress)  # what takes long, with progress
    found = step_setups.fresh_start(kit)
    host = kit.engine_host
    from_context = not kit.environment.docker_host and host != engine.DEFAULT_HOST
    context_host = host if from_context else None
    copy = credential_helper.kit_copy()  # one the user installed is on their PATH already
    return own_terminal.instructions(
        found.address,
        found.name,
        str(kit.home),
        context_host,
        str(copy) if copy else None,
        kit.environment.language,
        asked=bool(kit.environment.registry_port),
    )


def hub(kit: Kit) -> str:
    """Run steps 2 to 6 against the reader's own Docker Hub account (``helpers.hub.run``,
    imported here: with nbclient it took a quarter of a second from every other verb)."""
    from helpers.hub import run as hub_run

    return hub_run.run(kit, progress)


def down(kit: Kit, every_session: bool = False) -> str:
    """Remove this session's registry container and volume and the connection files of
    kernels a killed run left (or those of every session, and the private engines of test runs
    that were killed)."""
    count = session_registries.remove_leftovers(kit, every_session)
    credential_helper.stop_agent(kit.home)  # the helper step's, should it have been left running
    sessions = [f.name for f in kit.folder.parent.glob("*")] if every_session else [kit.session]
    for session in sessions:  # kernels' connection files a killed verification run left
        jupyter_kernel.forget_dead_kernels(kernels_folder(session, kit.state_dir))
    scope = "every session" if every_session else f"session {kit.session}"
    done = f"Removed {count} kit registry container(s) of {scope}, with their volumes"
    engines = orphan_engines.stop_orphans() if every_session else 0
    if engines:
        done += f", and {engines} private engine(s) of killed test runs"
    return done + "."


def status(kit: Kit) -> str:
    """Say whether the engine, the registry and the demo images are there."""
    version = kit.client().version().get("Version", "?")
    found = session_registries.running_registry(kit)
    where = f"registry at {found.address}" if found else "no registry running"
    who = "logged in" if found and local_state.logged_in(found) else "logged out"
    demo = local_state.local_image_id(kit.client(), settings.DEMO_IMAGE)
    loaded = "loaded" if demo else "not loaded"
    return f"Engine {version}; {where}; {who}; demo images {loaded}."


def reset(kit: Kit) -> str:
    """Empty the registry, remove the kit's demo images and forget stored credentials."""
    found = session_registries.running_registry(kit)
    if found is not None:
        found.restart_empty()
    removed = images.remove_kit_images(kit.client())
    if kit.remote is not None:  # Docker Hub mode's names of the demo images
        hub_account.untag(kit)
    step_setups.logout(kit)
    emptied = f"registry at {found.address} emptied" if found else "no registry to empty"
    return f"Clean: {emptied}, {removed} kit image(s) removed, logged out."


VERBS = {
    "engine": engine_up,
    "up": up,
    "terminal": terminal,
    "hub": hub,
    "down": down,
    "status": status,
    "reset": reset,
}


INTERRUPTED = "interrupted; run `python -m helpers down` to clean up."
INTERRUPTED_CLEANLY = (
    "interrupted; the run has logged out and taken its names off the demo images: there is "
    "nothing to clean up."
)


def _session_label(kit: Kit | None) -> str:
    return f" (session {kit.session})" if kit is not None else ""


def main(argv: list[str] | None = None) -> int:
    """Run one verb and print its one-line result; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m helpers", description=__doc__)
    parser.add_argument("verb", choices=VERBS, help="what to do")
    parser.add_argument(
        "--all", action="store_true", help="with down: remove the registries of every session"
    )
    args = parser.parse_args(argv)
    verb = args.verb
    kit = None
    try:
        kit = Kit.from_environment()
        said = down(kit, args.all) if verb == "down" else VERBS[verb](kit)
        print(messages.in_language(said))
    except KitError as error:
        said = messages.in_language(str(error))
        print(f"docker-share-kit {verb}{_session_label(kit)}: {said}", file=sys.stderr)
        return 1
    except (docker.errors.DockerException, requests.RequestException, OSError) as error:
        said = " ".join(str(error).split()) or type(error).__name__
        said = messages.in_language(
            f"it failed: {said}. Fix what this names (a full disk, a permission, the engine) "
            "and run it again."
        )
        print(f"docker-share-kit {verb}{_session_label(kit)}: {said}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as interrupt:
        cleaned = isinstance(interrupt, InterruptedCleanly)
        said = messages.in_language(INTERRUPTED_CLEANLY if cleaned else INTERRUPTED)
        print(f"docker-share-kit {verb}: {said}", file=sys.stderr)
        return 130
    return 0
