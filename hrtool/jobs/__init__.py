"""Long work on a real job queue.

- `queue`: the Huey instance, its storage (SQLite file by default, Redis in production), and the
  heartbeats running jobs leave in it.
- `registry`: the kinds of job, each with its title and its work (`kinds/`: one module per subject).
- `records`: a job's row from submitted to done, failed, retried or swept.
- `runner`: how a worker runs one job; `tasks`: what the queue carries, and the nightly schedule.
- `worker`: `hrtool worker` (Huey's consumer plus the sweep) and `hrtool jobs ...`.

A view starts work with `records.submit(kind, params, user)` and redirects to the job's page
(`jobs.show`), which polls its progress. Letter batches use the same queue, claim, heartbeat and
sweep, with their own table (services/letters/letter_jobs.py)."""
