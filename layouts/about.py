"""/about: what the terms mean, how statuses are decided, and where the data comes from."""

from __future__ import annotations

import dash
from dash import dcc, html
from dash.development.base_component import ComponentType

from domain.roles import Permission
from kpis.catalogue import Measure
from kpis.trajectory import describe_thresholds
from layouts._shared.components import data_table, status_tag
from layouts._shared.context import current_service
from layouts._shared.viewer import current_viewer
from web.access import Access

dash.register_page(
    __name__,
    path="/about",
    name="About",
    order=7,
    title="About the measures and data - Local First Inclusion",
    access=Access.PUBLIC_VIEW,
)

ABOUT_STATUS_TABLE = "about-status-table"
DIRECTION_WORDS = {
    "lower_is_better": "lower is better",
    "higher_is_better": "higher is better",
    "neutral": "no direction",
}
STATUSES = ("green", "amber", "red", "part_year", "no_target", "not_judged", "no_figure")
WORKSTREAMS = (
    (1, "Mainstream school inclusion, culture and practice"),
    (2, "Early Help and Inclusion (School and community teams)"),
    (3, "School Led Alternative Provision model"),
    (4, "Commission/use Independent differently"),
    (5, "SEND Sufficiency Capital Programme"),
)


def _term(name: str, *meaning: ComponentType) -> list[html.Dt | html.Dd]:
    """One glossary entry: the term, then one paragraph for each piece of its meaning."""
    return [html.Dt(name), html.Dd([html.P(part) for part in meaning])]


def _glossary() -> html.Dl:
    return html.Dl(
        className="definitions",
        children=[
            *_term(
                "Local First Inclusion",
                "The council's six-year programme, 2023-24 to 2028-29, to improve support for "
                "children and young people with special educational needs and disabilities (SEND), "
                "so that more of them can be taught well close to home, and to bring the High "
                "Needs Block back into balance. It is the council's name for its safety valve "
                "agreement.",
            ),
            *_term(
                "Safety valve agreement",
                "An agreement between the Department for Education (DfE) and a council with a "
                "large Dedicated Schools Grant deficit. The DfE pays extra money towards the "
                "deficit, in instalments, and the council commits to a plan that brings the "
                "High Needs Block back to an in-year balance and pays off the deficit. The "
                "council reports its progress to the DfE three times a year.",
            ),
            *_term(
                "Dedicated Schools Grant (DSG)",
                "The government grant that pays for schools, early years and high needs. It is "
                "ring-fenced: it can only be spent on those, separately from the council's other "
                "money.",
            ),
            *_term(
                "High Needs Block (HNB)",
                "The part of the Dedicated Schools Grant that pays for support for children and "
                "young people with high needs: special school and resource base places, top-up "
                "funding for pupils in mainstream schools, alternative provision and independent "
                "placements. The programme's deficit is on this block.",
            ),
            *_term(
                "Cumulative deficit, or balance after contributions",
                "The overspend on the Dedicated Schools Grant carried forward from year to year. "
                "The balance after contributions is that total after the DfE's safety valve "
                "payments and the council's own contributions have been taken off. A positive "
                "balance is a deficit. The plan brings it to nil in 2028-29.",
            ),
            *_term(
                "In-year deficit",
                "How much a year's spending is more than that year's income. A negative figure is "
                "a surplus. The plan returns the in-year position to balance by 2027-28.",
            ),
            *_term(
                "EHCP, or EHC plan",
                "An education, health and care plan: a legal document that describes a child or "
                "young person's special educational needs, aged 0 to 25, and the support the "
                "council must arrange to meet them.",
            ),
            *_term(
                "SEN support",
                "Help for pupils with special educational needs given by their school without an "
                "EHC plan, as counted in the school census.",
            ),
            *_term(
                "Plan",
                "What the recovery plan agreed with the DfE expects for a year: for measures 16 "
                "to 22, the figures of the DSG plan.",
            ),
            *_term(
                "Target",
                "The figure the council aims for in a year, for a measure the DSG plan does not "
                "cover. Targets are given in the DSG workbook. Where a measure has a target, the "
                "dashboard judges it against the target in the same way as against a plan.",
            ),
            *_term(
                "Baseline",
                "The starting value a target was set from, given with the target.",
            ),
            *_term(
                "Outturn (actual)",
                "The figure for a period that has ended, from the council's accounts or records.",
            ),
            *_term(
                "Forecast",
                "The council's latest estimate for a year that has not ended yet. Each forecast "
                "says which term it was made in.",
            ),
            *_term(
                "Variance (difference from plan)",
                "The outturn or forecast minus the plan or target, in the measure's own unit, and "
                "as a percentage of the plan. Whether a positive difference is good or bad depends "
                "on the measure's direction.",
            ),
            html.Dt("Status"),
            html.Dd(
                [
                    html.P(
                        "How a figure compares with its plan or target. Each status is shown by "
                        "its word and an icon as well as its colour:"
                    ),
                    *[html.P(status_tag(status)) for status in STATUSES],
                    html.P(
                        [
                            "The rule for each measure is under ",
                            html.A("how statuses are decided", href="#how-statuses-are-decided"),
                            ".",
                        ]
                    ),
                ]
            ),
            *_term(
                "Direction of travel",
                "Whether a measure has got better or worse against a comparable earlier figure: "
                "improving, worsening or no change, naming the period compared with. A flow "
                "counted over a term (spending, savings, requests, exclusions, placements starting "
                "or ending) is compared with the same term a year earlier, because terms differ in "
                "length (Spring about three months, Autumn four, Summer five); a snapshot (a level "
                "at the end of a term) with the term before; a yearly figure with the year before. "
                "A measure with no better or worse direction is shown as not judged.",
            ),
            *_term(
                "Projection",
                "Where a measure is heading if its recent trend carries on: a straight line fitted "
                "by least squares, on a time axis, to the last six comparable figures (at least "
                "three are needed; for a flow, the same term in successive years), carried on to "
                "the end of the plan. It is a trend, not a forecast, and is labelled as one. No "
                "trend is drawn for a measure the council forecasts itself (the DSG measures and "
                "measure 11), which show the council's forecast instead.",
                "For the cumulative DSG deficit after contributions, the projection is instead the "
                "year in which the latest outturn and forecast, then the plan for later years, "
                "clear the deficit, or the statement that it is not cleared by 2028-29.",
            ),
            *_term(
                "Comparators",
                "The council's own published figure, England's and the average of its ten "
                "statistical neighbours (councils the DfE judges to be similar, 2025 model), all "
                "from the published SEN2 statistics on one basis and period, and the council's "
                "quartile among English councils. A count is never set beside England's total: "
                "measures 2, 3 and 4 are compared as net and new plans per 1,000 plans maintained "
                "or as a share; no other measure has a like-for-like published figure.",
            ),
            html.Dt("Workstreams 1 to 5"),
            html.Dd(
                [
                    html.P(
                        "The five parts of the programme. Each measure is linked to the "
                        "workstreams it is most aligned to; some belong to the whole programme only."
                    ),
                    html.Ul(
                        [html.Li(f"Workstream {number}: {name}") for number, name in WORKSTREAMS]
                    ),
                ]
            ),
            *_term(
                "Demo data",
                "Made-up figures loaded so that the dashboard can be tried out before real returns "
                "are uploaded. Every page showing them says so. The DSG plan and the published SEN2 "
                "history in them are real; the outturn, forecasts, census counts, spending, savings "
                "and placements are not the council's figures.",
            ),
            html.Dt("Periods"),
            html.Dd(
                [
                    html.P(
                        "Termly measures are reported for school terms, written with the term "
                        "and the calendar year it falls in, such as Autumn 2024:"
                    ),
                    html.Ul(
                        [
                            html.Li("Autumn: September to December"),
                            html.Li("Spring: January to March"),
                            html.Li("Summer: April to August"),
                        ]
                    ),
                    html.P(
                        "Annual measures and the DSG plan are reported for financial years, which "
                        "run from April to March and are written like 2024-25."
                    ),
                ]
            ),
        ],
    )


