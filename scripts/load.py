#!/usr/bin/env python3
"""`make load`: hrtool under gunicorn on loopback with simulated users, bounded and self-stopping.

    .venv/bin/python scripts/load.py                      # SQLite, a fresh demo in a temp dir
    .venv/bin/python scripts/load.py --postgres           # a throwaway PostgreSQL (scripts/pg-test-server)
    DATABASE_URL=postgresql+psycopg://... scripts/load.py # a database you give (demo added if it has no one)

What it does:
1. builds the database: migrations, reference data, a demo workforce (--employees, default 3,000)
   and one login per simulated user (load-hr-NN, load-employee-NN, load-rep-NN @load.invalid, each
   with a random password made for this run and never printed);
2. starts gunicorn on 127.0.0.1 (a free port) with --workers (4) and --threads, and --job-workers (2)
   `hrtool worker` processes on a SQLite queue in the run's folder (--redis: a throwaway
   redis-server, as in production);
3. runs --users simulated users (default 50: 15 HR officers, 25 employees, 10 union reps) for
   --seconds (default 60), arriving over the first --ramp seconds (default 10). Each signs in
   once with its own login, then loops: HR browse and search
   the employee list, open employees, open the dashboard and change a person's phone number
   (through the real form, with its CSRF token and version); employees open their record, terms,
   letters and pay protection; reps open the union overview, transfers and letters. Each user
   waits --think seconds (a random time in that range) between pages, as a person reading would.
   Meanwhile one more HR officer, through the same pages, uploads an export of the whole workforce
   with every phone number changed (--import-rows, default 100,000: the workforce is built that big),
   waits for the check, confirms the import, and issues a batch of transfer notices to the planned
   transfer with the smallest cohort of at least --letters (500) people; the users keep going until
   both jobs have finished (at least --seconds), and the jobs must end "done";
4. stops gunicorn (and the PostgreSQL server it started) and prints, per kind of request, how
   many, errors, p50, p95 and the slowest; writes the figures to artifacts/load/<database>.json.

An error is any response other than the one expected (200 for pages, 302 after saving a form),
a timeout or a dropped connection. Two HR officers saving the same person at once is answered
409 with the form again (no lost update): counted as a conflict, not an error. Exit 0 if there
were no errors, 1 otherwise. A watchdog ends the run whatever happens.

Plain threads and the standard library's http.client, one keep-alive connection per user: no
load-testing framework to install for a bounded run like this one.
"""
from __future__ import annotations

import argparse
import html.parser
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from http.client import HTTPConnection, HTTPException, RemoteDisconnected
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


# -- the database ---------------------------------------------------------------------------------

def build_database(url: str, employees: int, users: dict[str, int], work: Path, import_rows: int,
                   letter_count: int) -> dict[str, Any]:
    """Migrate, load reference and demo data if the database holds no one, and make the load
    users. Returns the logins per role and the ids the simulated users pick from."""
    os.environ["DATABASE_URL"] = url
    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade
    from sqlalchemy import select

    from hrtool import create_app
    from hrtool.extensions import db
    from hrtool.models import Employee, Employment, Letter, TradeUnion, User
    from hrtool.services.accounts.accounts import create_user
    from hrtool.services.demo.workforce import generate
    from hrtool.services.rules.reference_data import load_reference_data

    app = create_app()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_reference_data()
        if db.session.scalar(select(Employee.id).limit(1)) is None:
            started = time.monotonic()
            generate(employees, 1)
            print(f"load: demo workforce of {employees:,} made in {time.monotonic() - started:.0f} s", file=sys.stderr)
        db.session.commit()
        current = list(db.session.scalars(select(Employee.id).join(Employment).where(Employment.end_date.is_(None))
                                          .order_by(Employee.id).distinct()))
        linked = set(db.session.scalars(select(User.employee_id).where(User.employee_id.is_not(None))))
        unions = list(db.session.scalars(select(TradeUnion.id).order_by(TradeUnion.id)))
        logins: dict[str, list] = {"hr": [], "employee": [], "union_rep": []}
        free = [e for e in current if e not in linked]
        for role, count in users.items():
            for n in range(1, count + 1):
                username = f"load-{role.replace('_', '-')}-{n:02d}@load.invalid"
                password = secrets.token_urlsafe(18)
                user = db.session.scalar(select(User).where(User.username == username))
                if user is None:
                    employee_id = free.pop(0) if role == "employee" else None
                    union_id = unions[n % len(unions)] if role == "union_rep" else None
                    user = create_user(username, f"Load test {role} {n}", password, role,
                                       employee_id=employee_id, union_id=union_id)
                else:
                    from hrtool.services.accounts.accounts import hash_password

                    user.password_hash = hash_password(password)
                    user.active = True
                logins[role].append((username, password))
        db.session.commit()
        letters = list(db.session.scalars(select(Letter.id).where(Letter.union_id.is_not(None))))
        dialect = db.engine.dialect.name
        # HR officers edit the first 2,000 people employed; the payroll file holds everyone else.
        edited_ids = current[:2000]
        edited = set(db.session.scalars(select(Employee.person_number).where(Employee.id.in_(edited_ids))))
        background = {"import": prepare_import(work, import_rows, edited) if import_rows else None,
                      "edited": edited_ids,
                      "transfer": cohort_of(letter_count) if letter_count else None}
        db.engine.dispose()
    return {"logins": logins, "employees": current, "letters": letters, "dialect": dialect, **background}


