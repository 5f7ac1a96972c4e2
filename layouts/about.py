"""/c/<council>/about: what the terms mean, how statuses are decided, and where the data comes
from. What is the council's own (its programme, plan years, workstreams, which measures are
compared or forecast) comes from its profile and its catalogue."""

from __future__ import annotations

import dash
from dash import dcc, html
from dash.development.base_component import ComponentType

from domain.council import CouncilProfile
from domain.roles import Permission
from kpis.catalogue import Catalogue, Measure
from kpis.trajectory import describe_thresholds
from layouts._shared.components import data_table, page_not_found, status_tag
from layouts._shared.context import council_path, council_title, current_service, is_this_council
from layouts._shared.viewer import current_viewer
from web.access import Access

dash.register_page(
    __name__,
    path_template="/c/<council>/about",
    name="About",
    order=7,
    title=council_title("About the measures and data"),
    access=Access.PUBLIC_VIEW,
)

ABOUT_STATUS_TABLE = "about-status-table"
DIRECTION_WORDS = {
    "lower_is_better": "lower is better",
    "higher_is_better": "higher is better",
    "neutral": "no direction",
}
STATUSES = ("green", "amber", "red", "part_year", "no_target", "not_judged", "no_figure")
# The published comparators (kpis/comparators.py) by what they compare.
NET_PLANS = ("net_plans_share", "net_plans_rate")
NEW_PLANS = ("new_plans_rate",)


def measure_numbers(refs: list[int]) -> str:
    """'measure 4', 'measures 2 and 3', 'measures 16, 17 and 18'."""
    if len(refs) == 1:
        return f"measure {refs[0]}"
    return "measures " + ", ".join(map(str, refs[:-1])) + f" and {refs[-1]}"


def _refs(catalogue: Catalogue, wanted) -> list[int]:
    return [m.ref for m in catalogue.measures if wanted(m)]


def _term(name: str, *meaning: ComponentType) -> list[html.Dt | html.Dd]:
    """One glossary entry: the term, then one paragraph for each piece of its meaning."""
    return [html.Dt(name), html.Dd([html.P(part) for part in meaning])]


def _programme(profile: CouncilProfile) -> list[html.Dt | html.Dd]:
    return _term(
        profile.programme,
        profile.programme_summary
        or "The council's programme to improve support for children and young people with "
        "special educational needs and disabilities (SEND) and to bring the High Needs Block "
        "back into balance, under its safety valve agreement.",
    )


def _plan_words(catalogue: Catalogue) -> str:
    refs = _refs(catalogue, lambda m: m.category == "DSG")
    return f"for {measure_numbers(refs)}, " if refs else "for the DSG measures, "


def _forecast_words(catalogue: Catalogue) -> str:
    refs = _refs(catalogue, lambda m: m.is_council_forecast)
    return f" ({measure_numbers(refs)})" if refs else ""


def _comparator_words(catalogue: Catalogue) -> str:
    refs = _refs(catalogue, lambda m: m.comparator is not None)
    if not refs:
        return "No measure of the council's has a like-for-like published figure."
    return (
        "A count is never set beside England's total: "
        f"{measure_numbers(refs)} {'is' if len(refs) == 1 else 'are'} compared as net and new "
        "plans per 1,000 plans maintained or as a share; no other measure has a like-for-like "
        "published figure."
    )


def _workstreams(profile: CouncilProfile) -> list[html.Dt | html.Dd]:
    streams = profile.workstreams
    if not streams:
        return []
    numbers = [w.number for w in streams]
    return [
        html.Dt(
            f"Workstreams {numbers[0]} to {numbers[-1]}"
            if len(numbers) > 1
            else f"Workstream {numbers[0]}"
        ),
        html.Dd(
            [
                html.P(
                    "The parts of the programme. Each measure is linked to the workstreams it is "
                    "most aligned to; some belong to the whole programme only."
                ),
                html.Ul([html.Li(f"Workstream {w.number}: {w.name}") for w in streams]),
            ]
        ),
    ]


