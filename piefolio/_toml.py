"""Read a TOML file into a pydantic model, with errors a person can act on.

Shared by the pie spec and the scenario files: every message starts with the
file, then the key path (``pie.slices[1].slices[0].weight``), what was found and
what was expected; an unknown key gets a "did you mean" and the allowed keys.
"""

from __future__ import annotations

import datetime as dt
import difflib
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from piefolio.errors import SpecError

if TYPE_CHECKING:
    from piefolio.typing import PathLike

__all__ = ["read_text", "validate_toml"]

M = TypeVar("M", bound=BaseModel)

# Tables and arrays within each other; far deeper than any real file, far short
# of Python's recursion limit in pydantic and in our own tree walks.
MAX_NESTING = 64


def read_text(path: PathLike) -> str:
    """Read a UTF-8 file, or raise SpecError naming it."""
    file = Path(path)
    try:
        return file.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise SpecError(f"{file}: no such file") from exc
    except IsADirectoryError as exc:
        raise SpecError(f"{file}: is a folder; expected a file") from exc
    except UnicodeDecodeError as exc:
        raise SpecError(f"{file}: cannot read it as UTF-8 text ({exc})") from exc
    except OSError as exc:
        raise SpecError(f"{file}: cannot read it ({exc.strerror or exc})") from exc


def validate_toml(
    model: type[M],
    text: str,
    where: str,
    *,
    required: tuple[str, ...] = (),
    named_lists: tuple[str, ...] = (),
) -> M:
    """Parse TOML ``text`` and validate it as ``model``.

    Parameters
    ----------
    model : type of pydantic.BaseModel
        The root model.
    text : str
        The TOML document.
    where : str
        The file name that starts every error message.
    required : tuple of str
        Top-level tables that must be present (checked first, for a clear message).
    named_lists : tuple of str
        Top-level TOML tables that the model turns into lists; errors inside them
        name the entry by the key the user wrote rather than by its position.

    Raises
    ------
    SpecError
        On a TOML syntax error (with its line) or any validation error.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{where}: not valid TOML: {exc}") from exc
    except RecursionError as exc:
        raise SpecError(
            f"{where}: tables or arrays nest deeper than {MAX_NESTING} levels; "
            f"expected at most {MAX_NESTING}"
        ) from exc
    deep = _too_deep(data)
    if deep is not None:
        raise SpecError(
            f"{where}: {_key_path(deep, data, named_lists)}: tables or arrays nest "
            f"deeper than {MAX_NESTING} levels; expected at most {MAX_NESTING}"
        )
    for table in required:
        if table not in data:
            raise SpecError(
                f"{where}: [{table}] is missing; expected a [{table}] table"
            )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise SpecError(_explain(exc, data, where, model, named_lists)) from exc


def _too_deep(data: Any) -> tuple[int | str, ...] | None:
    """Return the key path of the first value nested past MAX_NESTING, if any."""
    stack: list[tuple[tuple[int | str, ...], Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if len(path) > MAX_NESTING:
            return path
        items = (
            value.items()
            if isinstance(value, dict)
            else enumerate(value)
            if isinstance(value, list)
            else ()
        )
        stack.extend(((*path, key), child) for key, child in items)
    return None


def _explain(
    exc: ValidationError,
    data: Any,
    where: str,
    root: type[BaseModel],
    named_lists: tuple[str, ...],
) -> str:
    lines = []
    for err in exc.errors(include_url=False):
        loc = _key_path(err["loc"], data, named_lists)
        msg = err["msg"].removeprefix("Value error, ")
        kind = err["type"]
        if kind == "extra_forbidden":
            key = str(err["loc"][-1])
            allowed = _allowed_keys(root, err["loc"][:-1])
            near = difflib.get_close_matches(key, allowed, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            listed = ", ".join(sorted(allowed))
            lines.append(f"{where}: {loc}: unknown key{hint} (allowed: {listed})")
            continue
        if kind == "missing":
            lines.append(f"{where}: {loc}: required key is missing")
            continue
        found = err.get("input")
        if kind in ("float_type", "int_type") and isinstance(found, str):
            msg = "a number written as text; expected a TOML number, no quotes"
        shown = "" if isinstance(found, dict | list) else f" (found {_shown(found)})"
        lines.append(f"{where}: {loc}: {msg}{shown}" if loc else f"{where}: {msg}")
    # One root cause often surfaces through several union branches; say it once.
    return "\n".join(dict.fromkeys(lines))


def _shown(value: Any) -> str:
    # Dates as written in TOML; a 5,000-character value cut to a readable line.
    text = value.isoformat() if isinstance(value, dt.date) else repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def _key_path(
    loc: tuple[int | str, ...], data: Any, named_lists: tuple[str, ...]
) -> str:
    out = ""
    for i, part in enumerate(loc):
        if i == 1 and loc[0] in named_lists and isinstance(part, int):
            names = list(data.get(loc[0], {}))
            out += f".{names[part]}" if part < len(names) else f"[{part}]"
        elif isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _allowed_keys(root: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """List the keys the model at ``loc`` accepts, walking the model tree."""
    model: Any = root
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return []
        model = _inner_model(field.annotation)
        if model is None:
            return []
    return [name for name, f in model.model_fields.items() if not f.exclude]


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
