"""Reading commands' option values."""
from __future__ import annotations

from datetime import date

import click


def parse_day(text: str, option: str) -> date:
    """A YYYY-MM-DD option's date; anything else is a usage error naming the option."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint=option) from None
