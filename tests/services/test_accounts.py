"""Accounts: adding, roles, disabling, signing in with a password or the identity provider, the
limits on failed sign-ins, and the audit trail's record of each."""

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.actors import ANONYMOUS, Actor, Forbidden, SignInRefused
from domain.roles import Role, Roles
from services.accounts import (
    AccountError,
    AccountRecord,
    add_account,
    authenticate,
    count_accounts,
    find_account,
    list_accounts,
    set_disabled,
    set_password,
    set_role,
    sign_in_oidc,
)
from services.audit import read_events
from storage.models import Account
from tests.councils import NORFOLK_CODE

# An administrator of Norfolk, acting in it.
ADMIN = Actor("head@norfolk.gov.uk", Role.ADMIN, "10.0.0.9", NORFOLK_CODE)
# An administrator of every council, acting outside any.
OVERALL_ADMIN = Actor("ops@lfi.example", Role.ADMIN, "10.0.0.8")
ANN = "ann.lee@norfolk.gov.uk"
PASSWORD = "harbour-violet-kestrel"
WRONG_DETAILS = "Enter a correct e-mail address and password"
TOO_MANY = (
    "There have been too many failed attempts to sign in. Wait 15 minutes and try again, or ask "
    "an administrator to check your account"
)


def _add_ann(engine, role=Role.FINANCE_OFFICER) -> AccountRecord:
    return add_account(engine, ADMIN, email=ANN, role=role, password=PASSWORD, council=NORFOLK_CODE)


def _role(record: AccountRecord) -> Role | None:
    return record.roles.in_council(NORFOLK_CODE)


def _stored_hash(engine, email: str) -> str | None:
    with Session(engine) as session:
        return session.scalar(select(Account.password_hash).where(Account.email == email))


def _sign_in(engine, password: str, *, email: str = ANN, address: str | None = "10.0.0.1"):
    return authenticate(engine, email=email, password=password, address=address)


def test_acc001_an_account_is_added_lower_case_with_its_role_and_a_hash(engine):
    # Given an admin, when they add an account typed in mixed case with spaces around it,
    record = add_account(
        engine,
        ADMIN,
        email="  Ann.Lee@Norfolk.GOV.uk ",
        role=Role.FINANCE_OFFICER,
        password=PASSWORD,
        council=NORFOLK_CODE,
    )
    # then it is stored in lower case, with its role in Norfolk alone, local and enabled,
    assert record.roles.councils == {NORFOLK_CODE: Role.FINANCE_OFFICER}
    assert record.roles.everywhere is None
    assert (record.email, _role(record), record.source, record.disabled) == (
        ANN,
        Role.FINANCE_OFFICER,
        "local",
        False,
    )
    assert find_account(engine, "ANN.LEE@norfolk.gov.uk") == record
    assert count_accounts(engine) == 1
    # and the password is kept only as an argon2id hash.
    stored = _stored_hash(engine, ANN)
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_acc002_a_second_account_for_the_same_email_is_refused(engine):
    # Given Ann's account, when another is added for her e-mail in capitals, then it is refused.
    _add_ann(engine)
    with pytest.raises(AccountError) as refused:
        add_account(
            engine,
            ADMIN,
            email="ANN.LEE@norfolk.gov.uk",
            role=Role.ADMIN,
            password=PASSWORD,
            council=NORFOLK_CODE,
        )
    assert str(refused.value) == "There is already an account for ann.lee@norfolk.gov.uk"
    assert count_accounts(engine) == 1
    assert _role(find_account(engine, ANN)) is Role.FINANCE_OFFICER


@pytest.mark.parametrize(
    "email", ["not-an-email", "ann@norfolk", "ann@@norfolk.gov.uk", "ann lee@norfolk.gov.uk", ""]
)
def test_acc003_text_that_is_not_an_email_is_refused(engine, email):
    with pytest.raises(AccountError) as refused:
        add_account(
            engine, ADMIN, email=email, role=Role.VIEWER, password=PASSWORD, council=NORFOLK_CODE
        )
    assert str(refused.value) == f"{email!r} is not an e-mail address"
    assert count_accounts(engine) == 0


