from decimal import Decimal as D
from itertools import product

import pytest

from exports.disclosure import DerivedRule, TotalRule, suppress, suppressed_cells
from exports.symbols import SUPPRESSED, SYMBOLS
from exports.table import Column, Table

C = SUPPRESSED


def make_table(columns, rows, notes=()):
    return Table(
        title="Test table",
        columns=tuple(Column(name, kind) for name, kind in columns),
        rows=tuple(tuple(row) for row in rows),
        notes=notes,
    )


def is_unknown(value):
    return value is None or value == C


def recoverable(table, rules):
    """Fail if any rule has exactly one unknown cell, which a reader could work out by subtraction."""
    for rule in rules:
        cells = (rule.total, *rule.parts)
        unknowns = sum(1 for r, c in cells if is_unknown(table.rows[r][c]))
        assert unknowns != 1, f"{rule} leaves a single unknown"


def upper_bound(cell, table, rules):
    """Counts are never negative, so a part is never more than any total it is part of."""
    bounds = [
        table.rows[rule.total[0]][rule.total[1]]
        for rule in rules
        if cell in rule.parts and not is_unknown(table.rows[rule.total[0]][rule.total[1]])
    ]
    return min(bounds)


def solutions(table, rules):
    """Every set of values for the withheld cells that agrees with every total shown."""
    hidden = sorted(suppressed_cells(table))
    ranges = [range(upper_bound(cell, table, rules) + 1) for cell in hidden]
    found = []
    for values in product(*ranges):
        guess = dict(zip(hidden, values, strict=True))

        def value(cell, guess=guess):
            return guess.get(cell, table.rows[cell[0]][cell[1]])

        if all(value(rule.total) == sum(value(p) for p in rule.parts) for rule in rules):
            found.append(guess)
    return found


def two_way_rules(n_rows, n_columns):
    """Rules for a table with a label column, then counts, then a Total column and a Total row."""
    total_row, total_column = n_rows, n_columns + 1
    interior = range(1, n_columns + 1)
    rows = [
        TotalRule(total=(r, total_column), parts=tuple((r, c) for c in interior))
        for r in range(n_rows + 1)
    ]
    columns = [
        TotalRule(total=(total_row, c), parts=tuple((r, c) for r in range(n_rows)))
        for c in [*interior, total_column]
    ]
    return rows + columns


TERMS = [("Need", "text"), ("Autumn", "count"), ("Spring", "count")]


def test_dis001_counts_from_1_to_4_are_withheld_and_0_and_5_shown():
    # Given counts 0 to 5 (one as a Decimal) in a count column
    table = make_table(
        [("Need", "text"), ("Pupils", "count")],
        [["A", 0], ["B", 1], ["C", 2], ["D", D("3")], ["E", 4], ["F", 5]],
    )
    # When suppressed with the default threshold of 4
    result = suppress(table)
    # Then 1, 2, 3 and 4 become [c]; 0 and 5 stay
    assert [row[1] for row in result.rows] == [0, C, C, C, C, 5]
    assert suppressed_cells(result) == {(1, 1), (2, 1), (3, 1), (4, 1)}


def test_dis002_a_custom_threshold_withholds_counts_up_to_it():
    table = make_table([("Need", "text"), ("Pupils", "count")], [["A", 5], ["B", 9], ["C", 10]])
    result = suppress(table, threshold=9)
    # 5 and 9 are within 1..9; 10 is not
    assert [row[1] for row in result.rows] == [C, C, 10]


def test_dis003_a_threshold_below_1_is_refused():
    table = make_table([("Pupils", "count")], [[3]])
    with pytest.raises(ValueError, match="threshold"):
        suppress(table, threshold=0)


def test_dis004_only_count_columns_are_withheld_for_being_small():
    # A percent of 3 (300%) or a money figure of 2 is not a count of children
    table = make_table(
        [("Need", "text"), ("Share", "percent"), ("Cost", "money_m")],
        [["A", 3, D("2")]],
    )
    assert suppress(table).rows == (("A", 3, D("2")),)


