"""The demo: a deterministic generator of fictitious workforces and what the councils' records would
already hold (evaluations, letters, protections, the shared senior restructure)."""
