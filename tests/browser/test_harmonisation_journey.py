"""The HR officer's harmonisation journey (issue 4): draft a model from Stafford Borough's grade
bands, run it over the demo workforce and read the results. Screenshots:
artifacts/screenshots/harmonisation-*.png."""
from __future__ import annotations

from ..factories import DEMO_PASSWORDS


def test_model_from_one_councils_bands(page):
    p = page.page
    page.login("hr@hrtool.example", DEMO_PASSWORDS["hr@hrtool.example"])
    p.wait_for_url("**/hr/")
    p.get_by_role("link", name="Pay and grading").first.click()
    p.get_by_role("link", name="Harmonisation models").click()
    p.get_by_role("link", name="Create a model").click()

    p.get_by_label("Start from").select_option(label="Stafford Borough Council's current grade bands")
    p.get_by_label("Name").fill("Stafford Borough bands for everyone")
    p.get_by_label("Day", exact=True).fill("1")
    p.get_by_label("Month", exact=True).fill("4")
    p.get_by_label("Year", exact=True).fill("2026")
    p.get_by_label("Description (optional)").fill("Every post graded on SBC's current boundaries")
    page.screenshot("harmonisation-1-new")
    p.get_by_role("button", name="Create the model").click()

    assert "Model created" in p.locator(".govuk-notification-banner").inner_text()
    assert "This model has not been run" in p.locator("main").inner_text()
    p.get_by_role("button", name="Run the model").click()

    # The run is a job (issue 17): its page says what it did and links to the results.
    p.wait_for_url("**/jobs/*")
    assert "people in the model" in p.locator("#job-outcome").inner_text()
    page.screenshot("harmonisation-run-job")
    p.get_by_role("link", name="See the results").click()
    main = p.locator("main").inner_text()
    for text in ("Going up", "Going down", "Annual cost of the change", "Equality picture", "Grade 12"):
        assert text in main, text
    council_table = p.get_by_role("table", name="By council (employer)").inner_text()
    assert "Cannock Chase District Council" in council_table and "Stafford Borough Council" in council_table
    assert p.get_by_role("table", name="Outcome for everyone in the model").is_visible()
    page.screenshot("harmonisation-results")

    p.get_by_role("link", name="Everyone whose pay would change").click()
    assert p.get_by_role("heading", level=1).inner_text() == "Everyone whose pay would change"
    page.screenshot("harmonisation-people")

    p.get_by_role("link", name="Back to the model").click()
    p.get_by_role("link", name="Change name, date or bands").click()
    assert p.get_by_label("Grade, row 1", exact=True).input_value() == "Grade 1"
    assert p.get_by_label("Highest SCP, row 12", exact=True).input_value() == "43"
    page.screenshot("harmonisation-bands")
    assert page.console_errors == []