def test_dis005_the_next_smallest_part_is_withheld_with_a_small_one():
    # Given parts 3, 8, 6, 12 and their total 29 (3 + 8 + 6 + 12 = 29)
    table = make_table(
        [("Need", "text"), *[(t, "count") for t in ("Aut", "Spr", "Sum", "Oth")], ("All", "count")],
        [["ASD", 3, 8, 6, 12, 29]],
    )
    rule = TotalRule(total=(0, 5), parts=((0, 1), (0, 2), (0, 3), (0, 4)))
    result = suppress(table, totals=[rule])
    # Then 3 is withheld, and 29 - 8 - 12 = 9 would give it away, so 6 (the smallest of 8, 6, 12)
    # is withheld too, leaving [c] + [c] = 9 with two unknowns
    assert result.rows == (("ASD", C, 8, C, 12, 29),)
    recoverable(result, [rule])


def test_dis006_of_equal_smallest_parts_the_first_is_withheld():
    # Parts 2, 6, 6, 9, total 23; the first 6 (column 2) is chosen
    table = make_table(
        [("Need", "text"), *[(t, "count") for t in ("Aut", "Spr", "Sum", "Oth")], ("All", "count")],
        [["ASD", 2, 6, 6, 9, 23]],
    )
    rule = TotalRule(total=(0, 5), parts=((0, 1), (0, 2), (0, 3), (0, 4)))
    assert suppress(table, totals=[rule]).rows == (("ASD", C, C, 6, 9, 23),)


def test_dis007_the_total_is_withheld_when_no_part_is_left_to_withhold():
    # Parts 3 and [z] (not applicable: text, so no unknown), total 10: 3 is withheld, and 10
    # would give it away; no part is left that is a number, so the total is withheld instead
    table = make_table(
        [("Need", "text"), ("Aut", "count"), ("Spr", "count"), ("All", "count")],
        [["ASD", 3, "[z]", 10]],
    )
    rule = TotalRule(total=(0, 3), parts=((0, 1), (0, 2)))
    assert suppress(table, totals=[rule]).rows == (("ASD", C, "[z]", C),)


def test_dis008_a_missing_part_counts_as_unknown():
    # Parts 3, None, 8, total 20: a reader learns only [c] + None = 12, so nothing more is withheld
    table = make_table(
        [("Need", "text"), ("Aut", "count"), ("Spr", "count"), ("Sum", "count"), ("All", "count")],
        [["ASD", 3, None, 8, 20]],
    )
    rule = TotalRule(total=(0, 4), parts=((0, 1), (0, 2), (0, 3)))
    assert suppress(table, totals=[rule]).rows == (("ASD", C, None, 8, 20),)


def test_dis009_a_2x2_table_with_totals_admits_many_solutions():
    # Given          Autumn  Spring  Total
    #   ASD             2      10      12
    #   SEMH            7      12      19
    #   Total           9      22      31
    table = make_table(
        [*TERMS, ("Total", "count")],
        [["ASD", 2, 10, 12], ["SEMH", 7, 12, 19], ["Total", 9, 22, 31]],
    )
    rules = two_way_rules(2, 2)
    result = suppress(table, totals=rules)
    # Then, by hand: 2 is withheld; the ASD row leaves only 10 to withhold; the Autumn column
    # (2 and 7 over 9) withholds 7; the Spring column (10 and 12 over 22) withholds 12; the SEMH
    # row then has two unknowns. All four inner cells are [c], every total shown.
    assert suppressed_cells(result) == {(0, 1), (0, 2), (1, 1), (1, 2)}
    recoverable(result, rules)
    # a + b = 12, c + d = 19, a + c = 9, b + d = 22 hold for a = 0..9 (b = 12 - a, c = 9 - a,
    # d = 10 + a): ten solutions, the true one (a = 2) among them
    found = solutions(result, rules)
    assert len(found) == 10
    assert {(0, 1): 2, (0, 2): 10, (1, 1): 7, (1, 2): 12} in found


def test_dis010_a_two_way_table_leaves_no_rule_with_a_single_unknown():
    # Given counts by need (rows) and term (columns), with totals:
    #             Autumn  Spring  Summer  Total
    #   ASD          2      11      15      28
    #   SEMH         9      14       7      30
    #   SLCN         6      10      13      29
    #   Total       17      35      35      87
    table = make_table(
        [*TERMS, ("Summer", "count"), ("Total", "count")],
        [
            ["ASD", 2, 11, 15, 28],
            ["SEMH", 9, 14, 7, 30],
            ["SLCN", 6, 10, 13, 29],
            ["Total", 17, 35, 35, 87],
        ],
    )
    rules = two_way_rules(3, 3)
    result = suppress(table, totals=rules)
    # Then, by hand, rows first: ASD withholds 2 and then 11 (smaller than 15); the Autumn column
    # (2, 9, 6) withholds 6; the Spring column (11, 14, 10) withholds 10; the SLCN row then holds
    # two unknowns (6 and 10), and no other rule has exactly one
    assert suppressed_cells(result) == {(0, 1), (0, 2), (2, 1), (2, 2)}
    recoverable(result, rules)
    assert result.rows[3] == ("Total", 17, 35, 35, 87)