@pytest.mark.parametrize(
    "actor",
    [
        Actor("vi@norfolk.gov.uk", Role.VIEWER),
        Actor("fo@norfolk.gov.uk", Role.FINANCE_OFFICER),
        Actor("pl@norfolk.gov.uk", Role.PROGRAMME_LEAD),
        ANONYMOUS,
    ],
)
def test_acc004_only_an_admin_may_add_an_account(engine, actor):
    # Given someone who is not an admin, when they add an account, then they are forbidden,
    with pytest.raises(Forbidden) as refused:
        add_account(
            engine, actor, email=ANN, role=Role.ADMIN, password=PASSWORD, council=NORFOLK_CODE
        )
    assert str(refused.value) == f"{actor.name} may not administer"
    # nothing is stored and nothing is recorded.
    assert count_accounts(engine) == 0
    assert read_events(engine, None) == []


def test_acc005_only_an_admin_may_change_an_account(engine):
    _add_ann(engine)
    lead = Actor("pl@norfolk.gov.uk", Role.PROGRAMME_LEAD)
    with pytest.raises(Forbidden):
        set_role(engine, lead, email=ANN, role=Role.ADMIN, council=NORFOLK_CODE)
    with pytest.raises(Forbidden):
        set_disabled(engine, lead, email=ANN, disabled=True)
    with pytest.raises(Forbidden):
        list_accounts(engine, lead)
    assert _role(find_account(engine, ANN)) is Role.FINANCE_OFFICER
    assert not find_account(engine, ANN).disabled
    assert [e.action for e in read_events(engine, None)] == ["account_add"]


def test_acc006_accounts_are_listed_by_email(engine):
    # Given three accounts added out of order, when listed, then they come by e-mail.
    for email, role in [
        ("cy.jones@norfolk.gov.uk", Role.VIEWER),
        (ANN, Role.FINANCE_OFFICER),
        ("bo.chen@norfolk.gov.uk", Role.ADMIN),
    ]:
        add_account(engine, ADMIN, email=email, role=role, password=PASSWORD, council=NORFOLK_CODE)
    listed = list_accounts(engine, ADMIN)
    assert [(a.email, _role(a)) for a in listed] == [
        (ANN, Role.FINANCE_OFFICER),
        ("bo.chen@norfolk.gov.uk", Role.ADMIN),
        ("cy.jones@norfolk.gov.uk", Role.VIEWER),
    ]


def test_acc007_an_admin_changes_a_role(engine):
    _add_ann(engine)
    changed = set_role(
        engine,
        ADMIN,
        email="Ann.Lee@norfolk.gov.uk",
        role=Role.PROGRAMME_LEAD,
        council=NORFOLK_CODE,
    )
    assert changed.roles.councils == {NORFOLK_CODE: Role.PROGRAMME_LEAD}
    assert _role(find_account(engine, ANN)) is Role.PROGRAMME_LEAD
    signed_in = _sign_in(engine, PASSWORD)
    assert _role(signed_in) is Role.PROGRAMME_LEAD


def test_acc008_changing_an_account_that_does_not_exist_is_refused(engine):
    with pytest.raises(AccountError) as refused:
        set_role(engine, ADMIN, email=ANN, role=Role.VIEWER, council=NORFOLK_CODE)
    assert str(refused.value) == "There is no account for ann.lee@norfolk.gov.uk"
    assert read_events(engine, None) == []


def test_acc009_a_disabled_account_cannot_sign_in(engine):
    # Given Ann's account that signs in, when an admin disables it,
    _add_ann(engine)
    assert isinstance(_sign_in(engine, PASSWORD), AccountRecord)
    disabled = set_disabled(engine, ADMIN, email=ANN, disabled=True)
    assert disabled.disabled
    assert disabled.as_actor().role is None
    assert disabled.as_actor(council=NORFOLK_CODE).role is None
    # then her right password is refused with the same words as a wrong one,
    assert _sign_in(engine, PASSWORD) == SignInRefused(WRONG_DETAILS)
    # and once enabled again she signs in.
    set_disabled(engine, ADMIN, email=ANN, disabled=False)
    assert isinstance(_sign_in(engine, PASSWORD), AccountRecord)


