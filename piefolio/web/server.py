"""Start the web app: bind, print the URL with its token, serve until Ctrl-C."""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import socket
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

from piefolio.errors import SpecError

__all__ = ["bind", "is_loopback", "serve", "url_of"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (``localhost``, 127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """Open a listening socket on ``host:port`` (port 0: any free one).

    Raises
    ------
    SpecError
        The port is taken or out of range, or the host is not an address here.
    """
    if not 0 <= port <= 65535:
        raise SpecError(f"--port {port}: expected a port from 1 to 65535")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise SpecError(f"--host {host!r}: not an address ({exc.strerror})") from None
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise SpecError(
                f"--port {port}: already in use; pick another with --port"
            ) from None
        why = exc.strerror or exc
        raise SpecError(f"--host {host!r}: cannot listen there ({why})") from None
    sock.listen(128)
    return sock


def url_of(host: str, port: int, token: str) -> str:
    """Return the URL to open: the address, the port and the launch's token."""
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/?token={token}"


def _names_of_this_machine(host: str) -> set[str]:
    """Host names a browser may use to reach a server bound to ``host``."""
    names = {host}
    if host in ("0.0.0.0", "::", ""):
        name = socket.gethostname()
        names.add(name)
        with contextlib.suppress(OSError):
            names.update(str(info[4][0]) for info in socket.getaddrinfo(name, None))
    return names


def serve(
    folder: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    open_browser: bool = True,
    say: Callable[[str], None] = print,
    warn: Callable[[str], None] = print,
) -> None:
    """Serve the pies of ``folder`` until interrupted.

    Parameters
    ----------
    folder : Path
        The folder of pie files.
    host, port : str, int
        Where to listen; port 0 takes a free one.
    open_browser : bool
        Open the URL in the default browser once listening.
    say, warn : callable
        Print the URL (first, alone on its line) and warnings.
    """
    import uvicorn

    from piefolio.web.app import create_app
    from piefolio.web.guard import Guard, new_token

    app = create_app(folder)
    sock = bind(host, port)
    port = sock.getsockname()[1]
    token = new_token()
    url = url_of(host, port, token)
    guarded = Guard.around(app, token, _names_of_this_machine(host), port)
    say(url)
    if not is_loopback(host):
        warn(
            f"warning: --host {host} lets other machines reach this server; "
            f"anyone with the token can read, change and run the pies in {folder}"
        )
    config = uvicorn.Config(guarded, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
