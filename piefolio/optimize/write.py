"""Write a proposal as a new pie file: the user's pie with the proposed weights.

The new file keeps everything else of the spec (plan, benchmarks, claims and
indicators, the ``[optimize]`` table) and says in its header how the weights
were made. It is validated by :func:`~piefolio.spec.parse_pie` before it is
written, written atomically, and never over the file it came from.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from piefolio._atomic import atomic_text
from piefolio.errors import OptimizationError, SpecError
from piefolio.models import replace
from piefolio.optimize.constraints import proposed_slices
from piefolio.optimize.proposal import Proposal
from piefolio.spec import PieSpec, parse_pie
from piefolio.typing import PathLike

__all__ = ["proposal_toml", "write_proposal"]

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def proposal_toml(spec: PieSpec, proposal: Proposal) -> str:
    """Render the pie with ``proposal``'s weights as TOML text.

    Parameters
    ----------
    spec : PieSpec
        The pie the proposal was made for.
    proposal : Proposal
        Its proposed weights (fractions of the pie per ticker).

    Returns
    -------
    str
        A pie file that :func:`~piefolio.spec.parse_pie` accepts, whose effective
        weights are the proposal's, rounded to 6 decimals.

    Raises
    ------
    OptimizationError
        The proposal cannot be written as a valid pie (the message says why).
    """
    slices, dropped = proposed_slices(spec, proposal.weights)
    new = replace(spec, pie=replace(spec.pie, slices=slices))
    data = new.model_dump(mode="python", exclude_none=True)
    source = spec.source.name if spec.source is not None else "a pie"
    used = (
        proposal.used
        if proposal.used == proposal.method
        else f"{proposal.used} (asked {proposal.method})"
    )
    header = [
        f"Weights proposed by `piefolio optimize` from {source}: {used},",
        f"estimated on {proposal.days} days {proposal.start}..{proposal.end};",
        f"expected volatility {proposal.volatility:.1%} a year. Review before use.",
        *dropped,
        *proposal.notes,
    ]
    lines = [f"# {_one_line(h)}" for h in header]
    lines += ["", "[pie]"]
    pie = data["pie"]
    for key in ("name", "currency"):
        lines.append(f"{_key(key)} = {_inline(pie[key])}")
    if pie.get("thesis"):
        lines.append(f"thesis = {_multiline(pie['thesis'])}")
    for top in pie["slices"]:
        lines += ["", "[[pie.slices]]"]
        for key, value in top.items():
            if key == "slices":
                lines.append("slices = [")
                lines += [f"  {_inline(child)}," for child in value]
                lines.append("]")
            else:
                lines.append(f"{_key(key)} = {_inline(value)}")
    if data.get("benchmarks"):
        lines += ["", "[benchmarks]"]
        for b in data["benchmarks"]:
            body = b["ticker"] if "ticker" in b else {"slices": b["slices"]}
            lines.append(f"{_key(b['name'])} = {_inline(body)}")
    for table in ("plan", "optimize"):
        if data.get(table):
            lines += ["", f"[{table}]"]
            lines += [f"{_key(k)} = {_inline(v)}" for k, v in data[table].items()]
    for table in ("claims", "indicators"):
        for entry in data.get(table, ()):
            lines += ["", f"[[{table}]]"]
            lines += [f"{_key(k)} = {_inline(v)}" for k, v in entry.items()]
    text = "\n".join(lines) + "\n"
    try:
        parse_pie(text)
    except SpecError as exc:
        raise OptimizationError(
            f"the proposal does not make a valid pie file: {exc}"
        ) from exc
    return text


def write_proposal(
    spec: PieSpec, proposal: Proposal, out: PathLike, *, force: bool = False
) -> Path:
    """Write the proposal to a new pie file, atomically.

    Parameters
    ----------
    spec : PieSpec
        The pie the proposal was made for (``spec.source`` is protected).
    proposal : Proposal
        The weights to write.
    out : str or os.PathLike
        The new file.
    force : bool, default False
        Replace ``out`` if it exists (never the spec's own file).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    SpecError
        ``out`` is the spec's own file, or exists and ``force`` is False.
    OptimizationError
        The proposal does not make a valid pie.
    """
    target = Path(out)
    if spec.source is not None and target.resolve() == Path(spec.source).resolve():
        raise SpecError(
            f"{target}: is the pie the proposal came from; write the proposal to "
            "a new file"
        )
    if target.exists() and not force:
        raise SpecError(f"{target}: already exists; pass --force to replace it")
    atomic_text(target, proposal_toml(spec, proposal))
    return target


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def _multiline(text: str) -> str:
    body = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return f'"""\n{body}"""' if body.endswith("\n") else f'"""\n{body}\n"""'


def _inline(value: Any) -> str:
    """One TOML value on one line (inline tables and arrays nest)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(str(value), ensure_ascii=False)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{_key(str(k))} = {_inline(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")
