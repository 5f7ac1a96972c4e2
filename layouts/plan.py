"""/c/<council>/plan: the council's DSG recovery plan, year by year, against the latest outturn and forecast."""

from __future__ import annotations

import dash
from dash import html
from dash.development.base_component import ComponentType

from figures.captions import plan_source
from figures.plan import (
    build_cumulative_figure,
    build_in_year_figure,
    compare_with_plan,
    cumulative_title,
    in_year_title,
    summarise_cumulative,
    summarise_in_year,
)
from kpis.dsg import DsgFigures, DsgPosition
from kpis.formats import NOT_AVAILABLE, format_plain_m
from kpis.measures import MeasureValue, clearing_year, forecast_of, headline_of
from kpis.plan_view import PlanView, build_table
from kpis.trajectory import describe_thresholds
from kpis.wording import (
    BASIS_LABELS,
    BASIS_WORDS,
    basis_phrase,
    difference_phrase,
    first_upper,
    made_in,
    money_m,
    period_phrase,
    show_value,
    sign_note,
    status_key,
)
from layouts._shared.components import (
    chart_block,
    data_table,
    demo_notice,
    page_not_found,
    status_tag,
)
from layouts._shared.context import council_title, current_service, is_this_council
from layouts._shared.measures import row_status
from web.access import Access

dash.register_page(
    __name__,
    path_template="/c/<council>/plan",
    name="Financial plan",
    order=1,
    title=council_title("DSG recovery plan"),
    access=Access.PUBLIC_VIEW,
)

PLAN_CUMULATIVE_GRAPH = "plan-cumulative-graph"
PLAN_IN_YEAR_GRAPH = "plan-in-year-graph"
PLAN_CUMULATIVE_TABLE = "plan-cumulative-table"
PLAN_IN_YEAR_TABLE = "plan-in-year-table"
PLAN_LINES_TABLE = "plan-lines-table"
PLAN_FORECAST_TABLE = "plan-forecast-table"
PLAN_MEASURES_TABLE = "plan-measures-table"


def _no_plan() -> html.Div:
    return html.Div(
        [
            html.H1("DSG recovery plan"),
            html.P("No DSG plan has been loaded yet."),
            html.P(
                [
                    "Write the template with ",
                    html.Code("lfi template dsg -o plan.xlsx"),
                    ", fill it in, then load it with ",
                    html.Code("lfi load plan.xlsx"),
                    ".",
                ]
            ),
        ]
    )


def _source_line(view: PlanView) -> html.P:
    info = view.position.submission
    term = view.position.forecast_term
    forecast = f" Forecast made in {term}." if term else " No forecast has been loaded."
    return html.P(
        className="source",
        children=f"Source: {info.file_name}, loaded {info.loaded_at:%d %B %Y}.{forecast} "
        "All figures in £m; in the line tables a positive balance is a deficit, and every balance "
        "elsewhere says in words whether it is a deficit or a surplus.",
    )


def _headline(view: PlanView) -> html.Div:
    final, cumulative = view.final, view.cumulative
    lead = headline_of(cumulative) or forecast_of(cumulative)
    if lead is None:
        return html.Div(
            className="headline",
            children=[
                html.P(
                    f"Planned cumulative deficit at the end of {final.period}",
                    className="headline__label",
                ),
                html.P(money_m(final.plan_value), className="headline__value"),
                html.P("There is no outturn or forecast to compare with the plan yet."),
            ],
        )
    parts = [
        html.P(
            f"{BASIS_LABELS[lead.basis]}: cumulative balance at the end of {period_phrase(lead)}",
            className="headline__label",
        ),
        html.P(show_value(lead.value, lead.measure), className="headline__value"),
        html.P([status_tag(lead.status), " ", compare_with_plan(lead).capitalize() + "."]),
    ]
    last = view.latest
    if last is not None and last.basis == "forecast":
        parts.append(
            html.P(
                [
                    f"Forecast made in {made_in(last)}: ",
                    html.Strong(show_value(last.value, last.measure)),
                    f" at the end of {last.period}, ",
                    status_tag(last.status),
                    " ",
                    compare_with_plan(last) + ".",
                ],
                className="headline__forecast",
            )
        )
    parts.append(html.P(["Projection: ", clearing_year(cumulative)["method"], "."]))
    if note := sign_note(lead.measure):  # a balance's: a deficit is positive
        parts.append(html.P(note + ".", className="source"))
    return html.Div(className=f"headline headline--{lead.status}", children=parts)


def series_table_for_plan(
    values: list[MeasureValue], *, caption: str, table_id: str, download: str | None = None
) -> html.Div:
    rows: list[list[ComponentType]] = [
        [
            v.period,
            show_value(v.plan_value, v.measure),
            show_value(v.value, v.measure) if v.basis != "plan" else NOT_AVAILABLE,
            first_upper(basis_phrase(v)),
            difference_phrase(v),
            status_tag(row_status(v)),
        ]
        for v in values
    ]
    return data_table(
        caption=caption,
        table_id=table_id,
        download=download,
        headers=["Year", "Plan", "Outturn or forecast", "Basis", "Difference from plan", "Status"],
        rows=rows,
        text_columns={3, 5},
    )


