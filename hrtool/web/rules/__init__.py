"""Changing the rules held as data: statutory limits, rule settings, policies, terms packages."""
