"""Users, their roles, server-side sessions and login attempts."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, Index, String, func
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .org import TradeUnion
from .people import Employee


class Role(str, enum.Enum):
    ADMIN = "admin"
    HR = "hr"
    EMPLOYEE = "employee"
    UNION_REP = "union_rep"

    @property
    def label(self) -> str:
        return {"admin": "Administrator", "hr": "HR officer", "employee": "Employee",
                "union_rep": "Trade union representative"}[self.value]


class User(Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(200), unique=True)  # stored lower case
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), unique=True)
    union_id: Mapped[int | None] = mapped_column(ForeignKey("trade_unions.id"))
    active: Mapped[bool] = mapped_column(default=True)
    # A password an administrator set (first password or reset) is temporary: until the user
    # changes it every page but changing it and signing out is refused.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # Email notices the user may turn off: that a letter is waiting for them or
    # their union; HR's daily digest of TUPE steps and protections ending.
    notify_letters: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    notify_digest: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    employee: Mapped[Employee | None] = relationship()
    union: Mapped[TradeUnion | None] = relationship()

    # Flask-Login reads these; the session id (not the user id) is what the cookie carries.
    # Set per request by the user loader; not a column, so its type is for the checker only.
    if TYPE_CHECKING:
        session_id: str | None
    session_id = None

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        return self.session_id


class UserSession(Model):
    """A signed-in session held on the server, so logout, idle and absolute timeouts end it
    whatever the browser keeps."""

    __tablename__ = "user_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class LoginAttempt(Model):
    """Every sign-in attempt (and re-authentication), kept so throttling is per account and per
    client address, survives restarts and is the same for every worker (services/accounts/throttling.py)."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_username_at", "username", "attempted_at"),
                      Index("ix_login_attempts_remote_addr_at", "remote_addr", "attempted_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(200))
    attempted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    succeeded: Mapped[bool]
    remote_addr: Mapped[str] = mapped_column(String(64), default="")
    # Answered 429 while the address had to wait, without checking the password: never a failure.
    refused: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # An administrator cleared this failure; it no longer counts (0019).
    cleared: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
