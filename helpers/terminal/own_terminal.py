"""What a reader pastes into their own bash or zsh to follow the steps there, and to go back.

The lines point that terminal's ``HOME`` at the kit's session home, so every command on the
site's pages can be pasted as it is, and set aside what would point the commands at the
reader's own Docker config, GnuPG keys or password store; the way back gives all of it back.
``python -m helpers terminal`` prints them.
"""

from __future__ import annotations

import shlex

from helpers import settings


def instructions(
    address: str,
    container: str,
    home: str,
    context_host: str | None = None,
    helper_dir: str | None = None,
) -> str:
    """Return what to paste into bash or zsh to follow the steps, and how to go back.

    ``GNUPGHOME`` is set to the kit's GnuPG home: with none, GnuPG would take the tutorial's
    ``~/.gnupg`` for the reader's default one and talk to the reader's own agent.
    ``helper_dir`` is where the kit unpacked ``docker-credential-pass``, for step 9, which is
    put on the ``PATH`` only then: on it, every earlier login would go to the helper.

    The pages name the registry as ``main``'s, at ``localhost:5000``: where this session's
    differs (another session, or a port that was taken), it says what to type instead.

    With ``HOME`` switched, the terminal's docker CLI no longer sees the user's docker
    context, so an engine found through one (``context_host``: Docker Desktop's socket, say)
    is named in ``DOCKER_HOST`` for that terminal, and unset again on the way back.
    """
    engine_line = back_line = ""
    if context_host is not None:
        engine_line = f"    export DOCKER_HOST={shlex.quote(context_host)}\n"
        back_line = "    unset DOCKER_HOST\n"
    port = ""
    if address != settings.GUIDE_ADDRESS:
        port = (
            f"\nPort {settings.PREFERRED_PORT} was taken, so the registry listens at {address}: "
            f"wherever a page says {settings.GUIDE_ADDRESS}, type {address}.\n"
        )
    if container != settings.GUIDE_CONTAINER:
        port += (
            f"\nThis session's registry container is {container}: wherever a page says "
            f"{settings.GUIDE_CONTAINER}, type {container}.\n"
        )
    return (
        f"The kit's registry is ready at {address} (user {settings.DEMO_USER}, password "
        f"{settings.DEMO_PASSWORD}), empty; the demo images are removed, for step 1 loads them.\n"
        f"{port}\n"
        "To follow the steps in your own terminal (bash or zsh), paste these lines into it:\n\n"
        f'    export KIT_OWN_HOME="${{KIT_OWN_HOME:-$HOME}}" HOME={shlex.quote(home)}\n'
        + "".join(
            f'    export KIT_OWN_{name}="${{KIT_OWN_{name}-${{{name}-}}}}"\n'
            for name in OWN_SETTINGS
        )
        + f"    unset {' '.join(OWN_SETTINGS)}; export GNUPGHOME=~/{settings.GNUPG_FOLDER}; cd ~\n"
        f"{engine_line}\n"
        "In that terminal ~ is now the kit's folder, so ~/.docker/config.json is the kit's: your\n"
        "own ~/.docker and the logins in it stay untouched (a credential store Docker finds by\n"
        "itself, as with Docker Desktop, is another matter: see the site's page). To go back:\n\n"
        f"    {GO_BACK}\n{back_line}" + _helper_lines(helper_dir)
    )


def _helper_lines(helper_dir: str | None) -> str:
    if helper_dir is None:
        return ""
    return (
        "\nStep 9 (a credential helper) needs docker-credential-pass on the PATH. Install it, or,\n"
        "when you reach that step and not before, use the kit's copy in that terminal:\n\n"
        f'    export PATH={shlex.quote(helper_dir)}:"$PATH"\n'
    )


OWN_SETTINGS = ("DOCKER_CONFIG", "GNUPGHOME", "PASSWORD_STORE_DIR")
"""Variables that would point the tutorial's commands at the user's own Docker config, GnuPG
keys or password store: unset in the tutorial's terminal, and given back on the way back."""

GO_BACK = (
    'export HOME="$KIT_OWN_HOME" '
    + " ".join(f'{name}="$KIT_OWN_{name}"' for name in OWN_SETTINGS)
    + "; "
    + "".join(f'[ -n "${name}" ] || unset {name}; ' for name in OWN_SETTINGS)
    + f"unset KIT_OWN_HOME {' '.join(f'KIT_OWN_{name}' for name in OWN_SETTINGS)}; cd ~"
)
"""What gives a terminal its own home back, and its own ``OWN_SETTINGS`` if it had them."""
