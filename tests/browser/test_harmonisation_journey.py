"""The HR officer's harmonisation journey (issue 4): draft a model from Stafford Borough's grade
bands, run it over the demo workforce and read the results. Screenshots:
artifacts/screenshots/harmonisation-*.png."""
from __future__ import annotations

from playwright.sync_api import expect


def test_model_from_one_councils_bands(hr_page):
    page, p = hr_page, hr_page.page
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

    expect(p.locator(".govuk-notification-banner")).to_contain_text("Model created")
    expect(p.locator("main")).to_contain_text("This model has not been run")
    p.get_by_role("button", name="Run the model").click()

    # The run is a job (issue 17): its page says what it did and links to the results.
    p.wait_for_url("**/jobs/*")
    expect(p.locator("#job-outcome")).to_contain_text("people in the model")
    page.screenshot("harmonisation-run-job")
    p.get_by_role("link", name="See the results").click()
    main = p.locator("main")
    for text in ("Going up", "Going down", "Annual cost of the change", "Equality picture", "Grade 12"):
        expect(main).to_contain_text(text, use_inner_text=True)
    council_table = p.get_by_role("table", name="By council (employer)")
    expect(council_table).to_contain_text("Cannock Chase District Council")
    expect(council_table).to_contain_text("Stafford Borough Council")
    expect(p.get_by_role("table", name="Outcome for everyone in the model")).to_be_visible()
    page.screenshot("harmonisation-results")

    p.get_by_role("link", name="Everyone whose pay would change").click()
    expect(p.get_by_role("heading", level=1)).to_have_text("Everyone whose pay would change")
    page.screenshot("harmonisation-people")

    p.get_by_role("link", name="Back to the model").click()
    p.get_by_role("link", name="Change name, date or bands").click()
    expect(p.get_by_label("Grade, row 1", exact=True)).to_have_value("Grade 1")
    expect(p.get_by_label("Highest SCP, row 12", exact=True)).to_have_value("43")
    page.screenshot("harmonisation-bands")
    assert page.console_errors == []
