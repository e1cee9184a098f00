"""Repeated identical errors are logged once, with a count.

During a database outage every request failed the same way and each wrote its own traceback:
15 seconds of outage wrote 41 MB of log. `RepeatFilter` lets the first of a run of identical
records through (same level, logger, message, and exception type and text); the identical ones
that follow within `window_seconds` of it are held back and only counted. The count is written
as one line ("... repeated N more times in S seconds") when a different record arrives, when the
same one comes back after the window (it is then written again, opening a new window), or when
the process exits (`flush`, registered with atexit by `install`).

One filter is attached to the handlers themselves (the Flask app's logger's and the root
logger's, which gunicorn's error log and Flask's default handler are), so records from any
module logger below them (`hrtool.services...`) are collapsed too. A record that passes through
several handlers is judged once.
"""
from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Callable, Hashable

from flask import Flask

DEFAULT_WINDOW_SECONDS = 60.0


def _key(record: logging.LogRecord) -> Hashable:
    exc = record.exc_info[1] if record.exc_info else None
    error = (type(exc).__module__, type(exc).__qualname__, str(exc)) if exc is not None else None
    return record.levelno, record.name, record.getMessage(), error


class RepeatFilter(logging.Filter):
    def __init__(self, window_seconds: float = DEFAULT_WINDOW_SECONDS,
                 clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self.window = window_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._key: Hashable | None = None
        self._first: logging.LogRecord | None = None
        self._opened_at = 0.0
        self._held = 0
        # The last record judged and its verdict (the record itself, not its id: ids are reused).
        self._judged: tuple[logging.LogRecord, bool] | None = None

    def attach(self, handler: logging.Handler) -> None:
        if self not in handler.filters:
            handler.addFilter(self)

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "repeat_summary", False):
            return True
        with self._lock:
            if self._judged is not None and self._judged[0] is record:
                return self._judged[1]  # the same record, at another handler
            key, now = _key(record), self.clock()
            summary = None
            if key == self._key and now - self._opened_at < self.window:
                self._held += 1
                verdict = False
            else:
                summary = self._summary(now)
                self._key, self._first, self._opened_at, self._held = key, record, now, 0
                verdict = True
            self._judged = (record, verdict)
        if summary is not None:
            logging.getLogger(summary.name).handle(summary)
        return verdict

    def flush(self) -> None:
        """Write the count of what is held back now (at exit, or whenever a caller wants it)."""
        with self._lock:
            summary = self._summary(self.clock())
            self._held = 0
        if summary is not None:
            logging.getLogger(summary.name).handle(summary)

    def _summary(self, now: float) -> logging.LogRecord | None:
        """The line that counts the records held back since the first of the run (lock held)."""
        first = self._first
        if first is None or not self._held:
            return None
        exc = first.exc_info[1] if first.exc_info else None
        what = first.getMessage() + (f" ({type(exc).__name__}: {exc})" if exc is not None else "")
        record = logging.LogRecord(
            first.name, first.levelno, first.pathname, first.lineno,
            "The previous message was repeated %d more times in %.0f seconds: %s",
            (self._held, max(now - self._opened_at, 0), what.splitlines()[0] if what else ""), None)
        record.repeat_summary = True
        return record


_process_filter: RepeatFilter | None = None


def install(app: Flask) -> RepeatFilter:
    """THE filter of this process (loggers and handlers are per process, shared by every app made
    in it, so one filter judges each record), attached to the handlers of the app's logger and of
    the root logger; its count is written at exit."""
    global _process_filter
    if _process_filter is None:
        _process_filter = RepeatFilter(DEFAULT_WINDOW_SECONDS)
        atexit.register(_flush_at_exit)
    for handler in [*app.logger.handlers, *logging.getLogger().handlers]:
        _process_filter.attach(handler)
    app.extensions["hrtool_repeat_filter"] = _process_filter
    return _process_filter


def _flush_at_exit() -> None:
    """The count, at exit, if anyone can still read it: a test runner may have closed the streams
    its handlers write to, and logging would print its own "Logging error" traceback."""
    if _process_filter is None:
        return
    raise_before, logging.raiseExceptions = logging.raiseExceptions, False
    try:
        _process_filter.flush()
    finally:
        logging.raiseExceptions = raise_before
