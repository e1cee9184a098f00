#!/usr/bin/env python3
"""`make load`: hrtool under gunicorn on loopback with simulated users, bounded and self-stopping.

    .venv/bin/python scripts/load.py                      # SQLite, a fresh demo in a temp dir
    .venv/bin/python scripts/load.py --postgres           # a throwaway PostgreSQL (scripts/pg-test-server)
    DATABASE_URL=postgresql+psycopg://... scripts/load.py # a database you give (demo added if it has no one)

What it does:
1. builds the database: migrations, reference data, a demo workforce (--employees, default 3,000)
   and one login per simulated user (load-hr-NN, load-employee-NN, load-rep-NN @load.invalid, each
   with a random password made for this run and never printed);
2. starts gunicorn on 127.0.0.1 (a free port) with --workers and --threads;
3. runs --users simulated users (default 50: 15 HR officers, 25 employees, 10 union reps) for
   --seconds (default 60), arriving over the first --ramp seconds (default 10). Each signs in
   once with its own login, then loops: HR browse and search
   the employee list, open employees, open the dashboard and change a person's phone number
   (through the real form, with its CSRF token and version); employees open their record, terms,
   letters and pay protection; reps open the union overview, transfers and letters. Each user
   waits --think seconds (a random time in that range) between pages, as a person reading would;
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
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


# -- the database ---------------------------------------------------------------------------------

def build_database(url: str, employees: int, users: dict[str, int]) -> dict[str, list]:
    """Migrate, load reference and demo data if the database holds no one, and make the load
    users. Returns the logins per role and the ids the simulated users pick from."""
    os.environ["DATABASE_URL"] = url
    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade
    from sqlalchemy import select

    from hrtool import create_app
    from hrtool.extensions import db
    from hrtool.models import Employee, Employment, Letter, TradeUnion, User
    from hrtool.services.accounts import create_user
    from hrtool.services.demo_data import generate
    from hrtool.services.reference_data import load_reference_data

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
                    from hrtool.services.accounts import hash_password

                    user.password_hash = hash_password(password)
                    user.active = True
                logins[role].append((username, password))
        db.session.commit()
        letters = list(db.session.scalars(select(Letter.id).where(Letter.union_id.is_not(None))))
        dialect = db.engine.dialect.name
        db.engine.dispose()
    return {"logins": logins, "employees": current, "letters": letters, "dialect": dialect}


# -- the server -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(url: str, port: int, workers: int, threads: int, instance: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32),
           "HRTOOL_INSTANCE_PATH": str(instance)}
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
        self.conn = HTTPConnection("127.0.0.1", port, timeout=30)

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
            person = self.rng.choice(employees)
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


def run_users(port: int, data: dict, seconds: float, think: tuple[float, float], seed: int, ramp: float) -> Stats:
    stats = Stats()
    deadline = time.monotonic() + seconds
    threads = []
    for role, logins in data["logins"].items():
        for n, (username, password) in enumerate(logins):
            user = User(port, role, username, password, data, stats, think, random.Random(f"{seed}-{role}-{n}"))
            user.ramp = ramp
            threads.append(threading.Thread(target=_loop, args=(user, deadline), daemon=True))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    return stats


def _loop(user: User, deadline: float) -> None:
    time.sleep(user.rng.uniform(0, user.ramp))  # people arrive over the first seconds, not all at once
    if not user.sign_in():
        return
    while time.monotonic() < deadline:
        user.step()
        time.sleep(user.rng.uniform(*user.think))
    user.conn.close()


# -- main -----------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--employees", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--think", default="0.5-1.5", help="seconds between a user's pages, as MIN-MAX")
    parser.add_argument("--postgres", action="store_true", help="run on a throwaway PostgreSQL server")
    parser.add_argument("--ramp", type=float, default=10, help="users arrive over this many seconds")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    think = tuple(float(x) for x in args.think.split("-", 1))
    hr = max(1, round(args.users * 0.3))
    reps = max(1, round(args.users * 0.2))
    users = {"hr": hr, "employee": args.users - hr - reps, "union_rep": reps}

    # Whatever happens, stop: the run, the server and the database server it started.
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(SystemExit("load: watchdog: run took too long")))
    signal.alarm(int(args.seconds) + 1800)

    work = Path(tempfile.mkdtemp(prefix="hrtool-load-"))
    pg_started = False
    server = None
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
        os.environ["HRTOOL_INSTANCE_PATH"] = str(work / "instance")
        started = time.monotonic()
        data = build_database(url, args.employees, users)
        print(f"load: database ready ({data['dialect']}, {len(data['employees']):,} employed) in "
              f"{time.monotonic() - started:.0f} s", file=sys.stderr)
        port = free_port()
        server = start_gunicorn(url, port, args.workers, args.threads, work / "instance")
        print(f"load: {args.users} users ({users['hr']} HR, {users['employee']} employees, {users['union_rep']} reps) "
              f"for {args.seconds:.0f} s against gunicorn ({args.workers} workers x {args.threads} threads) "
              f"on 127.0.0.1:{port}", file=sys.stderr)
        began = time.monotonic()
        load_before = os.getloadavg()[0]
        stats = run_users(port, data, args.seconds, think, args.seed, args.ramp)
        elapsed = time.monotonic() - began
    finally:
        if server is not None:
            stop(server)
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
    out = ROOT / "artifacts" / "load"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{data['dialect']}.json").write_text(json.dumps({
        "database": data["dialect"], "users": users, "seconds": args.seconds, "think": args.think,
        "employees": len(data["employees"]), "workers": args.workers, "threads": args.threads,
        "ramp": args.ramp, "load_average_before": round(load_before, 1), "cpus": os.cpu_count(),
        "overall": overall, "kinds": rows}, indent=2))
    return 0 if errors == 0 and total else 1


if __name__ == "__main__":
    sys.exit(main())