def test_acc010_the_right_password_signs_in_and_a_wrong_one_does_not(engine):
    added = _add_ann(engine)
    # When Ann signs in with her password typed after her e-mail in capitals, then she is in;
    assert authenticate(
        engine, email=" ANN.LEE@norfolk.gov.uk", password=PASSWORD, address=None
    ) == (added)
    # a wrong password and an unknown e-mail are refused in the same words.
    assert _sign_in(engine, "harbour-violet-kestrel!") == SignInRefused(WRONG_DETAILS)
    assert _sign_in(engine, PASSWORD, email="nobody@norfolk.gov.uk") == SignInRefused(WRONG_DETAILS)
    assert _sign_in(engine, PASSWORD, email="") == SignInRefused(WRONG_DETAILS)


def test_acc011_after_five_failures_the_sixth_attempt_from_that_address_is_limited(engine):
    # Given five wrong passwords for Ann's account from one address,
    _add_ann(engine)
    for _ in range(5):
        assert _sign_in(engine, "wrong-password-here") == SignInRefused(WRONG_DETAILS)
    # when the sixth and seventh attempts from there have the right password, they are refused,
    assert _sign_in(engine, PASSWORD) == SignInRefused(TOO_MANY)
    assert _sign_in(engine, PASSWORD) == SignInRefused(TOO_MANY)
    # but Ann at her own desk is not shut out of her account by someone else's guesses;
    assert isinstance(_sign_in(engine, PASSWORD, address="10.0.0.2"), AccountRecord)
    # and the limit is recorded once, not once an attempt.
    outcomes = [e.outcome for e in read_events(engine, None) if e.action == "sign_in"]
    assert outcomes == ["ok", "limited", "failed", "failed", "failed", "failed", "failed"]


def test_acc025_attempts_refused_for_an_address_s_limit_are_recorded_once_whatever_the_names(
    engine,
):
    # Given twenty failed sign-ins from one address, each for a different name,
    for number in range(20):
        _sign_in(engine, "wrong-password-here", email=f"guess{number}@example.org")
    # when thirty more names are tried from there,
    for number in range(20, 50):
        assert _sign_in(
            engine, "wrong-password-here", email=f"guess{number}@example.org"
        ) == SignInRefused(TOO_MANY)
    # then the trail holds the twenty failures and one refusal, not thirty.
    outcomes = [e.outcome for e in read_events(engine, None) if e.action == "sign_in"]
    assert outcomes == ["limited"] + ["failed"] * 20


def test_acc012_four_failures_leave_the_account_open(engine):
    _add_ann(engine)
    for _ in range(4):
        _sign_in(engine, "wrong-password-here")
    assert isinstance(_sign_in(engine, PASSWORD), AccountRecord)


def test_acc013_twenty_failures_from_one_address_limit_that_address(engine):
    # Given twenty failed sign-ins from one address, each for a different e-mail,
    _add_ann(engine)
    for n in range(20):
        refused = _sign_in(engine, PASSWORD, email=f"guess{n}@norfolk.gov.uk", address="192.0.2.7")
        assert refused == SignInRefused(WRONG_DETAILS)
    # when Ann's right password comes from that address, then it is refused,
    assert _sign_in(engine, PASSWORD, address="192.0.2.7") == SignInRefused(TOO_MANY)
    # but from another address she signs in.
    assert _sign_in(engine, PASSWORD, address="192.0.2.8").email == ANN


