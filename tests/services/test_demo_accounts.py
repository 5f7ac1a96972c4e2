"""Demo accounts: one per role on a database with no accounts, sharing one random password that
the policy accepts, each recorded in the audit trail; never made twice, nor beside real accounts."""

import re

import pytest

from domain.actors import Actor, Forbidden, command_line_actor
from domain.roles import Role, Roles
from services.accounts import AccountRecord, add_account, authenticate, count_accounts
from services.audit import read_events
from services.demo_accounts import DEMO_EMAILS, add_demo_accounts, demo_password
from services.passwords import check_password
from tests.councils import NORFOLK_CODE

OPERATOR = command_line_actor("ops")
SUFFOLK_CODE = "E10000029"  # the second demo council
DEMO_COUNCILS = (NORFOLK_CODE, SUFFOLK_CODE)


def test_dac001_an_empty_database_gets_one_account_per_role_with_one_password(engine):
    made = add_demo_accounts(engine, OPERATOR, DEMO_COUNCILS)

    assert made is not None
    assert made.emails == {
        Role.VIEWER: "viewer@demo.example.org",
        Role.FINANCE_OFFICER: "finance@demo.example.org",
        Role.PROGRAMME_LEAD: "lead@demo.example.org",
        Role.ADMIN: "admin@demo.example.org",
    }
    assert count_accounts(engine) == 4
    # each signs in with the one password, with its own role in each demo council; the admin
    # is admin in every council
    for role, email in made.emails.items():
        found = authenticate(engine, email=email, password=made.password, address=None)
        assert isinstance(found, AccountRecord)
        assert (found.email, found.source) == (email, "local")
        for code in DEMO_COUNCILS:
            assert found.roles.in_council(code) is role
    admin = authenticate(
        engine, email="admin@demo.example.org", password=made.password, address=None
    )
    assert admin.roles == Roles(everywhere=Role.ADMIN)
    viewer = authenticate(
        engine, email="viewer@demo.example.org", password=made.password, address=None
    )
    assert viewer.roles == Roles(councils={code: Role.VIEWER for code in DEMO_COUNCILS})


def test_dac002_each_demo_account_is_in_the_audit_trail_as_the_operator_added_it(engine):
    add_demo_accounts(engine, OPERATOR, DEMO_COUNCILS)

    added = sorted(
        (e.actor, e.action, e.outcome, e.target, e.detail)
        for e in read_events(engine, None)
        if e.action == "account_add"
    )
    assert added == [
        ("os:ops", "account_add", "ok", email, f'{{"demo": true, "role": "{role}"}}')
        for email, role in sorted(
            [
                ("admin@demo.example.org", "admin"),
                ("finance@demo.example.org", "finance_officer"),
                ("lead@demo.example.org", "programme_lead"),
                ("viewer@demo.example.org", "viewer"),
            ]
        )
    ]


def test_dac003_a_second_start_makes_none_and_keeps_the_first_password(engine):
    first = add_demo_accounts(engine, OPERATOR, DEMO_COUNCILS)

    assert add_demo_accounts(engine, OPERATOR, DEMO_COUNCILS) is None

    assert count_accounts(engine) == 4
    assert len([e for e in read_events(engine, None) if e.action == "account_add"]) == 4
    found = authenticate(
        engine, email="viewer@demo.example.org", password=first.password, address=None
    )
    assert isinstance(found, AccountRecord)


def test_dac004_none_are_made_beside_an_account_someone_added(engine):
    add_account(
        engine,
        OPERATOR,
        email="ann.lee@norfolk.gov.uk",
        role=Role.ADMIN,
        password="harbour-violet-kestrel",
        council=None,
    )

    assert add_demo_accounts(engine, OPERATOR, DEMO_COUNCILS) is None
    assert count_accounts(engine) == 1


def test_dac005_only_an_administrator_may_make_them(engine):
    with pytest.raises(Forbidden):
        add_demo_accounts(engine, Actor("lead@norfolk.gov.uk", Role.PROGRAMME_LEAD), DEMO_COUNCILS)
    assert count_accounts(engine) == 0


def test_dac006_the_password_is_four_groups_of_four_that_the_policy_accepts():
    passwords = {demo_password() for _ in range(5)}

    # drawn afresh each time
    assert len(passwords) == 5
    for password in passwords:
        assert re.fullmatch(r"[a-hjkmnp-z2-9]{4}(-[a-hjkmnp-z2-9]{4}){3}", password)
        for email in DEMO_EMAILS.values():
            check_password(password, email=email)
