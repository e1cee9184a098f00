"""Every route in the app's URL map, as every role and anonymous, with the status each should get.

A route missing from EXPECTED fails the test, so a new route cannot escape the matrix. For routes
about one person, the employee role tries both their own record and somebody else's.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import Employee, User

from ..factories import DEMO_PASSWORDS

# Values for other URL arguments (a post, an export format).
SAMPLE_ARGS = {"post_id": 1, "fmt": "csv", "transfer_id": 1, "member_id": 1, "item_id": 1, "election_id": 1,
               "award_id": 1, "point_id": 1, "convention_id": 1, "council_id": 1}

SAMPLE_ARGS["model_id"] = 1  # the harmonisation model the session data creates and runs
SAMPLE_ARGS["case_id"] = 1  # the session data records no cases: a missing case is a 404
# Letters (issue 8): the demo's first letter is the regulation 13 letter to UNISON (the demo union
# login's union); the session data has no letter jobs or batches (404s). Restructure 1 is the demo
# senior restructure (issue 6), so its letter and union pages answer.
SAMPLE_ARGS.update({"letter_id": 1, "template_id": 1, "job_id": 1, "batch_id": 1, "restructure_id": 1})
SAMPLE_ARGS["protection_id"] = 1  # pay protection (issue 7): the demo makes protections
SAMPLE_ARGS["decision_id"] = 1  # restructures (issue 6): the demo senior restructure's first route

ROLES = ["anonymous", "employee", "union_rep", "hr", "admin"]
LOGIN = 302  # anonymous users are sent to sign in

# (endpoint, method) -> {role: status}. "employee_other" is the employee reaching another person's record.
EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    # Restructures (issue 6): HR and admin only; empty POSTs re-render with errors (400) or change nothing.
    ("restructures.restructures_list", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("restructures.create", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("restructures.create", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=400, admin=400),
    ("restructures.overview", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("restructures.charts", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("restructures.add_post", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("restructures.add_post", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=400, admin=400),
    # Changing and removing a structure post: post_id 1 is also the demo restructure's first post (the
    # CCDC Chief Executive). The empty POSTs fail validation (400); removing it would be refused anyway
    # (a route and the posts reporting to it use it), so no other row loses it.
    ("restructures.edit_post", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("restructures.edit_post", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=400, admin=400),
    ("restructures.remove_post", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=400, admin=400),
    ("restructures.matches", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("restructures.save_matches", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=302, admin=302),
    ("restructures.routes", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("restructures.run_engine", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=302, admin=302),
    ("restructures.override", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("restructures.override", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=400, admin=400),
    ("restructures.appointments", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("restructures.appointments", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=400, admin=400),
    ("restructures.costing_page", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("restructures.redundancy_page", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("restructures.redundancy_calculator", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("restructures.apportion_calculator", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    # Going live (issue 15): the preview for HR and admin; implementing and undoing need a reason, so
    # the empty POSTs re-render with errors (400) and change nothing.
    ("restructures.implement_preview", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("restructures.implement", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=400, admin=400),
    ("restructures.undo_implementation", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=400,
                                                       admin=400),
    ("static", "GET"): dict(anonymous=200, employee=200, union_rep=200, hr=200, admin=200),
    ("main.accessibility", "GET"): dict(anonymous=200, employee=200, union_rep=200, hr=200, admin=200),
    ("main.healthz", "GET"): dict(anonymous=200, employee=200, union_rep=200, hr=200, admin=200),
    ("main.readyz", "GET"): dict(anonymous=200, employee=200, union_rep=200, hr=200, admin=200),
    ("main.index", "GET"): dict(anonymous=LOGIN, employee=302, union_rep=302, hr=302, admin=302),
    ("auth.login", "GET"): dict(anonymous=200, employee=302, union_rep=302, hr=302, admin=302),
    ("auth.login", "POST"): dict(anonymous=200, employee=302, union_rep=302, hr=302, admin=302),
    ("auth.logout", "POST"): dict(anonymous=LOGIN, employee=302, union_rep=302, hr=302, admin=302),
    ("auth.confirm_password", "GET"): dict(anonymous=LOGIN, employee=200, union_rep=200, hr=200, admin=200),
    ("auth.confirm_password", "POST"): dict(anonymous=LOGIN, employee=200, union_rep=200, hr=200, admin=200),
    ("hr.dashboard", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("staff.employees", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("staff.employee", "GET"): dict(anonymous=LOGIN, employee=403, employee_other=403, union_rep=403, hr=200, admin=200),
    ("staff.pay_history", "GET"): dict(anonymous=LOGIN, employee=403, employee_other=403, union_rep=403, hr=200,
                                       admin=200),
    ("staff.export", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("staff.edit_details", "GET"): dict(anonymous=LOGIN, employee=403, employee_other=403, union_rep=403, hr=200, admin=200),
    ("staff.edit_details", "POST"): dict(anonymous=LOGIN, employee=403, employee_other=403, union_rep=403, hr=200, admin=200),
    ("staff.change_assignment", "GET"): dict(anonymous=LOGIN, employee=403, employee_other=403, union_rep=403, hr=200, admin=200),
    ("staff.change_assignment", "POST"): dict(anonymous=LOGIN, employee=403, employee_other=403, union_rep=403, hr=200, admin=200),
    ("staff.record_leaver", "GET"): dict(anonymous=LOGIN, employee=403, employee_other=403, union_rep=403, hr=200, admin=200),
    ("staff.record_leaver", "POST"): dict(anonymous=LOGIN, employee=403, employee_other=403, union_rep=403, hr=200, admin=200),
    ("posts.posts", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("posts.post", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("posts.create", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("posts.create", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("posts.edit", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("posts.edit", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("grading.compare", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("grading.compare_export", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("grading.evaluations", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("grading.evaluations", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=400, admin=400),
    ("grading.increment_run", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("grading.apply_increments", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=302, admin=302),
    # Where the councils part (issue 18): HR and admin (grading.view); post 1 answers whether evaluated or not.
    ("parting.report", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("parting.export", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("parting.post", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    # Job evaluations in and out (issue 18): import for grading.edit (an empty upload or confirmation
    # re-renders with errors, 400), export for grading.view; HR and admin both.
    ("evaluation_io.upload", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("evaluation_io.upload", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=400, admin=400),
    ("evaluation_io.confirm", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=400, admin=400),
    ("evaluation_io.template", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("evaluation_io.export", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("transfers.transfers_list", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("transfers.create", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("transfers.create", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("transfers.transfer", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("transfers.propose", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=302, admin=302),
    ("transfers.confirm", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=302, admin=302),
    ("transfers.add_member", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=400, admin=400),
    ("transfers.remove_member", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("transfers.remove_member", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("transfers.objection", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("transfers.objection", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("transfers.step", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=302, admin=302),
    ("transfers.completion", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    # Issue 15, on the first planned demo transfer: an empty POST to complete it is refused by the dry run
    # and the page re-rendered (400); empty POSTs to edit or withdraw it, mark records checked in bulk, or
    # write to those not yet written to re-render with their errors (400) and change nothing.
    ("transfers.complete", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=400, admin=400),
    ("transfers.edit", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("transfers.edit", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=400, admin=400),
    ("transfers.withdraw", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("transfers.withdraw", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=400, admin=400),
    ("transfers.affected_letters", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("transfers.eli_checked", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("transfers.eli_checked", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=400, admin=400),
    ("transfers.unwritten", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("transfers.unwritten", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=400, admin=400),
    ("protected.register", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("protected.export", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("protected.countersign", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=302, admin=302),
    ("protected.for_employee", "GET"): dict(anonymous=LOGIN, employee=403, employee_other=403, union_rep=403, hr=200, admin=200),
    ("protected.for_employee", "POST"): dict(anonymous=LOGIN, employee=403, employee_other=403, union_rep=403, hr=200, admin=200),
    ("me.terms", "GET"): dict(anonymous=LOGIN, employee=200, union_rep=403, hr=403, admin=403),
    ("me.terms", "POST"): dict(anonymous=LOGIN, employee=200, union_rep=403, hr=403, admin=403),
    ("unions.transfers", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=200, hr=403, admin=403),
    ("unions.transfer", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=200, hr=403, admin=403),
    ("audit.log", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("me.record", "GET"): dict(anonymous=LOGIN, employee=200, union_rep=403, hr=403, admin=403),
    ("me.pay_history", "GET"): dict(anonymous=LOGIN, employee=200, union_rep=403, hr=403, admin=403),
    ("unions.overview", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=200, hr=403, admin=403),
    ("admin.users", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=200),
    ("check.report", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=200),
    ("admin.reference", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    # Harmonisation models (harmonisation.model: HR and admin). Model 1 is created and run by the
    # session data; empty POSTs re-render their forms with errors, except "run", which reruns it.
    ("harmonisation.models", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("harmonisation.create", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("harmonisation.create", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("harmonisation.model", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("harmonisation.edit", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("harmonisation.edit", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("harmonisation.run", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=302, admin=302),
    ("harmonisation.people", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("harmonisation.export", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("harmonisation.summary_pdf", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("harmonisation.compare", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("harmonisation.delete", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("harmonisation.delete", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    # Importing employees (employees.edit). An empty POST re-renders its form with errors.
    ("imports.upload", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("imports.upload", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("imports.confirm", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    # An upload's check (issue 17: a job); the job asked for does not exist (ENDPOINT_ARGS).
    ("imports.preview", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=404, admin=404),
    ("imports.result", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("imports.example", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    # Pay and grading: pay.view for HR and admin, pay.manage (changes) for admin only.
    ("pay.index", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("pay.spine", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("pay.edit_point", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=200),
    ("pay.edit_point", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=200),
    ("pay.awards", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("pay.new_award", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=200),
    ("pay.new_award", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=200),
    ("pay.edit_award", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=200),
    ("pay.edit_award", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=200),
    ("pay.apply_award", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=200),
    ("pay.apply_award", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=200),
    ("pay.arrears", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    # Working out the arrears (issue 17): a job for HR and admin, then its page (a redirect).
    ("pay.arrears", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=302, admin=302),
    ("pay.arrears_export", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("pay.conventions_list", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("pay.convention", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("pay.change_bands", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=200),
    ("pay.change_bands", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=200),
    ("pay.grade_lookup", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    # Disciplinary, grievance and claims (cases.manage: HR and admin). Empty POSTs re-render with errors.
    ("cases.cases_list", "GET"): dict(anonymous=LOGIN, employee=403, employee_other=403, union_rep=403, hr=200, admin=200),
    ("cases.create", "GET"): dict(anonymous=LOGIN, employee=403, employee_other=403, union_rep=403, hr=200, admin=200),
    ("cases.create", "POST"): dict(anonymous=LOGIN, employee=403, employee_other=403, union_rep=403, hr=200, admin=200),
    ("cases.edit", "GET"): dict(anonymous=LOGIN, employee=403, employee_other=403, union_rep=403, hr=404, admin=404),
    ("cases.edit", "POST"): dict(anonymous=LOGIN, employee=403, employee_other=403, union_rep=403, hr=404, admin=404),
    # Employee liability information of the planned transfer (transfers.view; the check transfers.manage).
    ("eli.pack", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("eli.export_xlsx", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("eli.export_ods", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("eli.export_zip", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("eli.member_pdf", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("eli.cases_checked", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("eli.cases_checked", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    # Letters (letters.view / issue / templates: HR and admin). Empty POSTs re-render with errors;
    # a preview without a record goes back to the template page.
    ("letters.register", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("letters.letter", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("letters.letter_pdf", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("letters.letter_read", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("letters.correct", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("letters.correct", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("letters.issue", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("letters.issue", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("letters.batch_transfer", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("letters.batch_transfer", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("letters.batch_restructure", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("letters.batch_restructure", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("letters.job", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=404, admin=404),
    ("letters.job_status", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=404, admin=404),
    ("letters.batch_zip", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=404, admin=404),
    ("letters.templates", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("letters.template", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("letters.edit_template", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("letters.edit_template", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("letters.preview_pdf", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=302, admin=302),
    # The union portal's letters (union.letters): letter 1 is addressed to the rep's union.
    ("unions.letters", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=200, hr=403, admin=403),
    ("unions.letter", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=200, hr=403, admin=403),
    ("unions.letter_pdf", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=200, hr=403, admin=403),
    ("unions.letter_read", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=200, hr=403, admin=403),
    ("unions.acknowledge", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=302, hr=403, admin=403),
    ("unions.letter_note", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=200, hr=403, admin=403),
    ("unions.consultations", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=200, hr=403, admin=403),
    # Restructure 1 (the demo senior restructure) was never written about to UNISON (issue 16): 404.
    ("unions.restructure", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=404, hr=403, admin=403),
    # My letters (me.letters): letter 1 is a union's, so the employee gets 404 for it.
    ("my_letters.my_letters", "GET"): dict(anonymous=LOGIN, employee=200, union_rep=403, hr=403, admin=403),
    ("my_letters.my_letter_pdf", "GET"): dict(anonymous=LOGIN, employee=404, union_rep=403, hr=403, admin=403),
    ("my_letters.my_letter", "GET"): dict(anonymous=LOGIN, employee=404, union_rep=403, hr=403, admin=403),
    # Issue 15: the field preview before a batch (reads only; HR and admin).
    ("letters.batch_transfer_fields", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("letters.batch_restructure_fields", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200,
                                                      admin=200),
    # Issue 15: an employee acknowledges their own letter; letter 1 is UNISON's, so not theirs (404).
    ("my_letters.my_letter_acknowledge", "POST"): dict(anonymous=LOGIN, employee=404, union_rep=403, hr=403,
                                                        admin=403),
    # Pay protection (issue 7): protection.view/manage for HR and admin, policies for admin only (signing
    # in counts as a recent password); empty POSTs re-render with errors (400). Protection 1 exists in the
    # session data. "My pay protection" is the employee's own: the demo employee has a protection.
    ("protection.dashboard_page", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("protection.export_protections", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("protection.export_costs", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("protection.protection", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("protection.statement", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("protection.end_early", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("protection.end_early", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=400, admin=400),
    ("protection.create", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("protection.create", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=400, admin=400),
    ("protection.calculator", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("protection.policies", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("protection.new_policy", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=200),
    ("protection.new_policy", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=400),
    ("my_protection.mine", "GET"): dict(anonymous=LOGIN, employee=200, union_rep=403, hr=403, admin=403),
    ("my_protection.my_statement", "GET"): dict(anonymous=LOGIN, employee=200, union_rep=403, hr=403, admin=403),
    # Data protection (issue 10). The download, HR's subject access export and deleting a record ask
    # for the password when it was not given in the last few minutes (signing in counts); an empty
    # export form re-renders with errors (400); the person is not a leaver due for deletion (404).
    ("privacy.my_data", "GET"): dict(anonymous=LOGIN, employee=200, union_rep=403, hr=403, admin=403),
    ("privacy.my_data_zip", "GET"): dict(anonymous=LOGIN, employee=200, union_rep=403, hr=403, admin=403),
    ("privacy.subject_access_export", "GET"): dict(anonymous=LOGIN, employee=403, employee_other=403, union_rep=403, hr=200, admin=200),
    ("privacy.subject_access_export", "POST"): dict(anonymous=LOGIN, employee=403, employee_other=403, union_rep=403, hr=400, admin=400),
    ("privacy.record_views_page", "GET"): dict(anonymous=LOGIN, employee=403, employee_other=403, union_rep=403, hr=200, admin=200),
    ("privacy.retention_list", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("privacy.erase", "GET"): dict(anonymous=LOGIN, employee=403, employee_other=403, union_rep=403, hr=404, admin=404),
    ("privacy.erase", "POST"): dict(anonymous=LOGIN, employee=403, employee_other=403, union_rep=403, hr=404, admin=404),
    # Passwords (issue 10): everyone changes their own; the administrator adds users and resets passwords.
    ("account.password", "GET"): dict(anonymous=LOGIN, employee=200, union_rep=200, hr=200, admin=200),
    ("account.password", "POST"): dict(anonymous=LOGIN, employee=200, union_rep=200, hr=200, admin=200),
    ("admin.new_user", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=200),
    ("admin.new_user", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=200),
    ("admin.reset_password", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=200),
    ("admin.reset_password", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=200),
    # Managing users (issue 15); user 1 is the demo administrator: the empty POSTs lack a reason (400).
    ("admin.user", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=200),
    ("admin.edit_user", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=200),
    ("admin.edit_user", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=400),
    ("admin.disable_user", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=200),
    ("admin.disable_user", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=400),
    ("admin.enable_user", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=200),
    ("admin.enable_user", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=400),
    # Sign-in throttles (issue 16): administrators only; clearing needs a throttle named (404 without) and a reason.
    ("admin.throttles", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=200),
    ("admin.clear_throttle", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=404),
    ("admin.clear_throttle", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=400),
}
SAMPLE_ARGS["user_id"] = 1  # passwords (issue 10): the first demo login
# Rules held as data: a limit and a setting from the reference files; policy 1 is CCDC's terms policy
# (not pay protection, which has its own page). History for HR and admin, changes for admin only
# (signing in counts as a recent password); empty POSTs re-render with errors (400).
SAMPLE_ARGS.update({"limit_name": "statutory_redundancy_week_pay_cap", "setting_key": "full_time_hours", "policy_id": 1})
EXPECTED.update({
    (f"rules.{view}", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200)
    for view in ("limit_history", "setting_history", "policy_history", "terms_history")})
EXPECTED.update({
    (f"rules.{view}", method): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403,
                                    admin=200 if method == "GET" else 400)
    for view in ("new_limit", "new_setting", "new_policy", "new_terms") for method in ("GET", "POST")})
# Correcting a planned transfer's date (issue 13): HR and admin; an empty POST re-renders with errors.
EXPECTED.update({
    ("transfers.correct_date", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("transfers.correct_date", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=400, admin=400)})

# Job evaluation (issue 18): one evaluation's page and its actions (HR and admin; evaluation 1 is the
# session data's, agreed, so "change the draft" goes back to its page); the scheme and the local
# conventions, read by union reps too (jes.view), changed by an administrator (jes.scheme) or HR
# (jes.conventions). Version, level, factor, set and convention 1 are the reference data's. Empty
# POSTs re-render with errors (400) and change nothing.
SAMPLE_ARGS.update({"evaluation_id": 1, "version_id": 1, "level_id": 1, "factor_id": 1, "set_id": 1})
_HR_ONLY = dict(anonymous=LOGIN, employee=403, union_rep=403)
_JES_VIEW = dict(anonymous=LOGIN, employee=403, union_rep=200, hr=200, admin=200)
EXPECTED.update({
    ("grading.evaluation", "GET"): dict(_HR_ONLY, hr=200, admin=200),
    ("grading.edit_evaluation", "GET"): dict(_HR_ONLY, hr=302, admin=302),
    ("grading.edit_evaluation", "POST"): dict(_HR_ONLY, hr=302, admin=302),
    ("grading.agree_evaluation", "POST"): dict(_HR_ONLY, hr=400, admin=400),
    ("grading.withdraw_evaluation", "POST"): dict(_HR_ONLY, hr=400, admin=400),
    ("jes.scheme_page", "GET"): _JES_VIEW,
    ("jes.version", "GET"): _JES_VIEW,
    ("jes.edit_level", "GET"): dict(_HR_ONLY, hr=403, admin=200),
    ("jes.edit_level", "POST"): dict(_HR_ONLY, hr=403, admin=400),
    ("jes.edit_factor", "GET"): dict(_HR_ONLY, hr=403, admin=200),
    ("jes.edit_factor", "POST"): dict(_HR_ONLY, hr=403, admin=400),
    ("jes.new_version", "GET"): dict(_HR_ONLY, hr=403, admin=200),
    ("jes.new_version", "POST"): dict(_HR_ONLY, hr=403, admin=400),
    ("jes.convention_sets", "GET"): _JES_VIEW,
    ("jes.convention_set", "GET"): _JES_VIEW,
    ("jes.compare_sets", "GET"): _JES_VIEW,
    ("jes.record_convention", "POST"): dict(_HR_ONLY, hr=400, admin=400),
    ("jes.withdraw_convention", "GET"): dict(_HR_ONLY, hr=200, admin=200),
    ("jes.withdraw_convention", "POST"): dict(_HR_ONLY, hr=400, admin=400),
    ("jes.new_draft", "GET"): dict(_HR_ONLY, hr=200, admin=200),
    ("jes.new_draft", "POST"): dict(_HR_ONLY, hr=400, admin=400),
    ("jes.choose_level", "POST"): dict(_HR_ONLY, hr=400, admin=400)})

# Mail (issue 17): the outbox for administrators only (the session data holds no message: 404);
# everyone's own email notices (an empty POST turns their notices off: a redirect).
SAMPLE_ARGS["message_id"] = 1
EXPECTED.update({
    ("mail.outbox", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=200),
    ("mail.message", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=404),
    ("mail.send_again", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=403, admin=404),
    ("account.notices", "GET"): dict(anonymous=LOGIN, employee=200, union_rep=200, hr=200, admin=200),
    ("account.notices", "POST"): dict(anonymous=LOGIN, employee=302, union_rep=302, hr=302, admin=302)})

# Jobs (issue 17): HR and administrators (the job asked for does not exist: ENDPOINT_ARGS, 404s).
EXPECTED.update({
    ("jobs.jobs_list", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("jobs.show", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=404, admin=404),
    ("jobs.status", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=404, admin=404),
    ("jobs.retry", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=404, admin=404)})

# Job evaluation appeals (issue 18): the employee's own (jes.appeal), HR's record of the outcome
# (jes.appeals); a union rep sees no individual's (403). The appeal asked for never exists (whatever
# the demo holds): 404 to whoever may look. The employee's empty appeal re-renders with errors (400).
SAMPLE_ARGS["appeal_id"] = 999_999_999
EXPECTED.update({
    ("appeals.mine", "GET"): dict(anonymous=LOGIN, employee=200, union_rep=403, hr=403, admin=403),
    ("appeals.lodge", "POST"): dict(anonymous=LOGIN, employee=400, union_rep=403, hr=403, admin=403),
    ("appeals.my_appeal", "GET"): dict(anonymous=LOGIN, employee=404, union_rep=403, hr=403, admin=403),
    ("appeals.withdraw", "POST"): dict(anonymous=LOGIN, employee=404, union_rep=403, hr=403, admin=403),
    ("appeals.appeals_list", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=200, admin=200),
    ("appeals.appeal", "GET"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=404, admin=404),
    ("appeals.decide", "POST"): dict(anonymous=LOGIN, employee=403, union_rep=403, hr=404, admin=404)})

# The matrix's own POSTs start jobs (a harmonisation run, an arrears run: issue 17), and which ids
# they take depends on the database (SQLite reuses a rolled-back id, PostgreSQL's sequence does
# not): the job pages are asked for a job that never exists.
ENDPOINT_ARGS = {endpoint: {"job_id": 999_999_999} for endpoint in
                 ("jobs.show", "jobs.status", "jobs.retry", "imports.preview")}

# Routes after which the client must sign in again.
SIGN_IN_CHANGES = {("auth.logout", "POST"), ("auth.login", "POST")}

ROLE_USERS = {"employee": "employee@hrtool.example", "union_rep": "unison@hrtool.example",
              "hr": "hr@hrtool.example", "admin": "admin@hrtool.example"}


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & {"GET", "POST"}):
            yield rule, method


def _ids(app):
    with app.app_context():
        own = db.session.scalar(select(User.employee_id).where(User.username == ROLE_USERS["employee"]))
        other = db.session.scalar(select(Employee.id).where(Employee.id != own).order_by(Employee.id).limit(1))
    return own, other


def _samples(app) -> dict[str, int]:
    """Ids of real records for URL arguments: a planned transfer, one of its members and steps."""
    from hrtool.models import ChecklistItem, Transfer, TransferMember

    with app.app_context():
        transfer = db.session.scalar(select(Transfer.id).where(Transfer.status == "planned").order_by(Transfer.id))
        member = db.session.scalar(select(TransferMember.id).where(TransferMember.transfer_id == transfer))
        item = db.session.scalar(select(ChecklistItem.id).where(ChecklistItem.transfer_id == transfer))
    return {"transfer_id": transfer, "member_id": member, "item_id": item}


def _urls(rule, own: int, other: int) -> list[tuple[str, str]]:
    """(variant, url) pairs: own and other for per-person routes, one url otherwise."""
    if "employee_id" in rule.arguments:
        extra = {k: v for k, v in SAMPLE_ARGS.items() if k in rule.arguments}  # e.g. a case of the person
        return [("own", rule.build({**extra, "employee_id": own})[1]),
                ("other", rule.build({**extra, "employee_id": other})[1])]
    values = {"filename": "dist/hrtool.css"} if rule.endpoint == "static" else {}
    values.update({k: v for k, v in SAMPLE_ARGS.items() if k in rule.arguments})
    values.update({k: v for k, v in _SAMPLES.items() if k in rule.arguments})
    values.update(ENDPOINT_ARGS.get(rule.endpoint, {}))
    return [("", rule.build(values)[1])]


def test_every_route_is_in_the_matrix(app):
    missing = [(r.endpoint, m) for r, m in _routes(app) if (r.endpoint, m) not in EXPECTED]
    assert missing == [], f"add these routes to the role matrix: {missing}"


def _client(app, role):
    client = app.test_client()
    if role != "anonymous":
        username = ROLE_USERS[role]
        assert client.post("/login", data={"username": username, "password": DEMO_PASSWORDS[username]}).status_code == 302
    return client


_SAMPLES: dict[str, int] = {}


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(app, role):
    own, other = _ids(app)
    _SAMPLES.update(_samples(app))
    failures = []
    client = _client(app, role)
    for rule, method in _routes(app):
        expected = EXPECTED[(rule.endpoint, method)]
        for variant, url in _urls(rule, own, other):
            response = client.open(url, method=method)
            response.close()  # static files stream from disk
            want = expected.get("employee_other", expected[role]) if (role == "employee" and variant == "other") else expected[role]
            if response.status_code != want:
                failures.append(f"{method} {url} as {role}: got {response.status_code}, want {want}")
            if role == "anonymous" and want == LOGIN and "/login" not in (response.location or ""):
                failures.append(f"{method} {url} as anonymous: not sent to sign in ({response.location})")
            if (rule.endpoint, method) in SIGN_IN_CHANGES:
                client = _client(app, role)  # signing out (or in) changed who this client is
    assert failures == []


def test_employee_cannot_see_another_persons_data_anywhere(app):
    """Whatever the employee opens, another person's name never appears."""
    _own, other = _ids(app)
    with app.app_context():
        other_person = db.session.get(Employee, other)
        other_name, other_number = other_person.last_name + ", " + other_person.first_name, other_person.person_number
    client = app.test_client()
    client.post("/login", data={"username": ROLE_USERS["employee"], "password": DEMO_PASSWORDS[ROLE_USERS["employee"]]})
    for url in ["/me/", f"/employees/{other}", "/employees/", "/hr/", "/union/", f"/employees/?q={other_number}"]:
        body = client.get(url).get_data(as_text=True)
        assert other_number not in body and other_name not in body