def test_acc014_every_sign_in_attempt_is_recorded(engine):
    # Given Ann's account, when she fails, succeeds, and someone unknown tries,
    _add_ann(engine)
    _sign_in(engine, "wrong-password-here", email="Ann.Lee@norfolk.gov.uk", address="10.0.0.1")
    _sign_in(engine, PASSWORD, address="10.0.0.2")
    _sign_in(engine, PASSWORD, email="nobody@norfolk.gov.uk", address="10.0.0.3")
    _sign_in(engine, PASSWORD, address=None)
    # then each is in the trail, newest first, with who, the outcome and the address.
    events = [
        (e.actor, e.action, e.outcome, e.address, e.target)
        for e in read_events(engine, None)
        if e.action == "sign_in"
    ]
    assert events == [
        (ANN, "sign_in", "ok", None, None),
        ("nobody@norfolk.gov.uk", "sign_in", "failed", "10.0.0.3", None),
        (ANN, "sign_in", "ok", "10.0.0.2", None),
        (ANN, "sign_in", "failed", "10.0.0.1", None),
    ]


def test_acc015_account_changes_are_recorded_with_the_admin_and_the_account(engine):
    # Given an admin who adds Ann, changes her role and disables her,
    _add_ann(engine, role=Role.VIEWER)
    set_role(engine, ADMIN, email=ANN, role=Role.PROGRAMME_LEAD, council=NORFOLK_CODE)
    set_disabled(engine, ADMIN, email=ANN, disabled=True)
    set_disabled(engine, ADMIN, email=ANN, disabled=False)
    # then the trail holds each change: the admin, the action, Ann, what changed and where,
    # each in Norfolk, the council the admin acted in.
    events = [
        (e.actor, e.action, e.outcome, e.target, e.detail, e.address)
        for e in read_events(engine, NORFOLK_CODE)
    ]
    head = "head@norfolk.gov.uk"
    assert events == [
        (head, "account_enable", "ok", ANN, '{"disabled": false}', "10.0.0.9"),
        (head, "account_disable", "ok", ANN, '{"disabled": true}', "10.0.0.9"),
        (
            head,
            "account_role",
            "ok",
            ANN,
            '{"council": "E10000020", "role": "programme_lead"}',
            "10.0.0.9",
        ),
        (head, "account_add", "ok", ANN, '{"council": "E10000020", "role": "viewer"}', "10.0.0.9"),
    ]
    assert len(read_events(engine, None)) == 4


def test_acc016_no_password_or_hash_appears_in_the_trail(engine):
    # Given Ann's account whose password is then changed and used,
    _add_ann(engine)
    first_hash = _stored_hash(engine, ANN)
    new_password = "copper-kettle-lantern"
    set_password(engine, ADMIN, email=ANN, password=new_password)
    second_hash = _stored_hash(engine, ANN)
    assert first_hash != second_hash
    _sign_in(engine, PASSWORD)
    _sign_in(engine, new_password)
    # then neither password nor either hash is in any event of the trail.
    events = read_events(engine, None)
    assert [e.action for e in events] == [
        "sign_in",
        "sign_in",
        "account_password",
        "account_add",
    ]
    assert events[2].detail is None
    for event in events:
        text = repr(event)
        for secret in (PASSWORD, new_password, first_hash, second_hash, "$argon2"):
            assert secret not in text


def test_acc017_first_sign_in_through_the_identity_provider_makes_an_account(engine):
    # Given no account, when the identity provider vouches for Bo as a finance officer,
    signed_in = sign_in_oidc(
        engine,
        subject="sub-0001",
        email="Bo.Chen@norfolk.gov.uk",
        role=Role.FINANCE_OFFICER,
        address="10.0.0.4",
    )
    # then an account is made for him, with the role in every council (the provider names
    # none) and no password,
    assert signed_in.roles.councils == {}
    assert (signed_in.email, signed_in.roles.everywhere, signed_in.source, signed_in.disabled) == (
        "bo.chen@norfolk.gov.uk",
        Role.FINANCE_OFFICER,
        "oidc",
        False,
    )
    assert find_account(engine, "bo.chen@norfolk.gov.uk") == signed_in
    assert _stored_hash(engine, "bo.chen@norfolk.gov.uk") is None
    # and the sign-in is recorded as through the provider.
    [event] = read_events(engine, None)
    assert (event.actor, event.action, event.outcome, event.detail, event.address) == (
        "bo.chen@norfolk.gov.uk",
        "sign_in",
        "ok",
        '{"council": "every council", "role": "finance_officer", "via": "oidc"}',
        "10.0.0.4",
    )
    assert event.council is None


