"""Sending files from views: one way to answer a spreadsheet or a file held in memory."""
from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any, BinaryIO

from flask import abort, send_file

from ..services.platform.tabular import MEDIA_TYPES


def require_spreadsheet_format(fmt: str) -> None:
    """404 for a format the exports cannot write; views call it first, before any other check."""
    if fmt not in MEDIA_TYPES:
        abort(404)


def send_bytes(content: bytes, mimetype: str, name: str) -> Any:
    return send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=name)


def send_spreadsheet(write: Callable[[BinaryIO], object], fmt: str, name: str) -> Any:
    """Answer with what `write` puts into a fresh buffer, as a download of a known spreadsheet format."""
    require_spreadsheet_format(fmt)
    buffer = io.BytesIO()
    write(buffer)
    buffer.seek(0)
    return send_file(buffer, mimetype=MEDIA_TYPES[fmt], as_attachment=True, download_name=name)
