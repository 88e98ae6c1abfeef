"""The one way to change a validated model: build it again, through validation.

pydantic's ``model_copy`` with an update writes the fields without checking
them, so a copy can hold what the model would have refused (a negative deposit, a
band of 3). :func:`replace` validates the changed model as a new one, with
every field and model validator; nested models that did not change are kept
as they are (they were validated when made).
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from piefolio.errors import PlanError

__all__ = ["replace"]

M = TypeVar("M", bound=BaseModel)


def replace(model: M, **changes: Any) -> M:
    """Return a copy of ``model`` with ``changes``, validated as a new model.

    Parameters
    ----------
    model : pydantic.BaseModel
        A validated model (a plan, a spec, a flow...).
    **changes
        Field name -> new value (a model, or what the field accepts: a dict, a
        word such as ``"monthly"``, an ISO date).

    Returns
    -------
    same type as ``model``

    Raises
    ------
    PlanError
        A change names no field of the model, or the changed model is invalid;
        the message names the model, the field and what was expected.
    """
    kind = type(model)
    unknown = sorted(set(changes) - set(kind.model_fields))
    if unknown:
        raise PlanError(
            f"{kind.__name__} has no field {', '.join(unknown)}; its fields are "
            f"{', '.join(kind.model_fields)}"
        )
    # Field values as they are (not dumped): excluded fields survive, nested
    # models are not rebuilt from dicts.
    data = {name: getattr(model, name) for name in kind.model_fields}
    data.update(changes)
    try:
        return kind.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or kind.__name__
        raise PlanError(f"{kind.__name__}.{where}: {first['msg']}") from exc
