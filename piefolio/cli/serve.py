"""``piefolio serve``: the local web app on the pies of a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from piefolio.cli._app import command, console, styled

__all__ = ["serve"]


@command()
def serve(
    port: Annotated[
        int, typer.Option(help="Port to listen on (0: any free one).")
    ] = 8765,
    folder: Annotated[
        Path, typer.Option(help="Folder of the pie files (default: this one).")
    ] = Path(),
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Do not open a browser.")
    ] = False,
    host: Annotated[
        str,
        typer.Option(
            help="Address to bind; anything but 127.0.0.1 or localhost lets other "
            "machines in (a warning says so)."
        ),
    ] = "127.0.0.1",
) -> None:
    """Open the pies of a folder in the browser: edit, run, compare, simulate.

    The first line printed is the URL to open, with this launch's token.
    """
    from piefolio.errors import PiefolioError

    try:
        from piefolio.web.server import serve as start
    except ImportError as exc:
        raise PiefolioError(
            f"piefolio serve needs the web extra ({exc.name} is missing): "
            "pip install 'piefolio[web]'"
        ) from None
    err = console(stderr=True)
    start(
        folder,
        host=host,
        port=port,
        open_browser=not no_browser,
        say=lambda url: typer.echo(url),
        warn=lambda text: err.print(styled(text, "yellow")),
    )
