"""The models and the migrations describe the same schema: Alembic's autogenerate comparison of the
models' metadata with the database the migrations built (the session database, on SQLite and on
PostgreSQL) finds nothing to add, drop or alter. A model changed without a migration, or a
migration without its model, fails here rather than in production."""
from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import Column, MetaData, String

from hrtool.extensions import db


def _same_empty_text(context: Any, inspected_column: Any, metadata_column: Any, inspected_default: str | None,
                     metadata_default: Any, rendered_metadata_default: str | None) -> bool | None:
    """Alembic's SQLite comparison unquotes a default only when it has a character, so the empty
    text default SQLite reports, "('')", never equals the model's "" (rendered without quotes).
    That one case is judged here; Alembic judges every other (None)."""
    if inspected_default in ("''", "('')") and rendered_metadata_default in ("", "''"):
        return False
    return None


def _differences(app: Flask, metadata: MetaData | None = None) -> list[Any]:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "compare_server_default": _same_empty_text})
        return compare_metadata(context, metadata if metadata is not None else db.metadata)


# SQLite cannot reflect an index on an expression (the employees list's lower(last_name) order);
# PostgreSQL reflects it, and compares it.
UNREFLECTED_INDEX = pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection of expression-based index",
    "ignore:autogenerate skipping metadata-specified expression-based index")


def _models_copy() -> MetaData:
    """The models' tables, in metadata a test may change."""
    changed = MetaData(naming_convention=db.metadata.naming_convention)
    for table in db.metadata.tables.values():
        table.to_metadata(changed)
    return changed


@UNREFLECTED_INDEX
def test_the_models_match_the_migrated_schema(app: Flask) -> None:
    assert _differences(app) == []


@UNREFLECTED_INDEX
def test_a_column_a_model_gained_without_a_migration_is_found(app: Flask) -> None:
    changed = _models_copy()
    changed.tables["councils"].append_column(Column("motto", String(40)))
    found = _differences(app, changed)
    assert [(d[0], d[2], d[3].name) for d in found] == [("add_column", "councils", "motto")]


@UNREFLECTED_INDEX
def test_a_server_default_the_migrations_set_but_the_model_lacks_is_found(app: Flask) -> None:
    changed = _models_copy()
    changed.tables["transfers"].c.implications.server_default = None
    changed.tables["job_evaluations"].c.status.server_default = None
    found = [d[0] if isinstance(d, list) else d for d in _differences(app, changed)]
    assert sorted((d[0], d[2], d[3]) for d in found) == [
        ("modify_default", "job_evaluations", "status"), ("modify_default", "transfers", "implications")]