def test_acc018_the_providers_role_is_taken_at_each_sign_in(engine):
    first = sign_in_oidc(
        engine, subject="sub-0001", email="bo.chen@norfolk.gov.uk", role=Role.VIEWER, address=None
    )
    again = sign_in_oidc(
        engine, subject="sub-0001", email="bo.chen@norfolk.gov.uk", role=Role.ADMIN, address=None
    )
    assert again.id == first.id
    assert again.roles.everywhere is Role.ADMIN
    assert count_accounts(engine) == 1


def test_acc019_an_identity_provider_account_cannot_sign_in_with_a_password(engine):
    sign_in_oidc(
        engine, subject="sub-0001", email="bo.chen@norfolk.gov.uk", role=Role.VIEWER, address=None
    )
    refused = _sign_in(engine, PASSWORD, email="bo.chen@norfolk.gov.uk")
    assert refused == SignInRefused(WRONG_DETAILS)


def test_acc020_no_role_from_the_provider_means_no_sign_in(engine):
    # Given the provider vouches for Bo but gives him no role, then he is refused and no
    # account is made.
    refused = sign_in_oidc(
        engine, subject="sub-0001", email="bo.chen@norfolk.gov.uk", role=None, address="10.0.0.4"
    )
    assert refused == SignInRefused(
        "Your account has no role in this dashboard. Ask your administrator to give you one"
    )
    assert count_accounts(engine) == 0
    [event] = read_events(engine, None)
    assert (event.actor, event.action, event.outcome) == (
        "bo.chen@norfolk.gov.uk",
        "sign_in",
        "failed",
    )


def test_acc021_a_disabled_provider_account_is_refused(engine):
    sign_in_oidc(
        engine, subject="sub-0001", email="bo.chen@norfolk.gov.uk", role=Role.VIEWER, address=None
    )
    # Bo holds his role in every council, so Norfolk's admin may not disable him; the
    # administrator of every council may.
    with pytest.raises(Forbidden):
        set_disabled(engine, ADMIN, email="bo.chen@norfolk.gov.uk", disabled=True)
    set_disabled(engine, OVERALL_ADMIN, email="bo.chen@norfolk.gov.uk", disabled=True)
    refused = sign_in_oidc(
        engine, subject="sub-0001", email="bo.chen@norfolk.gov.uk", role=Role.VIEWER, address=None
    )
    assert refused == SignInRefused("Your account has been disabled. Ask your administrator")


def test_acc022_a_provider_sign_in_for_a_local_accounts_email_is_refused(engine):
    # Given Ann's local account, when the provider vouches for someone with her e-mail,
    _add_ann(engine)
    refused = sign_in_oidc(engine, subject="sub-0002", email=ANN, role=Role.ADMIN, address=None)
    # then it is refused and her account is unchanged.
    assert refused == SignInRefused(
        "There is already a local account for ann.lee@norfolk.gov.uk. Ask your administrator"
    )
    assert count_accounts(engine) == 1
    kept = find_account(engine, ANN)
    assert (_role(kept), kept.source) == (Role.FINANCE_OFFICER, "local")


def test_acc026_an_account_with_no_role_anywhere_cannot_sign_in(engine):
    # Given Ann, a finance officer in Norfolk, whose role there is taken away,
    _add_ann(engine)
    taken = set_role(engine, ADMIN, email=ANN, role=None, council=NORFOLK_CODE)
    assert taken.roles.councils == {}
    assert taken.roles.everywhere is None
    # when she signs in with her right password, then she is refused for having no role,
    assert _sign_in(engine, PASSWORD) == SignInRefused(
        "Your account has no role in this dashboard. Ask your administrator to give you one"
    )
    # and the trail says why.
    newest = read_events(engine, None)[0]
    assert (newest.actor, newest.action, newest.outcome, newest.detail) == (
        ANN,
        "sign_in",
        "failed",
        '{"why": "no role"}',
    )


