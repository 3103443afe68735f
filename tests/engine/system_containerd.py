"""A systemd host's Docker, made inside a mount namespace: run by ``test_system_containerd``.

On a systemd host a containerd listens at ``/run/containerd/containerd.sock`` and the user's
dockerd uses it. Here that is built in a namespace of the test's own (a tmpfs over
``/run/containerd``, so the real folder is untouched): a containerd at that address, then "the
user's engine" on it, with the containerd image store (Docker 29's default) and images of the
user's, among them the demo images the user loaded while following the tutorial, and a tag of
their own on one. Then the kit's private engine starts, as a test worker's would, and every
English notebook runs on it (the Chinese ones run the same commands). The script prints one
JSON object: the user's images before and after, the containerd namespaces in the user's
containerd, and nbval's exit status and output tail.

Usage, with a tmpfs over ``/run/containerd`` and ``lo`` up:
``unshare --mount --net --propagation private python system_containerd.py SESSION PORT DIR``
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import docker
import docker.errors

from helpers import environment, waiting
from helpers.demo import archive, images
from helpers.demo import specs as demo_specs
from helpers.engine import debian as debian_engine
from helpers.engine import image_store, system_containerd
from helpers.engine import private as private_engine
from helpers.lesson import notebook_run
from helpers.lesson import notebooks as lesson

SOCKET = system_containerd.SOCKET
USER_TAG = "mine/hello:1"
USER_IMAGE = "mine/app:1"


def _wait_for(ready: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    if not waiting.until(ready, timeout=timeout, interval=0.05):
        raise SystemExit(f"{what} did not come up within {timeout:g} s")


def _answers(host: str) -> bool:
    try:
        docker.DockerClient(base_url=host, timeout=5).ping()
    except docker.errors.DockerException:
        return False
    return True


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _images(client: docker.DockerClient) -> dict[str, str]:
    return {tag: image.id for image in client.images.list() for tag in image.tags}


def _load_the_users_images(client: docker.DockerClient) -> None:
    architecture = images.engine_architecture(client)
    for spec in (demo_specs.base_spec(architecture), demo_specs.hello_spec(architecture)):
        client.images.load(archive.docker_archive(spec)[0])
    own = archive.ImageSpec(
        repo_tags=[USER_IMAGE],
        layers=[archive.Layer([archive.Entry("app", b"the user's\n")], "the user's app")],
        architecture=architecture,
        cmd=["/app"],
    )
    client.images.load(archive.docker_archive(own)[0])
    client.images.get(demo_specs.hello_spec(architecture).repo_tags[0]).tag(USER_TAG)


def main(session: str, port: str, work: Path) -> dict[str, object]:
    binaries = debian_engine.unpacked()
    tools = binaries.root / "usr" / "bin"
    here = environment.current()  # a script of its own: the test hands it the run's
    engines_environment = here.child(PATH=binaries.path())
    containerd = subprocess.Popen(
        [tools / "containerd", f"--address={SOCKET}", f"--root={work / 'containerd'}",
         f"--state={SOCKET.parent / 'state'}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=engines_environment,
    )  # fmt: skip
    user_engine = None
    try:
        _wait_for(SOCKET.exists, "the system containerd")
        config = work / "daemon.json"
        config.write_text(json.dumps({"features": {"containerd-snapshotter": True}}))
        user_host = f"unix://{SOCKET.parent / 'user.sock'}"
        user_engine = subprocess.Popen(
            [binaries.dockerd, f"--config-file={config}", f"--host={user_host}",
             f"--data-root={work / 'user-data'}", f"--exec-root={SOCKET.parent / 'user'}",
             f"--pidfile={SOCKET.parent / 'user.pid'}", "--bridge=none", "--iptables=false",
             "--ip-masq=false"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=engines_environment,
        )  # fmt: skip
        _wait_for(lambda: _answers(user_host), "the user's engine")
        user = docker.DockerClient(base_url=user_host, timeout=60)
        assert image_store.detect(user) == image_store.CONTAINERD
        _load_the_users_images(user)
        before = _images(user)
        kit = private_engine.PrivateEngine(session, image_store.CONTAINERD, binaries)
        try:
            kit_host = kit.start()
            own_containerd = (kit.exec_root / "containerd" / "containerd.sock").exists()
            done = notebook_run.run(
                lesson.notebook_paths(),  # one edition: the Chinese one runs the same commands
                here.child(DOCKER_HOST=kit_host, KIT_SESSION=session, KIT_REGISTRY_PORT=port),
                compare=True,
                timeout=900,
            )
        finally:
            kit.stop()
        namespaces = subprocess.run(
            [tools / "ctr", f"--address={SOCKET}", "namespaces", "list", "--quiet"],
            env=engines_environment, capture_output=True, text=True, check=True,
        ).stdout.split()  # fmt: skip
        return {
            "before": before,
            "after": _images(user),
            "namespaces": namespaces,
            "kit_engine_has_its_own_containerd": own_containerd,
            "nbval": done.returncode,
            "nbval_tail": done.said[-3000:],
        }
    finally:
        if user_engine is not None:
            _stop(user_engine)
        _stop(containerd)


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], Path(sys.argv[3]))))
