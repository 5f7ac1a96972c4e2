"""Who may do what: four roles, each holding everything the one before it holds, and more."""

import pytest

from domain.actors import ANONYMOUS, Actor, Forbidden, command_line_actor
from domain.roles import Permission, Role, RoleError, parse_role

# Rows: the role; columns: read, upload, write notes, administer.
MAY = {
    Role.VIEWER: (True, False, False, False),
    Role.FINANCE_OFFICER: (True, True, False, False),
    Role.PROGRAMME_LEAD: (True, True, True, False),
    Role.ADMIN: (True, True, True, True),
}
COLUMNS = (Permission.READ, Permission.UPLOAD, Permission.WRITE_NOTES, Permission.ADMINISTER)


@pytest.mark.parametrize(
    ("role", "rank"),
    [
        (Role.VIEWER, 0),
        (Role.FINANCE_OFFICER, 1),
        (Role.PROGRAMME_LEAD, 2),
        (Role.ADMIN, 3),
    ],
)
def test_rol001_roles_are_ranked_from_viewer_to_admin(role, rank):
    # Given a role, when its rank is asked, then it is its place in the ladder.
    assert role.rank == rank


@pytest.mark.parametrize(
    ("role", "permission", "allowed"),
    [
        (role, permission, MAY[role][column])
        for role in MAY
        for column, permission in enumerate(COLUMNS)
    ],
)
def test_rol002_each_role_may_do_what_the_table_says(role, permission, allowed):
    # Given a role and a permission, when asked whether it may, then the table answers.
    assert role.may(permission) is allowed


def test_rol003_the_table_covers_all_four_roles_and_permissions():
    # Given the roles and permissions the code defines, then the table above names every one.
    assert list(Role) == list(MAY)
    assert list(Permission) == list(COLUMNS)


@pytest.mark.parametrize(
    ("role", "title"),
    [
        (Role.VIEWER, "Viewer"),
        (Role.FINANCE_OFFICER, "Finance officer"),
        (Role.PROGRAMME_LEAD, "Programme lead"),
        (Role.ADMIN, "Admin"),
    ],
)
def test_rol004_each_role_has_a_title_for_people(role, title):
    assert role.title == title


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("viewer", Role.VIEWER),
        ("Viewer", Role.VIEWER),
        ("  ADMIN ", Role.ADMIN),
        ("finance officer", Role.FINANCE_OFFICER),
        ("finance_officer", Role.FINANCE_OFFICER),
        ("Finance-Officer", Role.FINANCE_OFFICER),
        ("finance   officer", Role.FINANCE_OFFICER),
        ("Programme Lead", Role.PROGRAMME_LEAD),
        ("programme-lead", Role.PROGRAMME_LEAD),
    ],
)
def test_rol005_a_role_is_read_in_the_ways_people_type_it(text, role):
    # Given a role's name as typed, when parsed, then it is that role.
    assert parse_role(text) is role


@pytest.mark.parametrize("text", ["", "superuser", "finance", "programme leader", "admins"])
def test_rol006_a_name_that_is_not_a_role_is_refused_with_the_four_names(text):
    # Given text that names no role, when parsed, then the error lists the four.
    with pytest.raises(RoleError) as refused:
        parse_role(text)
    assert str(refused.value) == (
        f"{text!r} is not a role: use one of viewer, finance_officer, programme_lead, admin"
    )


def test_rol007_a_role_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_role("owner")


def test_rol008_an_actor_without_a_role_may_do_nothing():
    # Given the anonymous reader, then no permission is theirs and require says so.
    assert not ANONYMOUS.signed_in
    assert [ANONYMOUS.may(p) for p in COLUMNS] == [False, False, False, False]
    with pytest.raises(Forbidden) as refused:
        ANONYMOUS.require(Permission.READ)
    assert str(refused.value) == "anonymous may not read"


def test_rol009_an_actor_is_refused_what_their_role_does_not_hold():
    # Given a finance officer, when they ask to write notes, then Forbidden names them and it.
    officer = Actor("ann.lee@norfolk.gov.uk", Role.FINANCE_OFFICER)
    officer.require(Permission.UPLOAD)
    with pytest.raises(Forbidden) as refused:
        officer.require(Permission.WRITE_NOTES)
    assert str(refused.value) == "ann.lee@norfolk.gov.uk may not write notes"


def test_rol010_the_command_line_operator_holds_every_permission():
    operator = command_line_actor("jsmith")
    assert operator.name == "os:jsmith"
    assert operator.role is Role.ADMIN
    assert [operator.may(p) for p in COLUMNS] == [True, True, True, True]
