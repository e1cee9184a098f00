"""Settings from the environment. Nothing here touches the database or the network."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

# How long a new PostgreSQL connection may take before the attempt fails (engine_options).
CONNECT_TIMEOUT_SECONDS = int(os.environ.get("HRTOOL_DB_CONNECT_TIMEOUT_SECONDS", "5"))


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once into instance/ (never committed)."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    instance_path.mkdir(parents=True, exist_ok=True)
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def settings_from_env(instance_path: Path) -> dict[str, object]:
    default_db = f"sqlite:///{instance_path / 'hrtool.sqlite3'}"
    secure = os.environ.get("HRTOOL_SECURE_COOKIES", "0") == "1"
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL", default_db),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "FORCE_HTTPS": os.environ.get("HRTOOL_FORCE_HTTPS", "0") == "1",
        "WTF_CSRF_TIME_LIMIT": None,  # the session's own lifetime bounds the token
        "MAX_CONTENT_LENGTH": int(os.environ.get("HRTOOL_MAX_UPLOAD_MB", "50")) * 1024 * 1024,  # imports of 100k rows fit
        # What an uploaded spreadsheet may hold, checked before and while it is parsed
        # (services/platform/tabular.py, Limits): rows and columns, and an XLSX's parts unpacked.
        "IMPORT_MAX_ROWS": int(os.environ.get("HRTOOL_IMPORT_MAX_ROWS", "200000")),
        "IMPORT_MAX_COLUMNS": int(os.environ.get("HRTOOL_IMPORT_MAX_COLUMNS", "200")),
        "XLSX_MAX_PART_BYTES": int(os.environ.get("HRTOOL_XLSX_MAX_PART_MB", "300")) * 1024 * 1024,
        "XLSX_MAX_TOTAL_BYTES": int(os.environ.get("HRTOOL_XLSX_MAX_TOTAL_MB", "400")) * 1024 * 1024,
        "XLSX_MAX_SHARED_STRINGS_BYTES": int(os.environ.get("HRTOOL_XLSX_MAX_SHARED_STRINGS_MB", "50")) * 1024 * 1024,
        "XLSX_MAX_RATIO": int(os.environ.get("HRTOOL_XLSX_MAX_RATIO", "100")),
        # Session lifetimes (OWASP ASVS 3.3): idle and absolute, in minutes.
        "SESSION_IDLE_MINUTES": int(os.environ.get("HRTOOL_SESSION_IDLE_MINUTES", "30")),
        "SESSION_ABSOLUTE_MINUTES": int(os.environ.get("HRTOOL_SESSION_ABSOLUTE_MINUTES", str(12 * 60))),
        # Sign-in throttling (services/accounts/throttling.py): growing delays, never a lock. Failures for
        # one account from one address; from one address across accounts (within its own
        # window); for one account from addresses it has not signed in from. Then a wait of
        # FIRST_DELAY, doubling with each further failure, up to MAX_DELAY.
        "LOGIN_MAX_FAILURES": int(os.environ.get("HRTOOL_LOGIN_MAX_FAILURES", "5")),
        "LOGIN_ADDRESS_MAX_FAILURES": int(os.environ.get("HRTOOL_LOGIN_ADDRESS_MAX_FAILURES", "20")),
        "LOGIN_ACCOUNT_MAX_FAILURES": int(os.environ.get("HRTOOL_LOGIN_ACCOUNT_MAX_FAILURES", "10")),
        "LOGIN_FIRST_DELAY_SECONDS": int(os.environ.get("HRTOOL_LOGIN_FIRST_DELAY_SECONDS", "60")),
        "LOGIN_MAX_DELAY_MINUTES": int(os.environ.get("HRTOOL_LOGIN_MAX_DELAY_MINUTES", "60")),
        "LOGIN_FAILURE_WINDOW_MINUTES": int(os.environ.get("HRTOOL_LOGIN_FAILURE_WINDOW_MINUTES", str(24 * 60))),
        "LOGIN_ADDRESS_WINDOW_MINUTES": int(os.environ.get("HRTOOL_LOGIN_ADDRESS_WINDOW_MINUTES", "60")),
        # Reverse proxies in front of hrtool whose X-Forwarded-For/-Proto to trust (werkzeug's
        # ProxyFix): 0 (the default) uses the connecting address, so run behind exactly as many.
        "TRUSTED_PROXIES": int(os.environ.get("HRTOOL_TRUSTED_PROXIES", "0")),
        # Re-authentication before sensitive actions (ASVS 3.7.1): a confirmed password lasts this long.
        "REAUTH_MINUTES": int(os.environ.get("HRTOOL_REAUTH_MINUTES", "10")),
        "PAGE_SIZE": 50,
        # Dashboard figures over the whole workforce are cached until the data changes, and at
        # most this long (services/platform/figures_cache.py); 0 turns the cache off.
        "FIGURES_CACHE_SECONDS": int(os.environ.get("HRTOOL_FIGURES_CACHE_SECONDS", "300")),
        # The job queue (hrtool/jobs/): a SQLite file in instance/ by default, so
        # `make run` needs nothing more; redis://host:6379/0 in production. JOBS_IMMEDIATE runs
        # each job inside the request that starts it (tests); workers are `hrtool worker`.
        "JOBS_QUEUE_URL": os.environ.get("HRTOOL_QUEUE_URL", f"sqlite:///{instance_path / 'queue.sqlite3'}"),
        "JOBS_IMMEDIATE": {"1": True, "0": False}.get(os.environ.get("HRTOOL_JOBS_IMMEDIATE", "")),  # None: if TESTING
        # A running job whose worker has sent no heartbeat for this long is taken as dead (its
        # process killed): queued again, or failed after JOBS_MAX_ATTEMPTS. Workers sweep every
        # JOBS_SWEEP_SECONDS, so a killed job is seen within a minute.
        "JOBS_STALE_SECONDS": int(os.environ.get("HRTOOL_JOBS_STALE_SECONDS", "30")),
        "JOBS_SWEEP_SECONDS": int(os.environ.get("HRTOOL_JOBS_SWEEP_SECONDS", "15")),
        "JOBS_MAX_ATTEMPTS": int(os.environ.get("HRTOOL_JOBS_MAX_ATTEMPTS", "2")),
        # The nightly backup job: where, and how many to keep.
        "BACKUP_FOLDER": os.environ.get("HRTOOL_BACKUP_FOLDER", str(instance_path / "backups")),
        "BACKUP_KEEP": int(os.environ.get("HRTOOL_BACKUP_KEEP", "14")),
    }


def engine_options(database_uri: str, given: dict[str, Any] | None = None) -> dict[str, Any]:
    """SQLAlchemy engine options (outages degrade): every pooled connection is checked
    with a ping when it is taken from the pool (`pool_pre_ping`), so after the database restarts
    each worker's first request reconnects instead of failing on a dead connection; on PostgreSQL
    a connection attempt gives up after CONNECT_TIMEOUT_SECONDS, so an unreachable server is
    answered with the 503 page promptly, not after the kernel's TCP timeout. Options given
    (SQLALCHEMY_ENGINE_OPTIONS) win."""
    options: dict[str, Any] = {"pool_pre_ping": True, **(given or {})}
    if database_uri.startswith(("postgresql", "postgres")):
        connect_args = {"connect_timeout": CONNECT_TIMEOUT_SECONDS, **options.get("connect_args", {})}
        options["connect_args"] = connect_args
    return options
