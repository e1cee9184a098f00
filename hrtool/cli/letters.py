"""`hrtool letters ...`: the letter register's integrity check."""
from __future__ import annotations

import click
from flask import Flask


def register_letters_commands(app: Flask) -> None:
    @app.cli.group("letters")
    def letters() -> None:
        """The letter register."""

    @letters.command("verify")
    def verify() -> None:
        """Recompute the SHA-256 of every issued letter's PDF and compare it with the register.
        Exit 0 if all match; exit 1 listing each mismatch."""
        from ..services.letters.letters import verify as run

        result = run()
        click.echo(f"Checked {result.checked} letters.")
        if result.mismatches:
            for reference, stored, computed in result.mismatches:
                click.echo(f"MISMATCH {reference}: register {stored}, PDF {computed}", err=True)
            click.echo(f"{len(result.mismatches)} of {result.checked} letters do not match their SHA-256.", err=True)
            raise SystemExit(1)
        click.echo("Every letter matches its SHA-256.")
