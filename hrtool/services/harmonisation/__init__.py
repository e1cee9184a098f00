"""Harmonisation models: a single set of grade bands run over the workforce, the saved results, the
reports read from them and the aggregate summary for the unions."""
