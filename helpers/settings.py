"""Fixed names and demo values of the kit, kept in one place.

The registry is a throwaway on loopback, so its demo credentials are public on purpose:
the notebooks show them and the README documents them.
"""

LABEL = "io.docker-share-kit"
"""Label key on every container and image the kit creates; its value says what the thing is."""

SESSION_LABEL = "io.docker-share-kit.session"
"""Label key naming the session (``main`` or a test worker) a registry container belongs to."""

DEMO_USER = "learner"
DEMO_PASSWORD = "learner-pass"

PASSWORD_FILE = "registry-password.txt"
"""The file in the learner's home that ``docker login --password-stdin`` reads the password from."""

PASSWORD_INPUT = f" --password-stdin < ~/{PASSWORD_FILE}"
"""How the notebooks give ``docker login`` the password (Docker Hub mode gives the token)."""

PREFERRED_PORT = 5000
"""The port the guide's addresses use; the kit falls back to a free one when it is taken."""

GUIDE_ADDRESS = f"localhost:{PREFERRED_PORT}"
"""The registry address the notebooks type; the shell runner maps it to the real one."""

MAIN_SESSION = "main"
"""A person's session, the one the pages are written for (tests and recordings have their own)."""

HUB_SESSION = "hub"
"""The session Docker Hub mode works in, so that the local tutorial's home stays as it was."""

GUIDE_LOGIN = f"docker login {GUIDE_ADDRESS} --username {DEMO_USER}{PASSWORD_INPUT}"
"""The login step 2 has the learner type (a test holds the notebook to it)."""

REGISTRY_CONTAINER = "docker-share-kit-registry-{session}"
"""The name of a session's registry container."""

GUIDE_CONTAINER = REGISTRY_CONTAINER.format(session=MAIN_SESSION)
"""The registry container's name as the notebooks type it; the shell runner maps it to the
session's, and the session's back in what a command prints."""

GNUPG_FOLDER = ".gnupg-kit"
"""The GnuPG home in a session's home, named so on purpose: GnuPG takes ``$HOME/.gnupg`` (also
when ``GNUPGHOME`` names it) for the user's default home, and then uses the user's own agent
socket under ``/run/user/UID/gnupg``; any other folder gets an agent of its own."""

UPSTREAM_REGISTRY_IMAGE = "registry:2"
LOCAL_REGISTRY_IMAGE = "docker-share-kit/registry:2"
"""The registry image the kit builds from Debian's package when Docker Hub is out of reach."""

BASE_IMAGE = "tinybase:latest"
"""The demo base image; the kit publishes it to the registry as ``library/tinybase``."""

BASE_REPOSITORY = "library/tinybase"

DEMO_IMAGE = "learner/hello-world:latest"
"""The learner's own image, as built on their machine before it is shared."""

DEMO_REPOSITORY = "learner/hello-world"

DEMO_TAGS = ("0.1.0", "latest")
"""The tags of the demo image the steps push."""

PLATFORMS_STEP = "platforms"
"""The step beyond the guide that publishes the demo image for two platforms."""
PLATFORMS_REPOSITORY = "learner/hello-multi"
"""Where the platforms step publishes the demo image built for each platform, and their index."""

PLATFORMS = ("amd64", "arm64")
"""The platforms the demo image is built for (their order in the index: amd64 first)."""


def registry_name(tag: str, repository: str = DEMO_REPOSITORY) -> str:
    """Return the name the guide types for a repository in the kit's registry."""
    return f"{GUIDE_ADDRESS}/{repository}:{tag}"
