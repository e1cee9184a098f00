"""Pay protection pages (issue 7)."""
