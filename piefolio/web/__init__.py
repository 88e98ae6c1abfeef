"""``piefolio serve``: the local web dashboard, a browser face on the commands.

Modules, one concept each:

- :mod:`~piefolio.web.guard`: the per-launch token and the Host check;
- :mod:`~piefolio.web.folder`: the pie files of one folder, and nothing outside it;
- :mod:`~piefolio.web.jobs`: long work on worker threads, progress and cancel;
- :mod:`~piefolio.web.commands`: the CLI's commands run as jobs, output recorded;
- :mod:`~piefolio.web.app`: the pages and htmx fragments (FastAPI, jinja2);
- :mod:`~piefolio.web.server`: binding, the start line, uvicorn.

Needs the ``web`` extra (``pip install 'piefolio[web]'``): FastAPI, uvicorn,
python-multipart. htmx is bundled (``static/htmx.min.js``, its license beside
it); plotly.js comes packed inside each page, as in every page piefolio writes.
"""

from __future__ import annotations

__all__: list[str] = []