def test_dis011_a_rate_on_a_withheld_count_is_withheld():
    # Given plans issued in 20 weeks, requests and the rate (issued / requests) per term and year
    #   Autumn  3 / 20 = 0.15      Spring  8 / 25 = 0.32
    #   Summer  6 / 30 = 0.2       Year   17 / 75
    table = make_table(
        [("Term", "text"), ("Issued", "count"), ("Requests", "count"), ("Rate", "percent")],
        [
            ["Autumn", 3, 20, D("0.15")],
            ["Spring", 8, 25, D("0.32")],
            ["Summer", 6, 30, D("0.2")],
            ["Year", 17, 75, D("0.2267")],
        ],
    )
    totals = [
        TotalRule(total=(3, 1), parts=((0, 1), (1, 1), (2, 1))),
        TotalRule(total=(3, 2), parts=((0, 2), (1, 2), (2, 2))),
    ]
    derived = [DerivedRule(cell=(r, 3), inputs=((r, 1), (r, 2))) for r in range(4)]
    result = suppress(table, totals=totals, derived=derived)
    # Then 3 is withheld and so its rate (0.15 x 20 = 3); 6 is withheld as the smaller of 8 and 6
    # (17 - 8 would give 3 away), and so its rate too (0.2 x 30 = 6); Spring and Year stay
    assert [row[1:] for row in result.rows] == [
        (C, 20, C),
        (8, 25, D("0.32")),
        (C, 30, C),
        (17, 75, D("0.2267")),
    ]
    recoverable(result, totals)


def test_dis012_a_rate_on_a_count_not_shown_is_withheld_through_hidden_counts():
    # Given percentages whose numerators (2, 0 and 12) are not in the table
    table = make_table(
        [("Need", "text"), ("In 20 weeks", "percent")],
        [["ASD", D("0.1")], ["SEMH", D("0")], ["SLCN", D("0.6")]],
    )
    hidden = {(0, 1): 2, (1, 1): 0, (2, 1): 12}
    result = suppress(table, hidden_counts=hidden)
    # Then only the rate on 2 is withheld: 0 is not disclosive, 12 is above 4
    assert [row[1] for row in result.rows] == [C, D("0"), D("0.6")]


def test_dis013_text_and_missing_cells_are_left_as_they_are():
    table = make_table(
        [("Need", "text"), ("Pupils", "count")],
        [["1", "[x]"], ["2", None], ["3", 3]],
    )
    result = suppress(table)
    # Labels "1", "2", "3" are text, not counts; [x] and None are not numbers
    assert result.rows == (("1", "[x]"), ("2", None), ("3", C))


def test_dis014_the_note_on_c_is_added_once_and_only_when_something_is_withheld():
    columns = [("Need", "text"), ("Pupils", "count")]
    shown = suppress(make_table(columns, [["ASD", 5]], notes=("Source: census",)))
    assert shown.notes == ("Source: census",)

    withheld = suppress(make_table(columns, [["ASD", 3]], notes=("Source: census",)), threshold=9)
    again = suppress(withheld, threshold=9)
    assert len(withheld.notes) == 2
    note = withheld.notes[1]
    assert note.startswith("[c] " + SYMBOLS["[c]"])
    assert "Counts from 1 to 9 are withheld" in note
    assert again.notes == withheld.notes


def test_dis015_the_input_table_is_not_changed():
    rows = [["ASD", 3, 8, 11], ["SEMH", 6, 7, 13]]
    table = make_table([*TERMS, ("Total", "count")], rows)
    before = make_table([*TERMS, ("Total", "count")], rows)
    rules = [
        TotalRule(total=(0, 3), parts=((0, 1), (0, 2))),
        TotalRule(total=(1, 3), parts=((1, 1), (1, 2))),
    ]
    result = suppress(table, totals=rules)
    assert table == before
    assert result != table


def test_dis016_a_rule_outside_the_table_is_refused():
    table = make_table([("Need", "text"), ("Pupils", "count")], [["ASD", 5]])
    with pytest.raises(ValueError, match=r"\(3, 1\)"):
        suppress(table, derived=[DerivedRule(cell=(3, 1), inputs=((0, 1),))])