def prepare_import(work: Path, rows: int, edited: set[str]) -> Path:
    """The workforce's own export (the import's format), every phone number changed: an HR
    officer's tidied payroll file, so the import checks and writes every row. The people the
    simulated HR officers edit meanwhile (`edited`, by person number) are left out of it: an
    import that meets a record changed under it keeps nothing and says so (no lost update), which
    is right, but this run measures the import finishing."""
    import csv
    import io

    from hrtool.services.people.employee_io import export_employees

    buffer = io.BytesIO()
    export_employees(buffer, "csv")
    reader = csv.DictReader(io.StringIO(buffer.getvalue().decode("utf-8-sig")))
    path = work / "payroll.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=reader.fieldnames or [])
        writer.writeheader()
        for n, row in enumerate(reader):
            if n >= rows:
                break
            if row.get("person_number") in edited:
                continue
            row["phone"] = f"01543 {n % 1_000_000:06d}"
            writer.writerow(row)
    return path


def cohort_of(size: int) -> tuple[int, int] | None:
    """The planned transfer with the smallest cohort of at least `size` people yet to get their
    transfer notice (the largest if none is that big), and its cohort: (id, people)."""
    from datetime import date

    from sqlalchemy import select

    from hrtool.errors import DomainError
    from hrtool.extensions import db
    from hrtool.models import Transfer
    from hrtool.services.letters import letter_jobs

    sizes = []
    for transfer_id in db.session.scalars(select(Transfer.id).where(Transfer.status == "planned")):
        try:
            letter_jobs.check_batch("transfer_notice", "transfer", transfer_id, date.today())
        except DomainError:
            continue
        sizes.append((len(letter_jobs.plan("transfer_notice", "transfer", transfer_id, date.today()).to_send),
                      transfer_id))
    if not sizes:
        return None
    big = sorted(x for x in sizes if x[0] >= size)
    people, transfer_id = big[0] if big else max(sizes)
    return transfer_id, people


# -- the server -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(url: str, port: int, workers: int, threads: int, instance: Path, env: dict[str, str]
                   ) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
         "--worker-class", "gthread", "--timeout", "60", "--keep-alive", "75", "--log-level", "warning", "hrtool:create_app()"],
        cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"load: gunicorn exited with {process.returncode}")
        try:
            conn = HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    stop(process)
    raise SystemExit("load: gunicorn did not answer within 60 s")


def start_job_workers(count: int, env: dict[str, str], work: Path) -> list[subprocess.Popen]:
    """`hrtool worker` processes: the first also runs the schedule."""
    started = []
    for n in range(count):
        with (work / f"worker-{n}.log").open("wb") as log:
            started.append(subprocess.Popen([str(BIN / "hrtool"), "worker", "--threads", "1",
                                             *([] if n == 0 else ["--no-schedule"])],
                                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True))
    return started


def start_redis(work: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(work)], stdout=subprocess.DEVNULL,
                               start_new_session=True)
    time.sleep(0.5)
    return process, f"redis://127.0.0.1:{port}/0"


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# -- a simulated user -----------------------------------------------------------------------------

