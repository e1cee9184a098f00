"""hrtool: HR for councils that share staff under a lead authority model."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from .config import engine_options, settings_from_env
from .extensions import csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The one place the app is assembled. It never migrates or touches the network."""
    instance_path = Path(os.environ.get("HRTOOL_INSTANCE_PATH", ROOT / "instance"))
    from . import file_modes  # SQLite files are made 0600 on connect

    file_modes.make_private_folder(instance_path)  # 0700, before the secret key is written into it
    app = Flask(__name__, instance_path=str(instance_path), template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "static"))
    app.config.from_mapping(settings_from_env(instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(  # pool_pre_ping: outages
        app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("SQLALCHEMY_ENGINE_OPTIONS"))

    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(str(ROOT / "templates")),
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from . import sqlite  # noqa: F401  (registers the SQLite connection settings)

    file_modes.warn_if_readable(instance_path, app.config["SQLALCHEMY_DATABASE_URI"], app.logger)

    db.init_app(app)
    from .services.platform import derived, figures_cache

    derived.install()  # derived facts are recomputed before every commit (services/platform/derived.py)
    figures_cache.install()  # cached figures move on with the records they read (after derived's listeners)
    from .web.request_hooks import install_request_hooks

    install_request_hooks()  # who acts, and a request commits only through @transaction services
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)

    from govuk_frontend_wtf.main import WTFormsHelpers

    WTFormsHelpers(app)

    from .security import init_security

    init_security(app)

    from .errors import register_error_handlers
    from .web import register_blueprints

    register_blueprints(app)
    register_error_handlers(app)

    from .jobs import queue

    queue.configure(app)  # the job queue's storage, or jobs run at once (JOBS_IMMEDIATE)
    from .cli import register_commands

    register_commands(app)
    from . import log_filters

    log_filters.install(app)  # repeated identical errors logged once with a count
    return app
