"""Rules held as data: loading the shipped reference data, which dated rules are due, an
administrator's edits, bank holidays and the plausible window of each kind of date."""