class FormParser(html.parser.HTMLParser):
    """The values a browser would send for each form with method=post on a page (the page's own
    form, and the header's sign-out form)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[list[str]]] = []  # each form's [name, value] pairs, in order
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def form_with(self, field: str) -> list[list[str]]:
        """The form holding `field`, as [name, value] pairs: a date is three boxes of one name."""
        return next((f for f in self.forms if any(name == field for name, _ in f)), [])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._in_form = True
            self.forms.append([])
        if not self._in_form:
            return
        fields = self.forms[-1]
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "checkbox", "radio"):
            fields.append([a["name"], a.get("value", "")])
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            fields.append([self._select, a.get("value", "")])
        elif tag == "textarea":
            self._textarea = a.get("name")
            fields.append([self._textarea or "", ""])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self._in_form:
            self.forms[-1][-1][1] += data


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


class User:
    def __init__(self, port: int, role: str, username: str, password: str, data: dict, stats: Stats,
                 think: tuple[float, float], rng: random.Random):
        self.port, self.role, self.username, self.password = port, role, username, password
        self.data, self.stats, self.think, self.rng = data, stats, think, rng
        self.cookies: dict[str, str] = {}
        self.ramp = 0.0
        self.reused = False  # the connection has already served a response
        self.last_location = ""
        self.conn = HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, kind: str, method: str, path: str, body: dict | list | None = None,
                expect: tuple[int, ...] = (200,), conflict: int | None = None) -> str | None:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        payload = None
        if body is not None:
            payload = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic()
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=payload, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (OSError, ValueError, HTTPException) as error:
                self.conn.close()
                self.conn = HTTPConnection("127.0.0.1", self.port, timeout=30)
                # A kept-alive connection the server closed just as we reused it: a browser sends
                # a GET again on a new connection, and so do we, once. Anything else is an error.
                stale = isinstance(error, (ConnectionResetError, BrokenPipeError, RemoteDisconnected))
                if attempt == 1 and stale and self.reused and method == "GET":
                    self.reused = False
                    started = time.monotonic()
                    continue
                self.stats.add(kind, time.monotonic() - started, error=f"{type(error).__name__}: {error}")
                self.reused = False
                return None
        self.reused = True
        elapsed = time.monotonic() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        location = response.getheader("Location") or ""
        self.last_location = location
        if response.status == conflict:
            self.stats.add(kind, elapsed, conflict=True)
        elif response.status not in expect or "/login" in location:
            problem = re.search(r'govuk-error-summary__list">(.*?)</ul>', text, re.DOTALL)
            detail = re.sub(r"<[^>]+>|\s+", " ", problem.group(1)).strip() if problem else location
            self.stats.add(kind, elapsed, error=f"{method} {path}: {response.status} {detail}")
            return None
        else:
            self.stats.add(kind, elapsed)
        return text

    def sign_in(self) -> bool:
        page = self.request("sign in", "GET", "/login")
        token = _csrf(page)
        return self.request("sign in", "POST", "/login", {"csrf_token": token, "username": self.username,
                                                           "password": self.password}, expect=(302,)) is not None

    def step(self) -> None:
        getattr(self, f"_{self.role}")()

    def _hr(self) -> None:
        pick = self.rng.random()
        employees = self.data["employees"]
        if pick < 0.25:
            self.request("hr: employee list", "GET", f"/employees/?page={self.rng.randint(1, 20)}")
        elif pick < 0.40:
            q = self.rng.choice(["sm", "jo", "wil", "ta", "br", "ev", "mo", "pa"])
            self.request("hr: search", "GET", f"/employees/?q={q}")
        elif pick < 0.75:
            self.request("hr: employee page", "GET", f"/employees/{self.rng.choice(employees)}")
        elif pick < 0.85:
            self.request("hr: dashboard", "GET", "/hr/")
        else:
            person = self.rng.choice(self.data.get("edited") or employees)
            page = self.request("hr: edit form", "GET", f"/employees/{person}/details")
            if page is None:
                return
            parser = FormParser()
            parser.feed(page)
            new = {"phone": f"01785 {self.rng.randint(100000, 999999)}", "reason": "Load test: phone number changed"}
            fields = [(name, new.get(name, value)) for name, value in parser.form_with("version")]
            self.request("hr: save edit", "POST", f"/employees/{person}/details", fields, expect=(302,), conflict=409)

    def _employee(self) -> None:
        path, kind = self.rng.choice([("/me/", "employee: my record"), ("/me/terms", "employee: my terms"),
                                      ("/me/letters/", "employee: my letters"),
                                      ("/me/protection/", "employee: my pay protection"),
                                      ("/me/data", "employee: my data page")])
        self.request(kind, "GET", path)

    def _union_rep(self) -> None:
        pick = self.rng.random()
        if pick < 0.35:
            self.request("rep: overview", "GET", "/union/")
        elif pick < 0.55:
            self.request("rep: transfers", "GET", "/union/transfers")
        elif pick < 0.80:
            self.request("rep: letters", "GET", "/union/letters")
        else:
            self.request("rep: consultations", "GET", "/union/consultations")


class Background(User):
    """One more HR officer doing the long work, through the pages, while the others browse: the
    import (upload, wait for the check, confirm, wait for the import) and a batch of letters."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.outcomes: dict[str, dict[str, Any]] = {}
        self.finished = threading.Event()

    def multipart(self, kind: str, path: str, fields: list[tuple[str, str]], file: Path) -> str | None:
        boundary = secrets.token_hex(16)
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                 for name, value in fields]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file.name}"\r\n'
                     f"Content-Type: text/csv\r\n\r\n".encode() + file.read_bytes() + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                   "Content-Type": f"multipart/form-data; boundary={boundary}"}
        started = time.monotonic()
        try:
            self.conn.request("POST", path, body=body, headers=headers)
            response = self.conn.getresponse()
            response.read()
        except (OSError, HTTPException) as error:
            self.stats.add(kind, time.monotonic() - started, error=f"{type(error).__name__}: {error}")
            return None
        location = response.getheader("Location") or ""
        ok = response.status == 302 and "/login" not in location
        self.stats.add(kind, time.monotonic() - started, error=None if ok else f"POST {path}: {response.status}")
        return location if ok else None

    def wait(self, name: str, status_url: str, began: float) -> dict[str, Any] | None:
        """Poll the job's status (as its page does) until it has finished."""
        while True:
            text = self.request(f"background: {name} status", "GET", status_url)
            if text is None:
                return None
            job = json.loads(text)
            if job["status"] in ("done", "failed"):
                job["seconds"] = round(time.monotonic() - began, 1)
                self.outcomes[name] = job
                return job
            time.sleep(1)

    def work(self, payroll: Path | None, transfer: tuple[int, int] | None) -> None:
        try:
            if transfer:
                self.letters(*transfer)
            if payroll:
                self.imports(payroll)
        finally:
            self.finished.set()

    def letters(self, transfer_id: int, people: int) -> None:
        path = f"/letters/batch/transfer/{transfer_id}"
        page = self.request("background: letter batch form", "GET", f"{path}?letter_type=transfer_notice")
        began = time.monotonic()
        if self.request("background: start letter batch", "POST", path,
                        {"csrf_token": _csrf(page), "letter_type": "transfer_notice"}, expect=(302,)) is None:
            return
        job_id = self.last_location.rsplit("/", 1)[1]
        job = self.wait("letter batch", f"/letters/jobs/{job_id}/status", began)
        if job:
            job["people"] = people

    def imports(self, payroll: Path) -> None:
        page = self.request("background: import form", "GET", "/imports/")
        began = time.monotonic()
        location = self.multipart("background: upload", "/imports/", [("csrf_token", _csrf(page))], payroll)
        if not location:
            return
        job_id = location.rsplit("/", 1)[1]
        checked = self.wait("import check", f"/jobs/{job_id}/status", began)
        if not checked or checked["status"] != "done":
            return
        page = self.request("background: import preview", "GET", f"/imports/check/{job_id}")
        parser = FormParser()
        parser.feed(page or "")
        fields = [(name, value) for name, value in parser.form_with("token")]
        began = time.monotonic()
        if self.request("background: confirm import", "POST", "/imports/confirm", fields, expect=(302,)) is None:
            return
        self.wait("import", f"/jobs/{self.last_location.rsplit('/', 1)[1]}/status", began)


