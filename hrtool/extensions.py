"""Flask extensions, created unbound and bound to the app in create_app."""
from typing import TYPE_CHECKING, ClassVar

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase

# Every constraint is named, so Alembic (and SQLite batch mode) can find it later.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    if TYPE_CHECKING:
        # Every model maps one table; DeclarativeBase allows any FROM clause.
        __table__: ClassVar[Table]


db = SQLAlchemy(model_class=Base)

# Every model subclasses Model. At run time it is db.Model, which Flask-SQLAlchemy builds from Base
# (same metadata and registry, plus its mixins); mypy cannot take a base class from an attribute
# (python/mypy#8603), so the checker sees Base itself, whose typed interface db.Model shares.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model

migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()


def database_ready(timeout_seconds: int = 2) -> bool:
    """Whether the database answers now (the readiness check): a new or pinged pooled
    connection reads the migration table, the statement bounded to `timeout_seconds` on
    PostgreSQL (a connection attempt is bounded by the engine's connect_timeout, config.py).
    Raises the driver's error (a DBAPIError) when it does not answer."""
    from sqlalchemy import text

    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"SET LOCAL statement_timeout = {int(timeout_seconds) * 1000}"))
        connection.execute(text("SELECT 1 FROM alembic_version")).all()
        connection.rollback()
    return True
