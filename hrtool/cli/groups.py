"""The command groups several modules add to (`calc`, `report`, ...): made once, whichever
module registers first, so no module's commands replace another's."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

HELP = {"calc": "Calculators for HR analysts and scripts; they print JSON.",
        "report": "Reports printed as JSON."}


def group(app: Flask, name: str, help_text: str | None = None) -> click.Group:
    found = app.cli.commands.get(name)
    if found is None:
        # An AppGroup runs each command defined on it inside the app context, as app.cli.group does.
        found = AppGroup(name, help=help_text or HELP.get(name))
        app.cli.add_command(found)
    assert isinstance(found, click.Group), f"{name} is a command, not a group"
    return found