def _csrf(page: str | None) -> str:
    match = CSRF.search(page or "")
    return (match.group(1) or match.group(2)) if match else ""


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.conflicts: dict[str, int] = defaultdict(int)

    def add(self, kind: str, seconds: float, error: str | None = None, conflict: bool = False) -> None:
        with self.lock:
            self.times[kind].append(seconds)
            if error:
                self.errors[kind].append(error)
            if conflict:
                self.conflicts[kind] += 1

    def report(self) -> list[dict]:
        rows = []
        for kind in sorted(self.times):
            times = sorted(self.times[kind])
            rows.append({"kind": kind, "requests": len(times), "errors": len(self.errors[kind]),
                         "conflicts": self.conflicts[kind], "p50_ms": round(_pct(times, 50) * 1000),
                         "p95_ms": round(_pct(times, 95) * 1000), "max_ms": round(times[-1] * 1000)})
        return rows


def _pct(values: list[float], p: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def run_users(port: int, data: dict, seconds: float, think: tuple[float, float], seed: int, ramp: float
              ) -> tuple[Stats, Background | None]:
    stats = Stats()
    deadline = Deadline(time.monotonic() + seconds)
    threads = []
    background = None
    if data.get("background_login") and (data.get("import") or data.get("transfer")):
        username, password = data["background_login"]
        background = Background(port, "hr", username, password, data, stats, think, random.Random(seed))
        deadline.waits_for = background.finished

        def long_work() -> None:
            time.sleep(5)  # once the users are arriving
            try:
                if background.sign_in():
                    background.work(data.get("import"), data.get("transfer"))
            except Exception as error:  # a fault of this script: say so, and let the run end
                stats.add("background: script", 0.0, error=f"{type(error).__name__}: {error}")
            finally:
                background.finished.set()

        threads.append(threading.Thread(target=long_work, daemon=True))
    for role, logins in data["logins"].items():
        for n, (username, password) in enumerate(logins):
            user = User(port, role, username, password, data, stats, think, random.Random(f"{seed}-{role}-{n}"))
            user.ramp = ramp
            threads.append(threading.Thread(target=_loop, args=(user, deadline), daemon=True))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 1200)
    return stats, background


