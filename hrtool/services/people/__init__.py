"""People: a person's record and its dated history (changes, corrections, leaving), reading what was
true on a date, search, import and export as spreadsheets, posts, cases, and privacy (who viewed a
record, subject access, retention)."""