def _figure_row(label: str, value: MeasureValue | None, basis: str) -> list[ComponentType]:
    """One line of the measures table: the measure's outturn or its forecast, with its year and
    basis, against the plan."""
    if value is None:
        return [label, NOT_AVAILABLE, f"No {basis} yet", "–", "–", "–"]
    measure = value.measure
    return [
        label,
        show_value(value.value, measure),
        first_upper(period_phrase(value)),
        show_value(value.plan_value, measure),
        difference_phrase(value),
        status_tag(status_key(value, measure)),
    ]


def _measures_section(view: PlanView) -> html.Section:
    # One line for the outturn and one for the forecast, not both side by side: nine columns
    # did not fit the page's column at 1,366 pixels, and the forecast's status went off-screen.
    rows: list[list[ComponentType]] = []
    definitions: list[html.Dt | html.Dd] = []
    refs: list[int] = []
    for measure_id, values in view.measures.items():
        measure = view.measure(measure_id)
        refs.append(measure.ref)
        label = f"{measure.ref}. {measure.label}"
        rows.append(_figure_row(label, headline_of(values), "outturn"))
        rows.append(_figure_row(label, forecast_of(values), "forecast"))
        definitions += [
            html.Dt(label),
            html.Dd(
                [
                    html.P(measure.definition),
                    html.P(["Sign: ", sign_note(measure)]) if sign_note(measure) else None,
                    html.P(["Caveat: ", measure.caveats]),
                    html.P(["Status: ", describe_thresholds(measure)]),
                ]
            ),
        ]
    return html.Section(
        [
            html.H2(f"Measures {min(refs)} to {max(refs)}: outturn and forecast"),
            data_table(
                caption="DSG measures: each one's latest outturn and latest forecast, against "
                "the plan for the same year",
                table_id=PLAN_MEASURES_TABLE,
                download="dsg-measures",
                headers=[
                    "Measure",
                    "Figure",
                    "Year and basis",
                    "Plan",
                    "Difference from plan",
                    "Status",
                ],
                rows=rows,
                text_columns={2, 5},
            ),
            html.H3("What each measure means and how its status is decided"),
            html.Dl(className="definitions", children=definitions),
        ]
    )


def _year_heading(year: str, basis: str) -> ComponentType:
    """'2026-27 (forecast)': each year of the latest figures says whether it is outturn (the
    year had ended when the forecast was made) or forecast, as the return's annex does."""
    return [year, html.Br(), f"({BASIS_WORDS[basis]})"]


def _lines_table(figures: DsgFigures, *, position: DsgPosition | None = None) -> html.Div:
    """The plan, line by line; with the position, its latest outturn and forecast."""
    table = build_table(figures)
    derived = {i for i, row in enumerate(table) if row.derived}
    forecast = position is not None
    what = "Latest outturn and forecast" if forecast else "The plan"
    years: list[ComponentType] = [
        _year_heading(y, position.basis(y)) if position else y for y in figures.years
    ]
    return data_table(
        caption=f"{what}, line by line, £m (totals in bold are worked out from the lines)",
        table_id=PLAN_FORECAST_TABLE if forecast else PLAN_LINES_TABLE,
        headers=["Line", *years],
        rows=[
            [row.label, *(format_plain_m(row.values[y]) for y in figures.years)] for row in table
        ],
        emphasised_rows=derived,
        emphasis_note="worked out from the lines above",
        download="plan-forecast" if forecast else "plan-lines",
    )


def layout(council: str = "", **_query: str) -> html.Div:
    if not is_this_council(council):
        return page_not_found()
    view = current_service().plan_view()
    if view is None:
        return _no_plan()
    sections = [
        html.H1("DSG recovery plan"),
        demo_notice() if view.position.submission.is_demo else None,
        _source_line(view),
        _headline(view),
        html.Section(
            [
                html.H2("Cumulative balance after contributions"),
                chart_block(
                    graph_id=PLAN_CUMULATIVE_GRAPH,
                    title=cumulative_title(view),
                    figure=build_cumulative_figure(view),
                    summary=summarise_cumulative(view),
                    source=plan_source(view),
                    download="plan-cumulative",
                ),
                series_table_for_plan(
                    view.cumulative,
                    table_id=PLAN_CUMULATIVE_TABLE,
                    download=f"measure-{view.cumulative[0].measure.ref}",
                    caption="Cumulative deficit after contributions at 31 March, £m",
                ),
            ]
        ),
        html.Section(
            [
                html.H2("In-year position"),
                chart_block(
                    graph_id=PLAN_IN_YEAR_GRAPH,
                    title=in_year_title(view),
                    figure=build_in_year_figure(view),
                    summary=summarise_in_year(view),
                    source=plan_source(view),
                    download="plan-in-year",
                ),
                series_table_for_plan(
                    view.in_year,
                    table_id=PLAN_IN_YEAR_TABLE,
                    download=f"measure-{view.in_year[0].measure.ref}",
                    caption="In-year deficit (+) or surplus (-), £m",
                ),
            ]
        ),
        _measures_section(view),
        html.Section(
            [
                html.H2("The plan, line by line"),
                html.P(
                    "Income and contributions are credits, shown as negative figures, as in the "
                    "council's plan. Totals are worked out from the lines, so they can differ from "
                    "a printed plan's totals by a few thousand pounds where it rounds each figure "
                    "to £0.001m."
                ),
                _lines_table(view.position.plan),
                _lines_table(view.position.forecast, position=view.position)
                if view.position.forecast
                else None,
            ]
        ),
    ]
    return html.Div(className="page page--plan", children=[s for s in sections if s is not None])
