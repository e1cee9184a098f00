"""A service's refusal shown on the form that asked for it: one way for every area, so the same
DomainError reads the same wherever it is raised."""
from __future__ import annotations

from collections.abc import Collection
from typing import Any

from wtforms import Field, FieldList

from ..errors import DomainError


def show_domain_error(form: Any, error: DomainError, *, form_level: Collection[str] = ()) -> None:
    """Put `error` beside the field it names, or at the top of the form.

    At the top instead when the field is not on this form, is a list of rows (a FieldList shows
    its rows' own errors, not one of its own), or is named in `form_level` (a rule about a whole
    table that names it). An error that lists several problems (InvalidBands) shows each, at the
    top, as a sentence."""
    problems = getattr(error, "problems", None)
    if isinstance(problems, list) and problems:
        form.form_errors.extend(_sentence(str(p)) for p in problems)
    else:
        _add(form, error.field, error.message, form_level)


def _add(form: Any, field_name: str | None, message: str, form_level: Collection[str]) -> None:
    target = getattr(form, field_name, None) if field_name and field_name not in form_level else None
    if isinstance(target, Field) and not isinstance(target, FieldList):
        # A field that has not been validated holds its errors in a tuple.
        target.errors = [*target.errors, message]
    else:
        form.form_errors.append(message)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
