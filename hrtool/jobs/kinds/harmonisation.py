"""Running a harmonisation model over the workforce, as a job: at 100,000 people the
run is longer than a web worker may hold a request. The results are saved on the model, and its
run audited, in the job's one unit of work."""
from __future__ import annotations

from typing import Any

from ...errors import DomainError
from ...extensions import db
from ...models import HarmonisationModel
from ...services.harmonisation import harmonisation
from ..registry import Outcome, Progress, kind


def run_key(model_id: int) -> str:
    """One run of a model at a time (two would each save results over the other's)."""
    return f"harmonisation:{model_id}"


@kind("harmonisation_run", "Run a harmonisation model", permission="harmonisation.model")
def run_model(params: dict[str, Any], progress: Progress) -> Outcome:
    record = db.session.get(HarmonisationModel, params["model_id"])
    if record is None:
        raise DomainError("The model was deleted before it could run")
    progress(0, 1)
    try:
        results = harmonisation.run_model(record)
    except DomainError as error:
        raise DomainError(f"The model could not be run. {error.message}") from None
    progress(1, 1)
    left_out = f", {results.excluded_total:,} left out" if results.excluded_total else ""
    text = (f"Model “{record.name}” run as at {results.as_of.day} {results.as_of:%B %Y}: "
            f"{results.total.people:,} people in the model{left_out}.")
    return Outcome(text, {"link": "harmonisation.model", "link_args": {"model_id": record.id},
                          "link_text": "See the results"})
