"""The main navigation marks one item as the current section."""
from __future__ import annotations

import pytest

from ..conftest import Auth


@pytest.mark.parametrize(("role", "path", "current"), [
    ("union_rep", "/union/letters", "Letters"),
    ("union_rep", "/union/", "Union overview"),
    ("hr", "/employees/", "Employees"),
])
def test_one_item_is_current(app, role, path, current):
    client = app.test_client()
    Auth(client).as_role(role)
    html = client.get(path).get_data(as_text=True)
    assert html.count("govuk-service-navigation__item--active") == 1, path
    active = html.split("govuk-service-navigation__item--active", 1)[1].split("</li>", 1)[0]
    assert current in active
