"""The establishment: posts apart from the people in them."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ...errors import DomainError, StaleRecord
from ...extensions import db
from ...models import Post
from ...permissions import requires
from ...services.pay import post_grades
from ...services.people import councils, posts
from ...services.platform import audit
from ..fields import id_from_query
from ..form_errors import show_domain_error
from ..paging import paginate
from .forms import PostForm

bp = Blueprint("posts", __name__, url_prefix="/posts")


@bp.get("/", endpoint="posts")
@requires("employees.view_all")
def list_posts() -> Any:
    args: dict[str, Any] = {k: request.args.get(k, "").strip()[:100] for k in ("q", "council", "service", "vacant", "closed")}
    service_id = id_from_query("service")
    query = posts.search(args["q"], args["council"], service_id, args["vacant"] == "1", args["closed"] == "1")
    page = paginate(query, "posts.posts", rows=True, **args)
    return render_template(
        "posts/list.html", page=page, args=args,
        councils=councils.council_names(), services=councils.service_names())


@bp.get("/<int:post_id>")
@requires("employees.view_all")
def post(post_id: int) -> Any:
    record = db.get_or_404(Post, post_id)
    holders = posts.holders_over_time(post_id)
    today = date.today()
    current = [h for h in holders if h.effective_from <= today and (h.effective_to is None or h.effective_to >= today)]
    trail = audit.post_trail(post_id, limit=20)
    return render_template("posts/post.html", post=record, holders=holders, current=current,
                           fte_held=posts.fte_held(holders, today), trail=trail, today=today,
                           grade=post_grades.status(post_id, today))


def _form(record: Post | None) -> PostForm:
    form = PostForm(obj=record if request.method == "GET" else None)
    form.council_id.choices = [(c.id, c.name) for c in councils.councils()]
    form.service_id.choices = [(s.id, s.name) for s in councils.shared_services()]
    if request.method == "GET" and record is not None:
        form.version.data = str(record.version)
    return form


def _values(form: PostForm) -> dict[str, Any]:
    return {"post_number": form.post_number.data.strip().upper(), "council_id": form.council_id.data,
            "service_id": form.service_id.data, "title": form.title.data.strip(), "tier": form.tier.data,
            "fte": form.fte.data, "je_score": form.je_score.data, "band_min": form.band_min.data,
            "band_max": form.band_max.data, "established_on": form.established_on.data,
            "closed_on": form.closed_on.data, "notes": (form.notes.data or "").strip()}


def _save(record: Post | None) -> Any:
    form = _form(record)
    if form.validate_on_submit():
        try:
            saved = posts.save_post(record, _values(form), form.reason.data,
                                    int(form.version.data) if record is not None and form.version.data else None)
        except DomainError as error:
            show_domain_error(form, error)
            status = 409 if isinstance(error, StaleRecord) else 400
            fresh = posts.post(record.id) if record is not None else None
            return render_template("posts/edit.html", form=form, post=fresh), status
        flash("Post saved.", "success")
        return redirect(url_for("posts.post", post_id=saved.id))
    return render_template("posts/edit.html", form=form, post=record)


@bp.route("/new", methods=["GET", "POST"])
@requires("posts.edit")
def create() -> Any:
    return _save(None)


@bp.route("/<int:post_id>/edit", methods=["GET", "POST"])
@requires("posts.edit")
def edit(post_id: int) -> Any:
    return _save(db.get_or_404(Post, post_id))
