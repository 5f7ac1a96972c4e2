"""Formulas and Excel errors found in the sheet XML, which readers show as blank or 0."""

from loaders.grid import Grid, _scan_formulas_and_errors

SHEET = (
    b'<sheetData><row r="5"><c r="B5"><f>SUM(B1:B4)</f><v>12.5</v></c>'
    b'<c r="C5"><f>SUM(C1:C4)</f><v/></c><c r="D5" t="e"><v>#DIV/0!</v></c>'
    b'<c r="E5"><f t="shared" si="0"/><v>0</v></c></row></sheetData>'
    b'<autoFilter ref="A1:E5"><filterColumn colId="0"/></autoFilter>'
)


def test_grd001_formulas_with_no_saved_value_and_error_cells_are_found():
    grid = Grid(name="S", rows=[])
    _scan_formulas_and_errors(SHEET, recalculate_on_load=False, grid=grid)
    assert grid.unsaved_formulas == {(5, 3): "the formula =SUM(C1:C4)"}
    assert grid.errors == {(5, 4): "#DIV/0!"}


def test_grd002_in_a_workbook_marked_to_recalculate_every_saved_formula_value_is_suspect():
    # XlsxWriter and similar programs save 0 for formulas they cannot calculate
    grid = Grid(name="S", rows=[])
    _scan_formulas_and_errors(SHEET, recalculate_on_load=True, grid=grid)
    assert grid.unsaved_formulas == {
        (5, 2): "the formula =SUM(B1:B4)",
        (5, 3): "the formula =SUM(C1:C4)",
        (5, 5): "a formula shared with the cells above",
    }


def test_grd003_a_formula_whose_result_is_empty_text_has_a_saved_value():
    # Excel saves =IF(A1="","",A1) with an empty result as t="str" and an empty value
    xml = b'<row r="2"><c r="B2" t="str"><f>IF(A1="","",A1)</f><v></v></c></row>'
    grid = Grid(name="S", rows=[])
    _scan_formulas_and_errors(xml, recalculate_on_load=False, grid=grid)
    assert grid.unsaved_formulas == {}


def test_grd004_formula_text_is_shown_as_typed_not_as_xml():
    xml = b'<row r="2"><c r="B2"><f>IF(A1&gt;0,&quot;y&quot;,&quot;n&quot;)</f><v/></c></row>'
    grid = Grid(name="S", rows=[])
    _scan_formulas_and_errors(xml, recalculate_on_load=False, grid=grid)
    assert grid.unsaved_formulas == {(2, 2): 'the formula =IF(A1>0,"y","n")'}


def test_grd005_prefixed_tags_as_some_writers_use_them_are_scanned_too():
    # the .NET Open XML SDK writes <x:c>, <x:f> and <x:v>
    xml = (
        b'<x:worksheet xmlns:x="m"><x:sheetData><x:row r="3">'
        b'<x:c r="H3"><x:f>SUM(A1:A2)</x:f></x:c>'
        b'<x:c r="I3" t="e"><x:v>#N/A</x:v></x:c>'
        b'<x:c r="J3"><x:f>1+1</x:f><x:v>2</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )
    grid = Grid(name="S", rows=[])
    _scan_formulas_and_errors(xml, recalculate_on_load=False, grid=grid)
    assert grid.unsaved_formulas == {(3, 8): "the formula =SUM(A1:A2)"}
    assert grid.errors == {(3, 9): "#N/A"}
