"""The "as at" box of the pages where the councils part: a text box (not type="date", which the
GOV.UK Design System advises against) reading 1/4/2026 as well as 2026-04-01."""
from __future__ import annotations

from .test_parting_pages import posts  # noqa: F401  (the fixture)


def test_the_as_at_box_takes_a_date_as_people_type_it(client, auth, posts):  # noqa: F811
    auth.as_role("hr")
    for url in ("/grading/councils/", f"/grading/councils/posts/{posts['both']}"):
        for typed in ("1/4/2026", "2026-04-01"):
            page = client.get(url, query_string={"on": typed}).get_data(as_text=True)
            assert "1 April 2026" in page and 'id="date-problem"' not in page, (url, typed)
            assert 'name="on" type="text" value="1/4/2026"' in page and 'type="date"' not in page
        page = client.get(url, query_string={"on": "31/2/2026"}).get_data(as_text=True)
        assert "“31/2/2026” is not a date (give it as 1/4/2026)" in page
