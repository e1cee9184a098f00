"""The `scratch` fixture: a fresh app on its own database per name (tests/scratch_databases.py)."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from ..scratch_databases import build_app, dispose, drop_scratch, scratch_url

__all__ = ["build_app", "dispose", "drop_scratch", "scratch_url"]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Flask]]:
    """make(name, employees=40) -> a fresh app on its own database, cleaned up after the module."""
    made: list[tuple[Flask, str]] = []
    tmp = tmp_path_factory.mktemp("scratch")

    def make(name: str, employees: int = 40, **kw: Any) -> Flask:
        url = scratch_url(tmp, name)
        app = build_app(url, employees, **kw)
        made.append((app, url))
        return app

    yield make
    for app, url in made:
        dispose(app)
        drop_scratch(url)