class Deadline:
    """When the users stop: after the run's seconds, and not before the long work has finished."""

    def __init__(self, at: float):
        self.at = at
        self.waits_for: threading.Event | None = None

    def passed(self) -> bool:
        return time.monotonic() >= self.at and (self.waits_for is None or self.waits_for.is_set())


def _loop(user: User, deadline: Deadline) -> None:
    time.sleep(user.rng.uniform(0, user.ramp))  # people arrive over the first seconds, not all at once
    if not user.sign_in():
        return
    while not deadline.passed():
        user.step()
        time.sleep(user.rng.uniform(*user.think))
    user.conn.close()


# -- main -----------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--employees", type=int, default=None,
                        help="the demo workforce (default 3,000, or --import-rows if more)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--job-workers", type=int, default=2)
    parser.add_argument("--import-rows", type=int, default=100_000, help="0: no import during the run")
    parser.add_argument("--letters", type=int, default=500, help="0: no letter batch during the run")
    parser.add_argument("--think", default="0.5-1.5", help="seconds between a user's pages, as MIN-MAX")
    parser.add_argument("--postgres", action="store_true", help="run on a throwaway PostgreSQL server")
    parser.add_argument("--redis", action="store_true", help="the job queue on a throwaway redis-server")
    parser.add_argument("--ramp", type=float, default=10, help="users arrive over this many seconds")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    think = tuple(float(x) for x in args.think.split("-", 1))
    hr = max(1, round(args.users * 0.3))
    reps = max(1, round(args.users * 0.2))
    users = {"hr": hr, "employee": args.users - hr - reps, "union_rep": reps}
    employees = args.employees or max(3000, args.import_rows)
    long_work = bool(args.import_rows or args.letters)

    # Whatever happens, stop: the run, the server and the database server it started.
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(SystemExit("load: watchdog: run took too long")))
    signal.alarm(int(args.seconds) + 3600)

    work = Path(tempfile.mkdtemp(prefix="hrtool-load-"))
    pg_started = False
    server = None
    job_workers: list[subprocess.Popen] = []
    redis_server = None
    background = None
    try:
        url = os.environ.get("DATABASE_URL", "")
        if args.postgres:
            result = subprocess.run(["bash", str(ROOT / "scripts/pg-test-server"), "start"], capture_output=True,
                                    text=True, cwd=ROOT, check=False)
            if result.returncode != 0:
                print(result.stderr, file=sys.stderr)
                return 1
            pg_started, url = True, result.stdout.strip().splitlines()[-1]
        if not url:
            url = f"sqlite:///{work / 'load.sqlite3'}"
        queue_url = f"sqlite:///{work / 'queue.sqlite3'}"
        if args.redis:
            redis_server, queue_url = start_redis(work)
        os.environ["HRTOOL_INSTANCE_PATH"] = str(work / "instance")
        os.environ["HRTOOL_QUEUE_URL"] = queue_url
        started = time.monotonic()
        data = build_database(url, employees, {**users, "hr": users["hr"] + (1 if long_work else 0)}, work,
                              args.import_rows, args.letters)
        if long_work:
            data["background_login"] = data["logins"]["hr"].pop()
        print(f"load: database ready ({data['dialect']}, {len(data['employees']):,} employed) in "
              f"{time.monotonic() - started:.0f} s", file=sys.stderr)
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32),
               "HRTOOL_INSTANCE_PATH": str(work / "instance"), "HRTOOL_QUEUE_URL": queue_url,
               "HRTOOL_JOBS_IMMEDIATE": "0"}
        port = free_port()
        server = start_gunicorn(url, port, args.workers, args.threads, work / "instance", env)
        job_workers = start_job_workers(args.job_workers, env, work)
        print(f"load: {args.users} users ({users['hr']} HR, {users['employee']} employees, {users['union_rep']} reps) "
              f"for {args.seconds:.0f} s against gunicorn ({args.workers} workers x {args.threads} threads) "
              f"on 127.0.0.1:{port}, {args.job_workers} job workers on a {'Redis' if args.redis else 'SQLite'} queue",
              file=sys.stderr)
        if long_work:
            print(f"load: meanwhile an import of {args.import_rows:,} rows and a batch of "
                  f"{data['transfer'][1] if data.get('transfer') else 0:,} letters", file=sys.stderr)
        began = time.monotonic()
        load_before = os.getloadavg()[0]
        stats, background = run_users(port, data, args.seconds, think, args.seed, args.ramp)
        elapsed = time.monotonic() - began
    finally:
        for process in job_workers:
            stop(process)
        if server is not None:
            stop(server)
        if redis_server is not None:
            stop(redis_server)
        if pg_started:
            subprocess.run(["bash", str(ROOT / "scripts/pg-test-server"), "stop"], capture_output=True, cwd=ROOT, check=False)
        signal.alarm(0)

    rows = stats.report()
    total = sum(r["requests"] for r in rows)
    errors = sum(r["errors"] for r in rows)
    all_times = sorted(t for times in stats.times.values() for t in times)
    print(f"\n{'kind':<30} {'requests':>8} {'errors':>6} {'conflicts':>9} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}")
    for r in rows:
        print(f"{r['kind']:<30} {r['requests']:>8} {r['errors']:>6} {r['conflicts']:>9} {r['p50_ms']:>7} "
              f"{r['p95_ms']:>7} {r['max_ms']:>7}")
    overall = {"requests": total, "errors": errors, "p50_ms": round(_pct(all_times, 50) * 1000) if all_times else 0,
               "p95_ms": round(_pct(all_times, 95) * 1000) if all_times else 0,
               "per_second": round(total / elapsed, 1)}
    print(f"{'all':<30} {total:>8} {errors:>6} {'':>9} {overall['p50_ms']:>7} {overall['p95_ms']:>7}")
    print(f"\n{total:,} requests in {elapsed:.0f} s ({overall['per_second']} a second), {errors} errors; "
          f"machine load average {load_before:.1f} on {os.cpu_count()} CPUs when the run began")
    for kind, messages in stats.errors.items():
        for message in messages[:5]:
            print(f"  error ({kind}): {message}")
    outcomes = background.outcomes if background else {}
    for name, job in outcomes.items():
        print(f"  {name}: {job['status']} in {job['seconds']} s" + (f" ({job['people']} letters)" if "people" in job else "")
              + (f": {job.get('outcome') or job.get('error') or ''}"[:200] if job.get("outcome") or job.get("error") else ""))
    wanted = (["import check", "import"] if args.import_rows else []) + (["letter batch"] if args.letters else [])
    unfinished = [name for name in wanted if outcomes.get(name, {}).get("status") != "done"]
    if unfinished:
        print(f"  long work not done: {', '.join(unfinished)}")
    out = ROOT / "artifacts" / "load"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{data['dialect']}.json").write_text(json.dumps({
        "database": data["dialect"], "users": users, "seconds": args.seconds, "think": args.think,
        "employees": len(data["employees"]), "workers": args.workers, "threads": args.threads,
        "ramp": args.ramp, "load_average_before": round(load_before, 1), "cpus": os.cpu_count(),
        "job_workers": args.job_workers, "queue": "redis" if args.redis else "sqlite", "long_work": outcomes,
        "overall": overall, "kinds": rows}, indent=2))
    return 0 if errors == 0 and total and not unfinished else 1


if __name__ == "__main__":
    sys.exit(main())
