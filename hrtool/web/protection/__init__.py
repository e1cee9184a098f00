"""Pay protection pages."""
