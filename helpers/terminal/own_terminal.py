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
    language: str = "en",
    asked: bool = False,
) -> str:
    """Return what to paste into bash or zsh to follow the steps, and how to go back, said in
    ``language`` (``en`` or ``zh``: the lines to paste are the same in both).

    ``GNUPGHOME`` is set to the kit's GnuPG home: with none, GnuPG would take the tutorial's
    ``~/.gnupg`` for the reader's default one and talk to the reader's own agent.
    ``helper_dir`` is where the kit unpacked ``docker-credential-pass``, for step 9, which is
    put on the ``PATH`` only then: on it, every earlier login would go to the helper.

    The pages name the registry as ``main``'s, at ``localhost:5000``: where this session's
    differs (another session, a port that was taken, or one ``KIT_REGISTRY_PORT`` asked for:
    ``asked``), it says what to type instead, and why.

    With ``HOME`` switched, the terminal's docker CLI no longer sees the user's docker
    context, so an engine found through one (``context_host``: Docker Desktop's socket, say)
    is named in ``DOCKER_HOST`` for that terminal, and unset again on the way back.
    """
    said = PROSE[language]
    engine_line = back_line = ""
    if context_host is not None:
        engine_line = f"    export DOCKER_HOST={shlex.quote(context_host)}\n"
        back_line = "    unset DOCKER_HOST\n"
    guide, port = settings.GUIDE_ADDRESS, settings.PREFERRED_PORT
    notes = ""
    if address != guide:
        why = "asked" if asked else "port"
        notes = "\n" + said[why].format(port=port, address=address, guide=guide) + "\n"
    if container != settings.GUIDE_CONTAINER:
        named = said["container"].format(container=container, guide=settings.GUIDE_CONTAINER)
        notes += f"\n{named}\n"
    helper = ""
    if helper_dir is not None:
        helper = f'\n{said["helper"]}\n\n    export PATH={shlex.quote(helper_dir)}:"$PATH"\n'
    ready = said["ready"].format(
        address=address, user=settings.DEMO_USER, password=settings.DEMO_PASSWORD
    )
    switch = "".join(f"    {line}\n" for line in switch_lines(shlex.quote(home)))
    return (
        f"{ready}\n{notes}\n{said['paste']}\n\n{switch}"
        f"{engine_line}\n{said['after']}\n\n    {GO_BACK}\n{back_line}{helper}"
    )


def switch_lines(home: str) -> list[str]:
    """Return the lines that make ``home`` (a shell word: a quoted path, or ``"$PWD"``) the
    terminal's ``HOME``, keeping the reader's own home and settings for ``GO_BACK``."""
    return [
        f'export KIT_OWN_HOME="${{KIT_OWN_HOME:-$HOME}}" HOME={home}',
        *(f'export KIT_OWN_{name}="${{KIT_OWN_{name}-${{{name}-}}}}"' for name in OWN_SETTINGS),
        f"unset {' '.join(OWN_SETTINGS)}; export GNUPGHOME=~/{settings.GNUPG_FOLDER}; cd ~",
    ]


PROSE = {
    "en": {
        "ready": "The kit's registry is ready at {address} (user {user}, password {password}), "
        "empty; the demo images are removed, for step 1 loads them.",
        "port": "Port {port} was taken, so the registry listens at {address}: wherever a page "
        "says {guide}, type {address}.",
        "asked": "The registry listens at {address}, as KIT_REGISTRY_PORT asks: wherever a page "
        "says {guide}, type {address}.",
        "container": "This session's registry container is {container}: wherever a page says "
        "{guide}, type {container}.",
        "paste": "To follow the steps in your own terminal (bash or zsh), paste these lines "
        "into it:",
        "after": "In that terminal ~ is now the kit's folder, so ~/.docker/config.json is the "
        "kit's: your\nown ~/.docker and the logins in it stay untouched (a credential store "
        "Docker finds by\nitself, as with Docker Desktop, is another matter: see the site's "
        "page). To go back:",
        "helper": "Step 9 (a credential helper) needs docker-credential-pass on the PATH. "
        "Install it, or,\nwhen you reach that step and not before, use the kit's copy in that "
        "terminal:",
    },
    "zh": {
        "ready": "教程的注册表已在 {address} 就绪（用户名 {user}，密码 {password}），里面是空的；"
        "演示镜像已删除，因为第 1 步会让你自己加载它们。",
        "port": "{port} 端口已被占用，所以注册表改为监听 {address}：页面上写着 {guide} 的地方，"
        "请输入 {address}。",
        "asked": "注册表按 KIT_REGISTRY_PORT 的指定监听 {address}：页面上写着 {guide} 的地方，"
        "请输入 {address}。",
        "container": "这个会话的注册表容器名为 {container}：页面上写着 {guide} 的地方，"
        "请输入 {container}。",
        "paste": "要在你自己的终端（bash 或 zsh）中跟着步骤操作，请把下面几行粘贴进去：",
        "after": "在那个终端里，~ 现在是教程的目录，所以 ~/.docker/config.json 是教程的文件：\n"
        "你自己的 ~/.docker 和其中的登录信息都不受影响（Docker 自己找到的凭据存储，\n"
        "例如 Docker Desktop 的，则是另一回事，见网站上的说明）。要恢复原状，请粘贴：",
        "helper": "第 9 步（凭据助手）需要 PATH 中有 docker-credential-pass。你可以自己安装它；\n"
        "也可以等到了那一步（不要提前），在那个终端中使用教程自带的这一份：",
    },
}
"""What ``instructions`` says around the lines to paste, in each language it speaks."""


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
