"""Finding employees: the HR list's search, filters and sort, as one query that pages with
LIMIT/OFFSET and exports as it stands. Each person appears once, with their latest employment
that has started by the date, and that employment's latest assignment and terms in force."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Select, and_, case, exists, func, literal, or_, select, union, union_all
from sqlalchemy.orm import aliased

from ...models import Assignment, Council, Employee, Employment, Post, PostGrade, Service, TermsRecord
from .records import rule_value

# Names sort regardless of case ("de Souza" among the Ds, "Mcdonald" beside "McDonald"), the same
# on SQLite and PostgreSQL, through the index on (lower(last_name), lower(first_name), id) (0023).
LAST, FIRST = func.lower(Employee.last_name), func.lower(Employee.first_name)
SORTS: dict[str, Any] = {
    "name": (LAST, FIRST),
    "person_number": (Employee.person_number,),
    "employer": (Council.short_name, LAST, FIRST),
    "service": (Service.name, LAST, FIRST),
    "post": (Post.title, LAST, FIRST),
    "grade": (PostGrade.grade, LAST, FIRST),  # the grade on the date searched (joined below)
    "hours": (Assignment.hours_per_week, LAST, FIRST),
}
PERSON_NUMBER = re.compile(r"[a-z]{1,3}\d{3,}")
STATUSES = {"active": "Working here", "left": "Left", "all": "Everyone"}


@dataclass(frozen=True)
class EmployeeFilters:
    q: str = ""
    employer: str = ""  # council code
    service_id: int | None = None
    post: str = ""  # post number
    grade: str = ""
    terms: str = ""  # own / protected
    part_time: str = ""  # yes / no
    status: str = "active"
    sort: str = "name"
    descending: bool = False

    def as_params(self) -> dict[str, Any]:
        """The filters as query-string parameters, leaving out defaults."""
        params = {"q": self.q, "employer": self.employer, "service": self.service_id or "", "post": self.post,
                  "grade": self.grade, "terms": self.terms, "part_time": self.part_time,
                  "status": "" if self.status == "active" else self.status,
                  "sort": "" if self.sort == "name" else self.sort, "desc": "1" if self.descending else ""}
        return {k: v for k, v in params.items() if v}


_LATER = aliased(Employment, name="later_employment")  # one alias, built once (each is costly to make)


def _employment_of_interest(on: date, status: str) -> Any:
    """Each person's latest employment that has started by `on` (a later one would make this
    one history). Written as NOT EXISTS so the database walks indexes instead of sorting."""
    later = _LATER
    newest = ~exists().where(later.employee_id == Employment.employee_id, later.start_date > Employment.start_date,
                             later.start_date <= on)
    condition = and_(Employment.employee_id == Employee.id, Employment.start_date <= on, newest)
    if status == "active":
        condition = and_(condition, or_(Employment.end_date.is_(None), Employment.end_date >= on))
    elif status == "left":
        condition = and_(condition, Employment.end_date < on)
    return condition


def _in_force(model: Any, on: Any) -> Any:
    return and_(model.employment_id == Employment.id, model.effective_from <= on,
                or_(model.effective_to.is_(None), model.effective_to >= on))


def _starts(column: Any, prefix: str, *, in_order: bool = False) -> Any:
    """lower(column) starts with `prefix`: the range lets the index on lower(column) find the
    candidates, the LIKE (wildcards in the prefix escaped) keeps the match exact.

    PostgreSQL takes the range and the LIKE for two independent filters, so it expects few
    matches (about 20 of the 1,455 Smiths at 100,000 people): right for counting them (one index
    probe each), wrong for a page in order, where it then sorted every match instead of reading
    the first 50 in order. `in_order` wraps the LIKE in COALESCE, which it cannot estimate and
    counts as half the range: the page is then read in order and stops at its end."""
    key = func.lower(column)
    like = key.startswith(prefix, autoescape=True)
    return and_(key >= prefix, key < prefix + "\uffff", func.coalesce(like, False) if in_order else like)


def _matching(word: str) -> Any:
    """Ids of the people whose first or last name starts with `word`, or whose person number it is."""
    return union(select(Employee.id).where(_starts(Employee.last_name, word)),
                 select(Employee.id).where(_starts(Employee.first_name, word)),
                 select(Employee.id).where(Employee.person_number == word.upper()))


def _seen_on(on: date, status: str) -> Any:
    """The day a row is seen on: `on` for people still employed, a leaver's last day for leavers.
    Listing only people still employed, that is `on` itself, a constant the database can look up
    in an index (the terms in force on `on`), where a CASE on each employment is not."""
    if status == "active":
        return literal(on, Date)
    return case((Employment.end_date < on, Employment.end_date), else_=literal(on, Date))


def _sort(filters: EmployeeFilters) -> str:
    return filters.sort if filters.sort in SORTS else "name"


def keys(filters: EmployeeFilters, on: date, rows: int | None = None) -> Any:
    """The people the filters find, in the list's order: rows of (id, sort_0, sort_1, ...), sorted
    by the sort columns then id. A page takes LIMIT/OFFSET of this; it joins only the tables a
    filter or the sort needs (the rest of each row is joined for one page's people, `rows`).

    Sorted by name (the default), the database walks the index on the lower-cased names in
    order and stops at the page's last row instead of finding and sorting everyone who matches.
    `rows`, when given, is the most rows of it the caller will read (LIMIT and OFFSET included).
    A name search is three arms in that order, merged: the people whose last name starts with
    the first word (a range of the same index, already in order), those whose first name does
    (and not their last name: sorted, usually few), and a person number; each arm excludes the
    earlier ones, so UNION ALL holds each person once."""
    q = filters.q.strip().lower()
    words = [] if PERSON_NUMBER.fullmatch(q) else q.split()[:4]
    if not words:
        query = _narrowed(select(Employee.id).select_from(Employee), filters, on)
        if PERSON_NUMBER.fullmatch(q):
            # A person number is found through its unique index, not by scanning names.
            query = query.where(Employee.person_number == q.upper())
        if filters.post or filters.terms == "protected":
            # A few people at most (one post's holders, the ~1% on protected terms): found first
            # from that side, then sorted. Behind OFFSET 0 the database cannot walk the name
            # index hoping to meet the page's 50 soon: with none or a handful to find,
            # PostgreSQL read all 100,000 names that way (70 ms).
            few = _with_sort_columns(query, filters).offset(0).subquery("few")
            sort_columns = [c for c in few.c if c.name.startswith("sort_")]
            return select(few.c.id, *sort_columns).order_by(
                *(c.desc() if filters.descending else c for c in [*sort_columns, few.c.id]))
        return _ordered(query, filters)
    word = words[0]
    by_last = _starts(Employee.last_name, word, in_order=rows is not None)
    by_first = _starts(Employee.first_name, word, in_order=rows is not None)
    arms = [by_last, and_(by_first, ~by_last), and_(Employee.person_number == word.upper(), ~by_last, ~by_first)]
    selects = []
    for arm in arms:
        # Labelled, so the compound's ORDER BY can name every column (SQLite insists).
        query = select(Employee.id.label("id")).select_from(Employee).where(arm)
        for other in words[1:]:
            # Each further word must start the first or the last name too ("ann smi" finds Anne
            # Smith), or be a whole person number.
            query = query.where(Employee.id.in_(_matching(other).scalar_subquery()))
        query = _narrowed(query, filters, on)
        if rows is None:
            selects.append(_with_sort_columns(query, filters))
        else:
            # Each arm in order, stopping at the rows the caller reads (a page's end), so
            # PostgreSQL merges the arms (Merge Append) instead of sorting all their matches.
            selects.append(select(*_ordered(query, filters).limit(rows).subquery().c))
    # Ordered from outside the UNION ALL, which SQLite merges arm by arm, each read in order
    # from the name index.
    merged = union_all(*selects).subquery("arms")
    return select(*merged.c).order_by(*(c.desc() if filters.descending else c
                                        for c in [*list(merged.c)[1:], merged.c.id]))


def _with_sort_columns(query: Select[Any], filters: EmployeeFilters) -> Select[Any]:
    return query.add_columns(*(c.label(f"sort_{i}") for i, c in enumerate(SORTS[_sort(filters)])))


def _ordered(query: Select[Any], filters: EmployeeFilters) -> Select[Any]:
    order = [c.desc() if filters.descending else c for c in SORTS[_sort(filters)]]
    return _with_sort_columns(query, filters).order_by(*order, Employee.id.desc() if filters.descending
                                                       else Employee.id)


def _narrowed(query: Select[Any], filters: EmployeeFilters, on: date) -> Select[Any]:
    """`query` (from Employee) joined to what the filters and the sort need, and filtered."""
    seen_on = _seen_on(on, filters.status)
    sort = _sort(filters)
    by_post = bool(filters.service_id or filters.post or filters.grade)
    by_assignment = by_post or filters.part_time in ("yes", "no")
    by_terms = filters.terms in ("own", "protected")
    needs_post = by_post or sort in ("service", "post", "grade")
    needs_assignment = needs_post or by_assignment or sort == "hours"
    query = query.join(Employment, _employment_of_interest(on, filters.status))
    if filters.employer:
        query = query.where(Employment.employer_id == select(Council.id).where(Council.code == filters.employer)
                            .scalar_subquery())
    if sort == "employer":
        query = query.join(Council, Council.id == Employment.employer_id)
    if needs_assignment:
        # A filter on the post or the hours needs an assignment anyway (an inner join); a sort
        # on them alone keeps the people without one (at the end, as NULLs sort).
        query = query.join(Assignment, _in_force(Assignment, seen_on), isouter=not by_assignment)
    if needs_post:
        query = query.join(Post, Post.id == Assignment.post_id, isouter=not by_post)
    if sort == "service":
        query = query.outerjoin(Service, Service.id == Post.service_id)
    if by_terms:
        # The basis written into the statement, not bound: SQLite then uses the partial index of
        # protected terms (a few percent of all terms) and starts there (0023).
        query = query.join(TermsRecord, _in_force(TermsRecord, seen_on)).where(
            TermsRecord.basis == literal(filters.terms, literal_execute=True))
    if filters.service_id:
        query = query.where(Post.service_id == filters.service_id)
    if filters.post:
        query = query.where(Post.post_number == filters.post.strip().upper())
    if filters.grade or sort == "grade":
        # The post's grade on the day the row is seen (dated, services/pay/post_grades.py).
        query = query.join(PostGrade, and_(PostGrade.post_id == Post.id, PostGrade.effective_from <= seen_on,
                                           or_(PostGrade.effective_to.is_(None), PostGrade.effective_to >= seen_on)),
                           isouter=not filters.grade)
    if filters.grade:
        query = query.where(PostGrade.grade == filters.grade)
    if filters.part_time in ("yes", "no"):
        # A number: compared as the setting's text, PostgreSQL refused the page (numeric < varchar).
        full_time = Decimal(rule_value("full_time_hours", on))
        query = query.where(Assignment.hours_per_week < full_time if filters.part_time == "yes"
                            else Assignment.hours_per_week >= full_time)
    return query


def _joined(query: Select[*tuple[Any, ...]], on: date, status: str, found: Any = None) -> Select[*tuple[Any, ...]]:
    """`query` over the employment of interest, and the assignment and terms in force on the day
    it is seen; from the people of `found` (a subquery of `keys`) when given."""
    seen_on = _seen_on(on, status)
    query = (query.select_from(found).join(Employee, Employee.id == found.c.id) if found is not None
             else query.select_from(Employee))
    return (
        query
        .join(Employment, _employment_of_interest(on, status))
        .join(Council, Council.id == Employment.employer_id)
        .outerjoin(Assignment, _in_force(Assignment, seen_on))
        .outerjoin(Post, Post.id == Assignment.post_id)
        .outerjoin(Service, Service.id == Post.service_id)
        .outerjoin(TermsRecord, _in_force(TermsRecord, seen_on))
    )


def rows(ids: list[int], filters: EmployeeFilters, on: date) -> list[Any]:
    """What the list shows of the people `ids` (one page of `keys`), in the order of `ids`: the
    columns it shows (id, names, person number, end_date, employer, service, post_title, grade,
    chief_officer, hours, terms), not whole records, so a page of 50 costs little more than one
    of 5. `grade` is the post's grade today, as on the post's page."""
    from ...extensions import db

    # Asked even for no one (an empty IN is false): a page makes the same queries whatever it holds.
    query = _joined(select(Employee.id, Employee.first_name, Employee.last_name, Employee.person_number,
                           Employment.end_date, Council.short_name.label("employer"),
                           Service.name.label("service"), Post.id.label("post_id"),
                           Post.title.label("post_title"), Post.grade.label("grade"),
                           Post.band_min.is_not(None).label("chief_officer"),
                           Assignment.hours_per_week.label("hours"), TermsRecord.basis.label("terms")),
                    on, filters.status).where(Employee.id.in_(ids))
    found = {row.id: row for row in db.session.execute(query)}
    return [found[i] for i in ids if i in found]


def search(filters: EmployeeFilters, on: date) -> Select[*tuple[Any, ...]]:
    """Rows of (Employee, Employment, Assignment, Post, Service, Council, TermsRecord) matching the
    filters, sorted (the people of `keys`, each row whole). For people still employed, the
    assignment and terms in force on `on`; for leavers, those in force on their last day. The
    list page reads `keys` a page at a time and then `rows`; this whole query serves callers
    that want every row at once."""
    found = keys(filters, on).order_by(None).subquery("found")
    sort_columns = [c for c in found.c if c.name.startswith("sort_")]
    order = [c.desc() if filters.descending else c for c in [*sort_columns, Employee.id]]  # as `keys`
    return _joined(select(Employee, Employment, Assignment, Post, Service, Council, TermsRecord), on,
                   filters.status, found).order_by(*order)


def person_ids(filters: EmployeeFilters, on: date) -> Select[Any]:
    """Just the ids of the people the filters find (for export)."""
    found = keys(filters, on).order_by(None).subquery("found")
    return select(found.c.id)


def _distinct_grades() -> Select[Any]:
    """The grades posts hold, in order: one step of the grade index per grade (the next grade
    after the last one found), where SELECT DISTINCT reads every post's grades. PostgreSQL did
    that with a scan of the whole table (30-50 ms at 100,000 posts); a recursive query is the
    same few index lookups on both databases."""
    grades = select(func.min(PostGrade.grade).label("grade")).where(PostGrade.grade.is_not(None)).cte(
        "grades", recursive=True)
    after = aliased(PostGrade)
    following = select(select(func.min(after.grade)).where(after.grade > grades.c.grade).scalar_subquery()) \
        .where(grades.c.grade.is_not(None))
    grades = grades.union_all(following)
    return select(grades.c.grade).where(grades.c.grade.is_not(None)).order_by(grades.c.grade)


def filter_choices() -> dict[str, Any]:
    """Values for the filter drop-downs."""
    from ...extensions import db

    return {
        "employers": db.session.execute(select(Council.code, Council.short_name).order_by(Council.code)).all(),
        "services": db.session.execute(select(Service.id, Service.name).order_by(Service.name)).all(),
        "grades": list(db.session.scalars(_distinct_grades())),
    }


