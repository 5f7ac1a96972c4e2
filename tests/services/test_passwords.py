"""Passwords: at least 12 characters, not easily guessed, hashed with argon2id."""

import time

import pytest
from argon2 import PasswordHasher

from services.passwords import (
    REFUSED_AFTER_SECONDS,
    PasswordRefused,
    check_password,
    hash_password,
    verify_password,
)

EMAIL = "ann.lee@norfolk.gov.uk"
STRONG_12 = "Tz8#qLm2vR9w"
TOO_COMMON = "The password is too common or too easy to guess: use three or four random words"


def test_pwd001_eleven_characters_are_refused():
    # Given a password of 11 characters (otherwise random), when checked, then it is too short.
    with pytest.raises(PasswordRefused) as refused:
        check_password("Tz8#qLm2vR9", email=EMAIL)
    assert str(refused.value) == "The password must be 12 characters or more"


def test_pwd002_twelve_strong_characters_are_accepted():
    # Given 12 random characters, when checked, then nothing is refused.
    assert len(STRONG_12) == 12
    check_password(STRONG_12, email=EMAIL)


def test_pwd003_three_random_words_are_accepted():
    check_password("harbour-violet-kestrel", email=EMAIL)


def test_pwd004_more_than_256_characters_are_refused():
    with pytest.raises(PasswordRefused) as refused:
        check_password("harbour-violet-kestrel " * 12, email=EMAIL)  # 276 characters
    assert str(refused.value) == "The password must be 256 characters or fewer"


@pytest.mark.parametrize("password", ["password1234", "qwertyuiop123", "welcome12345"])
def test_pwd005_common_passwords_are_refused_though_long_enough(password):
    # Given a common password of 12 characters or more, when checked, then it is refused.
    with pytest.raises(PasswordRefused) as refused:
        check_password(password, email=EMAIL)
    assert str(refused.value) == TOO_COMMON


@pytest.mark.parametrize("password", ["ann.lee-Tz8#qLm2", "xx-ANN.LEE-Tz8#q"])
def test_pwd006_a_password_holding_the_emails_local_part_is_refused(password):
    # Given a password that contains "ann.lee" in any case, when checked, then it is refused.
    with pytest.raises(PasswordRefused) as refused:
        check_password(password, email=EMAIL)
    assert str(refused.value) == "The password must not contain your e-mail address"


def test_pwd007_the_hash_is_argon2id_and_not_the_password():
    # Given a password, when hashed, then the hash is argon2id and does not hold the password.
    hashed = hash_password(STRONG_12)
    assert hashed.startswith("$argon2id$")
    assert STRONG_12 not in hashed


def test_pwd016_the_hash_uses_owasps_19_mib_two_pass_one_lane_argon2id():
    # The OWASP Password Storage Cheat Sheet's second argon2id configuration: m=19456 (19 MiB),
    # t=2, p=1; a sign-in then takes 19 MiB of a worker's memory, not the 64 MiB of argon2-cffi's
    # default (m=65536, t=3, p=4).
    assert hash_password(STRONG_12).startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_pwd008_the_same_password_hashes_differently_each_time():
    # Each hash has its own salt.
    assert hash_password(STRONG_12) != hash_password(STRONG_12)


def test_pwd009_verify_accepts_the_password_and_refuses_others():
    hashed = hash_password(STRONG_12)
    assert verify_password(hashed, STRONG_12) is True
    assert verify_password(hashed, "Tz8#qLm2vR9W") is False
    assert verify_password(hashed, "") is False


def test_pwd010_verify_with_no_hash_is_false():
    # Given an account with no password (or none at all), then no password is right.
    assert verify_password(None, STRONG_12) is False
    assert verify_password(None, "not the password of any account") is False
    assert verify_password("", STRONG_12) is False


def test_pwd011_verify_with_a_broken_hash_is_false():
    assert verify_password("not a hash", STRONG_12) is False


def test_pwd017_a_refusal_takes_as_long_whatever_the_hash_was_made_with():
    # Given a hash made with the earlier default parameters (64 MiB, three passes, four lanes:
    # some five times as slow to check), a hash made now, and no account at all,
    older = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4).hash(STRONG_12)
    took = {}
    for name, stored in (("older", older), ("now", hash_password(STRONG_12)), ("none", None)):
        started = time.monotonic()
        # when a wrong password is checked against each,
        assert verify_password(stored, "Tz8#qLm2vR9W") is False
        took[name] = time.monotonic() - started
    # then none is refused sooner than the floor (measured, the older check took about 0.11 s),
    assert all(t >= REFUSED_AFTER_SECONDS for t in took.values()), took
    # and the right password is not held back.
    started = time.monotonic()
    assert verify_password(hash_password(STRONG_12), STRONG_12) is True
    assert time.monotonic() - started < REFUSED_AFTER_SECONDS
