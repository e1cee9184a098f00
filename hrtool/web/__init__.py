"""Blueprints, one package per user-facing area, and the navigation each role sees."""
from __future__ import annotations

from typing import Any, TypedDict

from flask import Flask, request, url_for
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from ..permissions import has

# (permission, label, endpoint): the navigation, filtered by what the user may do.
NAVIGATION = [
    ("hr.dashboard", "Dashboard", "hr.dashboard"),
    ("employees.view_all", "Employees", "staff.employees"),
    ("transfers.view", "Transfers", "transfers.transfers_list"),
    ("restructures.view", "Restructures", "restructures.restructures_list"),
    ("protected.register", "Protected terms", "protected.register"),
    ("pay.view", "Pay and grading", "pay.index"),
    ("jes.view", "Job evaluation", "jes.scheme_page"),  # the scheme and local conventions
    ("letters.view", "Letters", "letters.register"),
    ("protection.view", "Pay protection", "protection.dashboard_page"),
    ("audit.view", "Audit log", "audit.log"),
    ("jobs.view", "Jobs", "jobs.jobs_list"),
    ("me.view", "My record", "me.record"),
    ("me.view", "My terms", "me.terms"),
    ("me.letters", "My letters", "my_letters.my_letters"),
    ("me.protection", "My pay protection", "my_protection.mine"),
    ("union.portal", "Union overview", "unions.overview"),
    ("union.portal", "Transfers", "unions.transfers"),
    ("union.letters", "Letters", "unions.letters"),
    ("admin.manage", "Users", "admin.users"),
]


class NavItem(TypedDict):
    text: str
    href: str
    active: bool


# The largest id a row can have: the models' primary keys are Integer, PostgreSQL's 4-byte
# integer (SQLite would hold more, but the two must answer alike; a larger id is a 404, never the
# database's "out of range" error).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: ASCII digits only, 1 to MAX_ID, or the URL does not
    match and the answer is a 404. Werkzeug's own converter took any length (thirty 9s reached the
    database, which cannot hold the number: a 500) and any Unicode digit. Installed in place of
    the default `int` before the blueprints add their rules, so no route needs to remember it; a
    rule may still pass its own min/max."""

    regex = r"[0-9]+"

    def __init__(self, map: Any, fixed_digits: int = 0, min: int | None = 1, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter  # before any rule is added (rules bind it when added)

    from .admin.views import bp as admin_bp
    from .audit.views import bp as audit_bp
    from .auth.views import bp as auth_bp
    from .check.views import bp as check_bp
    from .grading.views import bp as grading_bp
    from .hr.views import bp as hr_bp
    from .main.views import bp as main_bp
    from .me.views import bp as me_bp
    from .posts.views import bp as posts_bp
    from .protected.views import bp as protected_bp
    from .staff.views import bp as staff_bp
    from .transfers.views import bp as transfers_bp
    from .unions.views import bp as unions_bp

    for bp in (main_bp, auth_bp, hr_bp, staff_bp, posts_bp, transfers_bp, protected_bp, grading_bp, audit_bp, me_bp,
               unions_bp, admin_bp, check_bp):
        app.register_blueprint(bp)

    from .pay.views import bp as pay_bp

    app.register_blueprint(pay_bp)

    from .imports.views import bp as imports_bp

    app.register_blueprint(imports_bp)

    from .harmonisation.views import bp as harmonisation_bp

    app.register_blueprint(harmonisation_bp)

    from .cases.views import bp as cases_bp
    from .eli.views import bp as eli_bp

    app.register_blueprint(cases_bp)
    app.register_blueprint(eli_bp)

    from .jobs.views import bp as jobs_bp

    app.register_blueprint(jobs_bp)
    from .letters.views import bp as letters_bp
    from .letters.views import my_bp as my_letters_bp

    app.register_blueprint(letters_bp)
    app.register_blueprint(my_letters_bp)

    from .protection.views import bp as protection_bp
    from .protection.views import my_bp as my_protection_bp

    app.register_blueprint(protection_bp)
    app.register_blueprint(my_protection_bp)

    from .privacy.views import bp as privacy_bp  # data protection; also logs record views

    app.register_blueprint(privacy_bp)

    from .restructures.views import bp as restructures_bp

    app.register_blueprint(restructures_bp)

    from .account.views import bp as account_bp  # change your password

    app.register_blueprint(account_bp)

    from .rules.views import bp as rules_bp  # rules held as data: new dated values and versions

    app.register_blueprint(rules_bp)

    from .mail.views import bp as mail_bp  # the outbox

    app.register_blueprint(mail_bp)

    # Job evaluation: scheme and conventions, appeals, where the councils part, import/export.
    from .appeals.views import bp as appeals_bp
    from .evaluation_io.views import bp as evaluation_io_bp
    from .jes.views import bp as jes_bp
    from .parting.views import bp as parting_bp

    for bp in (jes_bp, appeals_bp, parting_bp, evaluation_io_bp):
        app.register_blueprint(bp)

    from ..formatting import register_filters

    register_filters(app)

    app.add_template_global(has, "has_permission")

    @app.context_processor
    def navigation() -> dict[str, Any]:
        if not current_user.is_authenticated or getattr(current_user, "must_change_password", False):
            return {"nav_items": []}  # a temporary password must be changed before anything else
        items: list[NavItem] = [{"text": label, "href": url_for(endpoint), "active": False}
                 for permission, label, endpoint in NAVIGATION if has(permission)]
        # One item is current: the one whose address is the longest start of this page's
        # ("/union/letters/3" is under Letters, not also under the overview at "/union/").
        matching = [i for i in items if request.path == i["href"] or (
            i["href"] != "/me/" and request.path.startswith(i["href"]))]
        if matching:
            max(matching, key=lambda i: len(i["href"]))["active"] = True
        return {"nav_items": items}
