"""Passwords: hashed with argon2id, and refused when short or easily guessed.

The NCSC's advice is length and a deny-list of common passwords rather than rules about symbols:
at least 12 characters, and not one zxcvbn can guess from its lists of common passwords, names
and words (with the account's own e-mail and the product's name added to them).
"""

from __future__ import annotations

import re
import time

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 256
# zxcvbn's score: 0-2 fall to an online or a slow offline guessing attack; 3 and 4 do not.
MIN_SCORE = 3
PRODUCT_WORDS = ("local", "first", "inclusion", "dashboard", "council", "send", "schools", "forum")

# argon2id with one of the OWASP Password Storage Cheat Sheet's configurations, 19 MiB, two
# passes, one lane, rather than argon2-cffi's default (RFC 9106's 64 MiB, three passes, four
# lanes): a trade, as each guess costs an attacker about a fifth of what it did, made so that a
# sign-in takes 19 MiB of a web worker's memory, not 64, and a worker stays under 300 MB at its
# peak. A hash made with other parameters is made again at its next sign-in (needs_rehash).
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# A wrong password is refused no sooner than this. A hash made before with the default parameters
# takes some five times as long to check as the dummy: without a floor, how soon a refusal came
# would tell an account that has not signed in since from no account at all.
REFUSED_AFTER_SECONDS = 0.25
# Verified against when the account does not exist, so that a wrong e-mail takes as long to
# refuse as a wrong password.
_DUMMY_HASH = _hasher.hash("not the password of any account")


class PasswordRefused(ValueError):
    """The password cannot be used: the message says why, in words for the person choosing it."""


def check_password(password: str, *, email: str) -> None:
    if len(password) < MIN_LENGTH:
        raise PasswordRefused(f"The password must be {MIN_LENGTH} characters or more")
    if len(password) > MAX_LENGTH:
        raise PasswordRefused(f"The password must be {MAX_LENGTH} characters or fewer")
    local_part = email.lower().partition("@")[0]
    if local_part and local_part in password.lower():
        raise PasswordRefused("The password must not contain your e-mail address")
    own_words = [w for w in re.split(r"[^a-z0-9]+", email.lower()) if w]
    # imported here, as only a password being chosen needs its lists (13 MB in every worker)
    from zxcvbn import zxcvbn

    if zxcvbn(password[:100], user_inputs=[*own_words, *PRODUCT_WORDS])["score"] < MIN_SCORE:
        raise PasswordRefused(
            "The password is too common or too easy to guess: use three or four random words"
        )


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; always does the work of one check, even with no hash, and
    answers no within the same time whatever the hash was made with."""
    started = time.monotonic()
    try:
        good = _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        good = False
    if not good:
        time.sleep(max(0.0, REFUSED_AFTER_SECONDS - (time.monotonic() - started)))
    return good


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
