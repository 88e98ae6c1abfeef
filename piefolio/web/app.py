"""The web app's pages and fragments: a browser face on the CLI's commands.

Routes only load, call and present. A pie page is what ``piefolio show``
prints; its editor checks the text with the spec's own validation as you
type; every long piece of work is a CLI command run as a job
(:mod:`piefolio.web.commands`), whose page is the one the command writes.
Bad input is answered 422 with the one-line message the CLI would print,
which htmx puts next to the field; no answer ever holds a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import asynccontextmanager
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from piefolio.errors import PiefolioError, SpecError
from piefolio.web.commands import KINDS, capture, command_job
from piefolio.web.folder import PieFolder, digest
from piefolio.web.jobs import Job, Jobs

__all__ = ["create_app"]

#: Static files served, by name; nothing else under /static.
_STATIC = {
    "htmx.min.js": "text/javascript",
    "htmx.LICENSE": "text/plain",
    "app.css": "text/css",
}


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("piefolio.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def _page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = _environment().get_template(template).render(kinds=KINDS, **context)
    return HTMLResponse(html, status_code=status)


def _problem(message: str, status: int = 422) -> HTMLResponse:
    """Answer a bad input with its message, a fragment htmx puts by the field."""
    return _page("message.html.j2", status, message=message, ok=False)


def create_app(folder: Path, *, jobs: Jobs | None = None) -> FastAPI:
    """Make the app for the pie files of ``folder``.

    Parameters
    ----------
    folder : Path
        The folder whose ``*.toml`` pies the app lists, edits and runs; it
        reads and writes nothing outside it (and the job folders).
    jobs : Jobs, optional
        Where jobs run (default: new, closed when the app stops).

    Returns
    -------
    FastAPI
        The app, without the token and Host checks: wrap it in
        :class:`piefolio.web.guard.Guard` (``piefolio serve`` does).
    """
    pies = PieFolder.at(folder)
    work = jobs or Jobs()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> Any:
        yield
        work.close()

    app = FastAPI(
        title="piefolio", docs_url=None, redoc_url=None, openapi_url=None,
        lifespan=lifespan,
    )  # fmt: skip
    app.state.jobs = work
    app.state.folder = pies

    @app.exception_handler(PiefolioError)
    async def _bad_input(request: Request, exc: PiefolioError) -> HTMLResponse:
        status = 404 if isinstance(exc, LookupError) else 422
        if request.headers.get("hx-request"):
            return _problem(str(exc), status)
        return _page("error.html.j2", status, message=str(exc))

    @app.exception_handler(404)
    async def _missing(request: Request, exc: Exception) -> HTMLResponse:
        return _page("error.html.j2", 404, message="no such page")

    # ------------------------------------------------------------------ pages

    @app.get("/", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        listed = [_listing(pies, name) for name in pies.names()]
        return _page("index.html.j2", folder=str(pies.root), pies=listed)

    @app.get("/data", response_class=HTMLResponse)
    def data() -> HTMLResponse:
        from piefolio.cli.data import data_list

        return _page("data.html.j2", terminal=capture(data_list))

    @app.get("/data/checks", response_class=HTMLResponse)
    def data_checks() -> HTMLResponse:
        from piefolio.cli.data import data_verify

        # A fragment of its own: on a large store the checks take a while,
        # the list above them need not wait.
        return HTMLResponse(capture(data_verify, symbols=None, as_of=None))

    @app.get("/account", response_class=HTMLResponse)
    def account() -> HTMLResponse:
        from piefolio.cli.account import history_list

        try:
            stored = capture(history_list)
        except PiefolioError as exc:
            stored = ""
            message = str(exc)
        else:
            message = ""
        return _page(
            "account.html.j2", terminal=stored, message=message, pies=pies.names()
        )

    @app.get("/pies/{name}", response_class=HTMLResponse)
    def pie(name: str) -> HTMLResponse:
        text = pies.read(name)
        shown, problem = _shown(text, name)
        return _page(
            "pie.html.j2", name=name, text=text, seen=digest(text), shown=shown,
            problem=problem, jobs=[j for j in work.all() if j.pie == name],
        )  # fmt: skip

    @app.get("/pies/{name}/file")
    def pie_file(name: str) -> Response:
        text = pies.read(name)
        return Response(
            text, media_type="application/toml",
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )  # fmt: skip

    @app.post("/pies", response_class=HTMLResponse)
    async def new_pie(request: Request) -> Response:
        from piefolio.cli._app import slug
        from piefolio.cli.pie import _check_name
        from piefolio.template import render_template

        form = await request.form()
        name = str(form.get("name", "")).strip()
        _check_name(name)
        file = str(form.get("file", "")).strip() or f"{slug(name)}.toml"
        pies.create(file, render_template(name, file=file))
        return _go(request, f"/pies/{file}")

    # ---------------------------------------------------------------- editor

    @app.post("/pies/{name}/check", response_class=HTMLResponse)
    async def check(request: Request, name: str) -> HTMLResponse:
        pies.path(name)
        form = await request.form()
        shown, problem = _shown(str(form.get("text", "")), name)
        if problem:
            return _problem(problem)
        return _page("shown.html.j2", shown=shown)

    @app.post("/pies/{name}/save", response_class=HTMLResponse)
    async def save(request: Request, name: str) -> HTMLResponse:
        form = await request.form()
        text = str(form.get("text", ""))
        _, problem = _shown(text, name)
        if problem:
            return _problem(f"not saved: {problem}")
        pies.replace(name, text, seen=str(form.get("seen", "")))
        return _page("saved.html.j2", message=f"Saved {name}.", seen=digest(text))

    @app.post("/pies/{name}/save-as", response_class=HTMLResponse)
    async def save_as(request: Request, name: str) -> Response:
        form = await request.form()
        text = str(form.get("text", ""))
        target = str(form.get("file", "")).strip()
        _, problem = _shown(text, target or name)
        if problem:
            return _problem(f"not saved: {problem}")
        pies.create(target, text)
        return _go(request, f"/pies/{target}")

    # ------------------------------------------------------------------ jobs

    @app.post("/pies/{name}/jobs/{kind}", response_class=HTMLResponse)
    async def start(request: Request, name: str, kind: str) -> Response:
        path = pies.path(name)
        if kind not in _STARTERS:
            raise SpecError(f"{kind!r}: expected one of {', '.join(_STARTERS)}")
        form = await request.form()
        arguments = _STARTERS[kind]({k: str(v) for k, v in form.items()}, pies)
        arguments["spec"] = path
        job = _start(work, kind, f"{KINDS[kind][0]}: {name}", arguments, pie=name)
        return _go(request, f"/jobs/{job.id}")

    @app.post("/compare", response_class=HTMLResponse)
    async def compare(request: Request) -> Response:
        form = await request.form()
        chosen = [pies.path(str(n)) for n in form.getlist("pie")]
        if len(chosen) < 2:
            raise SpecError("compare needs two or more pie files: tick them")
        job = _start(
            work, "compare", "Compare: " + " vs ".join(p.name for p in chosen),
            {"specs": chosen, "offline": True, "out": None},
        )  # fmt: skip
        return _go(request, f"/jobs/{job.id}")

    @app.get("/jobs", response_class=HTMLResponse)
    def jobs_page() -> HTMLResponse:
        return _page("jobs.html.j2", jobs=work.all())

    @app.get("/jobs/{job_id}", response_class=HTMLResponse)
    def job_page(job_id: str) -> HTMLResponse:
        return _page("job.html.j2", job=_job(work, job_id))

    @app.get("/jobs/{job_id}/progress", response_class=HTMLResponse)
    def progress(job_id: str) -> HTMLResponse:
        return _page("progress.html.j2", job=_job(work, job_id))

    @app.post("/jobs/{job_id}/cancel", response_class=HTMLResponse)
    def cancel(job_id: str) -> HTMLResponse:
        job = _job(work, job_id)
        job.cancel()
        return _page("progress.html.j2", job=job)

    @app.get("/jobs/{job_id}/files/{file}")
    def job_file(job_id: str, file: str) -> Response:
        job = _job(work, job_id)
        if job.outcome is None or file not in job.outcome.files:
            return _page("error.html.j2", 404, message=f"{file}: no such file")
        # A page opens in the browser; anything else is a download.
        inline = file.endswith((".html", ".png"))
        return FileResponse(
            job.folder / file,
            filename=file,
            content_disposition_type="inline" if inline else "attachment",
        )

    @app.get("/static/{file}")
    def static(file: str) -> Response:
        if file not in _STATIC:
            return _page("error.html.j2", 404, message=f"{file}: no such file")
        body = files("piefolio.web").joinpath("static", file).read_bytes()
        return Response(body, media_type=_STATIC[file])

    return app


# --------------------------------------------------------------------- helpers


def _go(request: Request, url: str) -> Response:
    """Send the browser to ``url``: htmx follows a header, a plain form a 303."""
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"hx-redirect": url})
    return RedirectResponse(url, status_code=303)


def _job(jobs: Jobs, job_id: str) -> Job:
    job = jobs.get(job_id)
    if job is None:
        raise _NoSuchJob(f"no job {job_id!r} (jobs last until the server stops)")
    return job


class _NoSuchJob(PiefolioError, LookupError):
    """A job id that this server never started."""


def _shown(text: str, name: str) -> tuple[str, str]:
    """Return what ``piefolio show`` prints for ``text`` (HTML), or its error."""
    from piefolio.cli.pie import show_pie
    from piefolio.spec import parse_pie

    try:
        return capture(show_pie, pie=parse_pie(text, source=name)), ""
    except PiefolioError as exc:
        return "", str(exc)


def _listing(pies: PieFolder, name: str) -> dict[str, str]:
    from piefolio.spec import parse_pie

    try:
        spec = parse_pie(pies.read(name), source=name)
    except PiefolioError as exc:
        return {"file": name, "name": "", "problem": str(exc)}
    return {"file": name, "name": spec.pie.name, "problem": ""}


def _start(
    jobs: Jobs, kind: str, title: str, arguments: dict[str, Any], *, pie: str = ""
) -> Job:
    command, page = _command(kind), KINDS[kind][1]
    written = arguments.get("write")
    return jobs.start(
        kind, title, command_job(command, page, **arguments), pie=pie,
        makes=written.name if isinstance(written, Path) else "",
    )  # fmt: skip


def _command(kind: str) -> Callable[..., Any]:
    from piefolio.cli import account, optimize, run, scenarios, sweep, thesis

    commands: dict[str, Callable[..., Any]] = {
        "run": run.run,
        "pngs": run.run,
        "stress": scenarios.stress,
        "simulate": scenarios.simulate,
        "claims": scenarios.claims,
        "thesis": thesis.thesis,
        "sweep": sweep.sweep,
        "optimize": optimize.optimize,
        "actual": account.actual,
        "next": account.next_deposit,
        "compare": run.compare,
    }
    return commands[kind]


# Each job's form fields -> the command's arguments, checked before it starts
# with the command's own checks and messages.

Form = Mapping[str, str]


def _number(form: Form, field: str, kind: type[int] | type[float], default: str) -> Any:
    from piefolio.cli._app import bad_option

    text = form.get(field, "").strip() or default
    try:
        return kind(text.replace(",", "").replace("_", ""))
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise bad_option(f"--{field}", text, what) from None


def _run_args(form: Form, pies: PieFolder) -> dict[str, Any]:
    # The PNGs take as long as the page: made on demand ("pngs"), so that the
    # report is there sooner.
    return {"offline": True, "out": None}


def _pngs_args(form: Form, pies: PieFolder) -> dict[str, Any]:
    return {"offline": True, "out": None, "png": True, "pdf": True, "report": False}


def _simulate_args(form: Form, pies: PieFolder) -> dict[str, Any]:
    from piefolio.cli.scenarios import simulate_settings
    from piefolio.web.commands import as_day

    goal_text = form.get("goal", "").strip()
    arguments: dict[str, Any] = {
        "years": _number(form, "years", float, "10"),
        "paths": _number(form, "paths", int, "10000"),
        "sampler": form.get("sampler", "bootstrap").strip() or "bootstrap",
        "seed": _number(form, "seed", int, "0"),
        "goal": _number(form, "goal", float, goal_text) if goal_text else None,
        "since": as_day(form.get("since", ""), "since"),
        "until": as_day(form.get("until", ""), "until"),
    }
    since, until = (arguments.pop(k) for k in ("since", "until"))
    days = {k: v.date() if v else None for k, v in (("since", since), ("until", until))}
    # The command's own checks, now, so the message stands by the field.
    simulate_settings(**arguments, **days)
    # The command reads its days as the text a user types (--since YYYY-MM-DD).
    texts = {f"{k}_text": d.isoformat() if d else None for k, d in days.items()}
    return {**arguments, **texts, "offline": True, "out": None, "png": True}


def _sweep_args(form: Form, pies: PieFolder) -> dict[str, Any]:
    from piefolio.cli.sweep import check_horizon

    every = form.get("starts", "month").strip() or "month"
    if every not in ("month", "week", "quarter"):
        raise SpecError(f"--starts {every!r}: expected month, week or quarter")
    horizon = check_horizon(form.get("horizon", "").strip() or None)
    variants = _folder_file(form, pies, "variants")
    weights_text = form.get("weights", "").strip()
    weights = _number(form, "weights", int, weights_text) if weights_text else None
    return {"every": every, "horizon": horizon, "variants": variants,
            "weights": weights, "offline": True, "out": None,
            "png": True}  # fmt: skip


def _folder_file(form: Form, pies: PieFolder, field: str) -> Path | None:
    """Return the existing ``.toml`` file of the folder a form field names, or None."""
    name = form.get(field, "").strip()
    if not name:
        return None
    path = pies.path(name)
    if not path.is_file():
        raise SpecError(f"{name}: no such file in {pies.root}")
    return path


def _stress_args(form: Form, pies: PieFolder) -> dict[str, Any]:
    scenario = _folder_file(form, pies, "scenario")
    return {"scenario": [scenario] if scenario else None, "offline": True,
            "out": None, "png": True}  # fmt: skip


def _optimize_args(form: Form, pies: PieFolder) -> dict[str, Any]:
    method = form.get("method", "").strip() or None
    every = form.get("all", "") == "on"
    write = form.get("write", "").strip()
    target = None
    if write:
        target = pies.path(write)
        if target.exists():
            raise SpecError(f"{write}: already exists; choose a new name")
    return {"method": method, "every": every, "write": target, "offline": True}


def _next_args(form: Form, pies: PieFolder) -> dict[str, Any]:
    from piefolio.cli._app import bad_option

    amount = _number(form, "amount", float, "")
    if not 0 < amount < 1e12:
        raise bad_option("--amount", amount, "a deposit above 0")
    mode = form.get("mode", "targets").strip() or "targets"
    return {"amount": amount, "mode": mode, "offline": True}


def _plain_args(form: Form, pies: PieFolder) -> dict[str, Any]:
    return {"offline": True, "out": None, "png": True}


_STARTERS: dict[str, Callable[[Form, PieFolder], dict[str, Any]]] = {
    "run": _run_args,
    "pngs": _pngs_args,
    "stress": _stress_args,
    "simulate": _simulate_args,
    "claims": _plain_args,
    "thesis": lambda form, pies: {"offline": True, "out": None},
    "sweep": _sweep_args,
    "optimize": _optimize_args,
    "actual": lambda form, pies: {"offline": True, "out": None},
    "next": _next_args,
}