def test_acc027_a_role_in_every_council_is_granted_by_an_administrator_of_every_council(engine):
    # Given Norfolk's admin, when they grant a role in every council, then they are refused,
    with pytest.raises(Forbidden) as refused:
        add_account(engine, ADMIN, email=ANN, role=Role.VIEWER, password=PASSWORD, council=None)
    assert str(refused.value) == "head@norfolk.gov.uk may not manage roles in every council"
    # and so is the administrator of every council granting in Norfolk without acting in it;
    with pytest.raises(Forbidden) as refused:
        add_account(
            engine,
            OVERALL_ADMIN,
            email=ANN,
            role=Role.VIEWER,
            password=PASSWORD,
            council=NORFOLK_CODE,
        )
    assert str(refused.value) == "ops@lfi.example may not manage roles in council E10000020"
    assert count_accounts(engine) == 0
    # acting outside any council, they grant a role in every council,
    added = add_account(
        engine, OVERALL_ADMIN, email=ANN, role=Role.VIEWER, password=PASSWORD, council=None
    )
    assert added.roles == Roles(everywhere=Role.VIEWER)
    # and acting in Norfolk, a higher one there, which is hers in Norfolk alone.
    in_norfolk = OVERALL_ADMIN.in_council(NORFOLK_CODE, Role.ADMIN)
    raised = set_role(engine, in_norfolk, email=ANN, role=Role.PROGRAMME_LEAD, council=NORFOLK_CODE)
    assert raised.roles.in_council(NORFOLK_CODE) is Role.PROGRAMME_LEAD
    assert raised.roles.in_council("E10000019") is Role.VIEWER
    assert raised.as_actor(council=NORFOLK_CODE).role is Role.PROGRAMME_LEAD
    assert raised.as_actor().role is Role.VIEWER


def test_acc028_a_councils_provider_gives_a_role_in_that_council_only(engine):
    # Given Norfolk's identity provider, when it vouches for Bo as a finance officer,
    signed_in = sign_in_oidc(
        engine,
        subject="sub-0001",
        email="bo.chen@norfolk.gov.uk",
        role=Role.FINANCE_OFFICER,
        address=None,
        council=NORFOLK_CODE,
    )
    # then the role is his in Norfolk and nowhere else,
    assert signed_in.roles == Roles(councils={NORFOLK_CODE: Role.FINANCE_OFFICER})
    assert signed_in.roles.in_council("E10000019") is None
    # and when it later says admin, that is his role in Norfolk from then on.
    again = sign_in_oidc(
        engine,
        subject="sub-0001",
        email="bo.chen@norfolk.gov.uk",
        role=Role.ADMIN,
        address=None,
        council=NORFOLK_CODE,
    )
    assert again.roles == Roles(councils={NORFOLK_CODE: Role.ADMIN})


def test_acc029_a_hash_made_with_older_parameters_is_made_again_at_sign_in(engine):
    # Given Ann's password hashed with argon2-cffi's default parameters (64 MiB, three passes,
    # four lanes), as accounts made before the OWASP parameters were,
    _add_ann(engine)
    with Session(engine) as session:
        account = session.scalar(select(Account).where(Account.email == ANN))
        account.password_hash = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4).hash(
            PASSWORD
        )
        session.commit()
    assert _stored_hash(engine, ANN).startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    # when she signs in with it, she is let in, and her hash is made again with the new ones.
    assert _role(_sign_in(engine, PASSWORD)) is Role.FINANCE_OFFICER
    assert _stored_hash(engine, ANN).startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert _role(_sign_in(engine, PASSWORD)) is Role.FINANCE_OFFICER
