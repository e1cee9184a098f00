"""TUPE transfers to the lead authority: from plan to completion, the legal steps and their dates,
changes and withdrawal, the employee liability information pack, and protected terms."""
