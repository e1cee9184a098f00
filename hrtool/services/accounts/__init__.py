"""Accounts: signing in (argon2 hashes, throttling that an attacker cannot turn against the owner),
the password rule, and an administrator managing users."""