def _glossary(profile: CouncilProfile, catalogue: Catalogue) -> html.Dl:
    last_year = profile.last_year
    return html.Dl(
        className="definitions",
        children=[
            *_programme(profile),
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
                f"balance is a deficit. The plan gives it for each year to {last_year}.",
            ),
            *_term(
                "In-year deficit",
                "How much a year's spending is more than that year's income. A negative figure is "
                "a surplus.",
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
                "What the recovery plan agreed with the DfE expects for a year: "
                f"{_plan_words(catalogue)}the figures of the DSG plan.",
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
                "trend is drawn for a measure the council forecasts itself"
                f"{_forecast_words(catalogue)}, which shows the council's forecast instead.",
                "For the cumulative DSG deficit after contributions, the projection is instead the "
                "year in which the latest outturn and forecast, then the plan for later years, "
                f"clear the deficit, or the statement that it is not cleared by {last_year}.",
            ),
            *_term(
                "Comparators",
                "The council's own published figure, England's and the average of its "
                "statistical neighbours (councils the DfE judges to be similar, 2025 model, or "
                "those the council's profile names), all from the published SEN2 statistics on "
                "one basis and period, and the council's quartile among English councils. "
                + _comparator_words(catalogue),
            ),
            *_workstreams(profile),
            *_term(
                "Demo data",
                "Made-up figures loaded so that the dashboard can be tried out before real returns "
                "are uploaded. Every page showing them says so. The outturn, forecasts, census "
                "counts, spending, savings and placements in them are not the council's figures.",
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


def _sen2_uses(catalogue: Catalogue) -> tuple[str, str]:
    """Which of the council's measures the new-plans and net-plans figures are compared with."""
    new = _refs(catalogue, lambda m: m.comparator in NEW_PLANS)
    net = _refs(catalogue, lambda m: m.comparator in NET_PLANS)
    return (
        f" are compared with {measure_numbers(new)}" if new else "",
        f" are compared with {measure_numbers(net)}" if net else "",
    )


def _sources(profile: CouncilProfile, catalogue: Catalogue) -> list:
    measures = catalogue.measures
    new_uses, net_uses = _sen2_uses(catalogue)
    compared = _refs(catalogue, lambda m: m.comparator is not None)
    return [
        html.H2("Where the data comes from"),
        html.H3("The termly workbooks"),
        html.P(
            [
                "The council's own figures reach the dashboard in three workbooks, filled in each "
                "term from templates and loaded on the ",
                dcc.Link("Upload page", href=council_path("/upload"))
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
                    "assessment by who made them, movers into and out of the area, census "
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
            "The council's catalogue of measures names the system or report each measure's "
            "figures come from. The dashboard does not connect to these systems: officers copy "
            "the figures from them into the workbooks. As the catalogue names them:"
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
                    "denominator of the published rates"
                    + (f" compared with {measure_numbers(compared)}." if compared else ".")
                ),
                html.Li(
                    "Requests for assessment, assessments, new plans issued and plans issued "
                    "within twenty weeks, by calendar year from 2019 to 2024; new plans issued in 2024 "
                    f"per 1,000 plans maintained{new_uses}."
                ),
                html.Li(
                    "Plans ceased, by reason, for calendar years 2022 to 2024; plans issued less "
                    f"plans ceased in 2024{net_uses}."
                ),
                html.Li(
                    "Older SEN2 management information (requests, new plans, twenty-week rates, "
                    "tribunals) for calendar years 2014 to 2022."
                ),
            ]
        ),
        html.P(
            "The statistical-neighbour figure is the simple average of the neighbours with a "
            "published figure, each page naming those averaged and those left out; the council "
            "itself is not among them. The quartile counts the English councils with a lower "
            "figure: 1 is the lowest quarter."
        ),
        html.H3("The DSG recovery plan"),
        html.P(
            [
                "The plan is the one agreed with the DfE, as the council's DSG workbook gives it, "
                "line by line: income, spending by type of provision, the in-year position, and "
                "the DfE and council contributions for each year from "
                f"{profile.plan_years[0]} to {profile.last_year}. The cumulative balances are "
                "worked out from those lines, never typed in. See the ",
                dcc.Link("DSG recovery plan", href=council_path("/plan")),
                " page.",
            ]
        ),
        html.H2("Accessibility"),
        html.P(
            [
                "How we make the dashboard usable by everyone, and what we know falls short, is in "
                "the ",
                html.A("accessibility statement", href="/accessibility"),
                ".",
            ]
        ),
    ]


def layout(council: str = "", **_query: str) -> html.Div:
    if not is_this_council(council):
        return page_not_found()
    service = current_service()
    profile, catalogue = service.council.profile, service.catalogue
    return html.Div(
        className="page page--about",
        children=[
            html.H1("About the measures and data"),
            html.P(
                "This page explains the words the dashboard uses, how each measure's status is "
                "decided, and where its figures come from."
            ),
            html.H2("What the terms mean"),
            _glossary(profile, catalogue),
            *_statuses(catalogue.measures),
            *_sources(profile, catalogue),
        ],
    )
