"""`hrtool worker`: a process that takes jobs off the queue and runs them.

It runs Huey's consumer (worker threads, and the scheduler for the nightly jobs) inside the
app, and a sweeper thread that every JOBS_SWEEP_SECONDS queues again (or fails) any job whose
worker died. Run as many worker processes as you like, on any machine that reaches the database
and the queue (Redis in production); `make run` starts one beside the web server."""
from __future__ import annotations

import logging
import os
import threading

import click
from flask import Flask, current_app

from . import queue


def sweeper(app: Flask, stop: threading.Event) -> threading.Thread:
    from . import records

    def loop() -> None:
        every = app.config["JOBS_SWEEP_SECONDS"]
        while True:
            try:
                with queue.app_context():
                    for kind, job_id, action in records.sweep():
                        app.logger.warning("Job %s %s: its worker stopped; %s", kind, job_id, action)
            except Exception:
                app.logger.exception("The job sweep failed; trying again in %s s", every)
            if stop.wait(every):
                return

    thread = threading.Thread(target=loop, daemon=True, name="job-sweeper")
    thread.start()
    return thread


def register_worker_commands(app: Flask) -> None:
    @app.cli.command("worker")
    @click.option("--threads", default=1, show_default=True, help="Jobs run at once by this process.")
    @click.option("--no-schedule", is_flag=True, help="Do not run the nightly jobs from this process.")
    @click.option("--nice", "niceness", default=10, show_default=True, type=click.IntRange(0, 19),
                  envvar="HRTOOL_WORKER_NICE",
                  help="Run at this lower CPU priority, so that on a machine shared with the web server the "
                       "pages people are waiting for go first and the long work takes the spare time.")
    def worker(threads: int, no_schedule: bool, niceness: int) -> None:
        """Run jobs from the queue until stopped (Ctrl-C, or SIGTERM: the job in hand finishes first)."""
        from huey.consumer import Consumer

        from . import tasks  # noqa: F401  (registers the tasks)

        real = current_app._get_current_object()  # type: ignore[attr-defined]
        if real.extensions[queue.EXTENSION][1]:
            raise click.UsageError("JOBS_IMMEDIATE is set: jobs run in the web process, there is nothing to take")
        queue.use_app(real)
        if niceness:
            os.nice(niceness)  # a job waits seconds unnoticed; a page kept waiting is noticed at once
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
        stop = threading.Event()
        sweeper(real, stop)
        click.echo(f"hrtool worker: {threads} thread(s) on {real.config['JOBS_QUEUE_URL'].split('@')[-1]}, "
                   f"nice {os.nice(0)}")
        consumer = Consumer(queue.huey, workers=threads, worker_type="thread", periodic=not no_schedule,
                            initial_delay=0.1, backoff=1.15, max_delay=1.0, check_worker_health=True)
        try:
            consumer.run()
        finally:
            stop.set()

    @app.cli.group("jobs")
    def jobs() -> None:
        """The job queue: start a scheduled job now, or sweep for jobs whose worker died."""

    @jobs.command("start")
    @click.argument("kind")
    @click.option("--on", "on", default=None, help="As at YYYY-MM-DD, for the checks (default today).")
    def start(kind: str, on: str | None) -> None:
        """Queue a job of KIND now (nightly_check, protection_check, retention_check, backup, ...)."""
        from ..errors import DomainError
        from . import records, registry, tasks  # noqa: F401

        try:
            registry.get(kind)
        except KeyError:
            raise click.UsageError(f"no job kind {kind!r}: one of {', '.join(sorted(registry.KINDS))}") from None
        try:
            job = records.submit(kind, {"on": on} if on else {}, None)
        except DomainError as error:
            raise click.UsageError(error.message) from None
        click.echo(f"queued job {job.id}: {job.description}")

    @jobs.command("sweep")
    def sweep() -> None:
        """Queue again (or fail) running jobs whose worker stopped sending a heartbeat."""
        from . import records

        for kind, job_id, action in records.sweep():
            click.echo(f"{kind} {job_id}: {action}")
