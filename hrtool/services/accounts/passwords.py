"""The password rule (OWASP ASVS 4.0.3, 2.1.1, 2.1.2, 2.1.7, 2.1.9): at least 12 characters, at
most 200, anything may be typed (spaces, any letters), no rules about mixing character kinds, and
not one of the common passwords shipped in `reference_data/common_passwords.txt`.

The list is Django 5.2's `common-passwords.txt.gz`, unchanged (19,640 passwords from breaches,
lower case, most common first; see reference_data/README.md). Only the long ones can matter here
(about 190 reach 12 characters, e.g. `qwerty123456`, `password1234`), but the whole list is kept
so the file can be compared with its source. The check ignores case and all spaces (`fold`).

The rule applies wherever a password is set: `accounts.create_user`, changing your own password
and an administrator's reset. Signing in with an older, weaker password still works (the rule is
about choosing one), so the demo logins and existing accounts are never locked out by it.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

from ...errors import DomainError

MIN_LENGTH = 12
MAX_LENGTH = 200  # the forms' limit; long passphrases are welcome (ASVS 2.1.2 asks for 64 or more)
COMMON_PASSWORDS = "common_passwords.txt"  # in hrtool/reference_data/


class WeakPassword(DomainError):
    """A new password breaks the rule; the message says how, in words for the person typing it."""

    def __init__(self, message: str):
        super().__init__(message, field="password")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    text = resources.files("hrtool").joinpath("reference_data", COMMON_PASSWORDS).read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line.strip())


def fold(text: str) -> str:
    """What the common-password and username checks compare: lower case, with every whitespace
    character removed (not only at the ends), so "Password 1234" is "password1234"."""
    return "".join(text.split()).lower()


def problem(password: str, *, username: str | None = None) -> str | None:
    """What is wrong with `password` as a new password, or None if it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Your password must be at least {MIN_LENGTH} characters long"
    if len(password) > MAX_LENGTH:
        return f"Your password must be {MAX_LENGTH} characters or fewer"
    if "\x00" in password:
        return "Your password cannot contain a NUL character"
    folded = fold(password)
    if folded in common_passwords():
        return "This is one of the most common passwords, so it is easy to guess: choose another"
    if username and folded == fold(username):
        return "Your password cannot be the same as your username"
    if len(set(folded)) == 1:
        return "Your password cannot be one character repeated"
    return None


def check(password: str, *, username: str | None = None) -> None:
    """Raise WeakPassword if `password` may not be set."""
    message = problem(password, username=username)
    if message is not None:
        raise WeakPassword(message)