def _status_rows(measures: tuple[Measure, ...]) -> list[list[str]]:
    return [
        [
            f"{measure.ref}. {measure.label}",
            DIRECTION_WORDS.get(measure.direction or "neutral", "no direction"),
            describe_thresholds(measure),
        ]
        for measure in measures
    ]


def _statuses(measures: tuple[Measure, ...]) -> list:
    return [
        html.H2("How statuses are decided", id="how-statuses-are-decided"),
        html.P(
            "A status compares a measure's outturn or forecast with its plan or target for the "
            "same period. Each measure has a direction, saying whether lower or higher is better, "
            "and two limits: how far worse than the plan it may be before it turns amber, and "
            "before it turns red. The limits are in the measure's own unit (such as £m, a count "
            "or percentage points) or a percentage of the plan."
        ),
        html.Ul(
            [
                html.Li(
                    "Green: on plan, better than plan, or worse by no more than the first limit."
                ),
                html.Li("Amber: worse by more than the first limit, up to the second."),
                html.Li("Red: worse by more than the second limit."),
                html.Li(
                    "No status: there is no outturn or forecast, no plan or target, or the measure "
                    "has no better or worse direction. A measure judged by a percentage of its plan "
                    "has no status when the plan is nil."
                ),
            ]
        ),
        html.P(
            "A termly measure is judged against the target for the financial year its term falls "
            "in. The table gives each measure's rule."
        ),
        data_table(
            caption=f"Status rule for each of the {len(measures)} measures",
            headers=["Measure", "Direction", "Status rule"],
            rows=_status_rows(measures),
            table_id=ABOUT_STATUS_TABLE,
            text_columns={1, 2},
        ),
    ]


def _measures_by_source(measures: tuple[Measure, ...]) -> html.Ul:
    by_source: dict[str, list[int]] = {}
    for measure in measures:
        by_source.setdefault(measure.source, []).append(measure.ref)
    items = []
    for source, refs in by_source.items():
        numbers = ", ".join(str(ref) for ref in refs)
        word = "measure" if len(refs) == 1 else "measures"
        items.append(html.Li(f"{source}: {word} {numbers}"))
    return html.Ul(items)


def _sources(measures: tuple[Measure, ...]) -> list:
    return [
        html.H2("Where the data comes from"),
        html.H3("The termly workbooks"),
        html.P(
            [
                "The council's own figures reach the dashboard in three workbooks, filled in each "
                "term from templates and loaded on the ",
                dcc.Link("Upload page", href="/upload")
                if current_viewer().may(Permission.UPLOAD)
                else "Upload page",
                ":",
            ]
        ),
        html.Ul(
            [
                html.Li(
                    "DSG plan and forecast: the recovery plan line by line for each financial "
                    "year, and the latest forecast outturn of the same lines, with optional "
                    "targets for other measures."
                ),
                html.Li(
                    "EHCP return: EHC plans maintained, new and ceased plans, requests for "
                    "assessment by who made them, movers into and out of the county, census "
                    "counts, permanent exclusions and pupils in school-based alternative "
                    "provision, and plans by primary need."
                ),
                html.Li(
                    "High Needs Block return: spending in the term on each line of the plan, "
                    "savings and mitigation, and an anonymised list of placements, one row per "
                    "placement, from which the average costs and independent-sector measures are "
                    "worked out. A workbook with names, dates of birth, pupil numbers or addresses in "
                    "it is refused."
                ),
            ]
        ),
        html.P(
            "Every figure records which upload it came from. A corrected workbook replaces the "
            "earlier one, and both stay in the history."
        ),
        html.H3("The systems the figures come from"),
        html.P(
            "The Schools Forum paper names the system or report each measure's figures come from. "
            "The dashboard does not connect to these systems: officers copy the figures from them "
            "into the workbooks. As the paper names them:"
        ),
        _measures_by_source(measures),
        html.H3("Published statistics for comparison"),
        html.P(
            "England and statistical-neighbour figures come from the Department for Education's "
            "Education, health and care plans statistics (the SEN2 collection), published under "
            "the Open Government Licence. The dashboard keeps extracts with the rows for England "
            "and every council, and the DfE's statistical neighbours of each council:"
        ),
        html.Ul(
            [
                html.Li(
                    "EHC plans maintained at the January 2025 census, by primary need: the "
                    "denominator of the rates compared with measures 2, 3 and 4."
                ),
                html.Li(
                    "Requests for assessment, assessments, new plans issued and plans issued "
                    "within 20 weeks, by calendar year from 2019 to 2024; new plans issued in 2024 "
                    "per 1,000 plans maintained are compared with measure 4."
                ),
                html.Li(
                    "Plans ceased, by reason, for calendar years 2022 to 2024; plans issued less "
                    "plans ceased in 2024 are compared with measures 2 and 3."
                ),
                html.Li(
                    "Older SEN2 management information (requests, new plans, 20-week rates, "
                    "tribunals) for calendar years 2014 to 2022."
                ),
            ]
        ),
        html.P(
            "The statistical-neighbour figure is the simple average of the neighbours with a "
            "published figure, each page naming those averaged and those left out; the council "
            "itself is not among them. The quartile counts the English councils with a lower "
            "figure: 1 is the lowest quarter. The extracts are also the source of "
            "the real history in the demo data."
        ),
        html.H3("The DSG recovery plan"),
        html.P(
            [
                "The plan is the one agreed with the DfE, as printed in the Local First Inclusion "
                "paper to Schools Forum on 17 May 2023: income, spending by type of provision, "
                "the in-year position, and the DfE and council contributions for each year from "
                "2022-23 to 2028-29. The cumulative balances are worked out from those lines, "
                "never typed in. See the ",
                dcc.Link("DSG recovery plan", href="/plan"),
                " page.",
            ]
        ),
        html.H2("Accessibility"),
        html.P(
            [
                "How we make the dashboard usable by everyone, and what we know falls short, is in "
                "the ",
                dcc.Link("accessibility statement", href="/accessibility"),
                ".",
            ]
        ),
    ]


def layout(**_query: str) -> html.Div:
    measures = current_service().catalogue.measures
    return html.Div(
        className="page page--about",
        children=[
            html.H1("About the measures and data"),
            html.P(
                "This page explains the words the dashboard uses, how each measure's status is "
                "decided, and where its figures come from."
            ),
            html.H2("What the terms mean"),
            _glossary(),
            *_statuses(measures),
            *_sources(measures),
        ],
    )
