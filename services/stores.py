"""Write a checked workbook's figures, each row naming its submission, in the caller's
transaction: one store function for each family of workbook."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import insert
from sqlalchemy.orm import Session

from loaders.dsg import DsgWorkbook
from loaders.ehcp import EhcpReturn
from loaders.hnb import HnbReturn
from loaders.placements import STORED
from loaders.targets import Targets
from storage.models import (
    DsgFigure,
    DsgStatement,
    EhcpFigure,
    EhcpNeed,
    HnbSaving,
    HnbSpend,
    MeasureTarget,
    Placement,
)


def store_dsg_workbook(session: Session, submission_id: int, workbook: DsgWorkbook) -> None:
    """Write the workbook's statement and every figure, each naming its submission."""
    session.add(
        DsgStatement(
            submission_id=submission_id,
            first_year=workbook.years[0],
            last_year=workbook.years[-1],
            opening_balance_pence=workbook.opening_balance,
            forecast_term=str(workbook.forecast_term) if workbook.forecast_term else None,
        )
    )
    rows = [
        {
            "submission_id": submission_id,
            "basis": basis,
            "line": code,
            "year": year,
            "amount_pence": pence,
        }
        for basis, lines in (("plan", workbook.plan), ("forecast", workbook.forecast))
        for code, years in lines.items()
        for year, pence in years.items()
    ]
    session.execute(insert(DsgFigure), rows)
    if workbook.targets is not None:
        store_targets(session, submission_id, workbook.targets)


def store_targets(session: Session, submission_id: int, targets: Targets) -> None:
    rows = [
        {
            "submission_id": submission_id,
            "ref": ref,
            "year": None,
            "value": str(value),
            "baseline_period": period,
            "per": targets.per.get(ref),
        }
        for ref, (value, period) in targets.baselines.items()
    ] + [
        {
            "submission_id": submission_id,
            "ref": ref,
            "year": year,
            "value": str(value),
            "baseline_period": None,
            "per": targets.per.get(ref),
        }
        for ref, years in targets.yearly.items()
        for year, value in years.items()
    ]
    if rows:
        session.execute(insert(MeasureTarget), rows)


def store_ehcp_workbook(session: Session, submission_id: int, ehcp: EhcpReturn) -> None:
    if ehcp.counts:
        session.execute(
            insert(EhcpFigure),
            [
                {"submission_id": submission_id, "item": item, "count": count}
                for item, count in ehcp.counts.items()
            ],
        )
    if ehcp.needs:
        session.execute(
            insert(EhcpNeed),
            [
                {"submission_id": submission_id, "need": need, "plans": plans}
                for need, plans in ehcp.needs.items()
            ],
        )


def store_hnb_workbook(session: Session, submission_id: int, hnb: HnbReturn) -> None:
    if hnb.spend:
        session.execute(
            insert(HnbSpend),
            [
                {
                    "submission_id": submission_id,
                    "line": line,
                    "direct_pence": direct,
                    "central_pence": central,
                }
                for line, (direct, central) in hnb.spend.items()
            ],
        )
    if hnb.savings:
        session.execute(
            insert(HnbSaving),
            [
                {"submission_id": submission_id, "cohort": cohort, "amount_pence": amount}
                for cohort, amount in hnb.savings.items()
            ],
        )
    store_placements(session, submission_id, hnb.placements)


def store_placements(session: Session, submission_id: int, placements: dict[str, list]) -> None:
    """Insert through the driver's executemany: a term's list can run to 100,000 rows."""
    count = len(placements["reference"])
    if not count:
        return
    connection = session.connection()
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {Placement.__tablename__} (submission_id, {', '.join(STORED)}) "
        f"VALUES ({', '.join([marker] * (len(STORED) + 1))})"
    )
    rows = list(
        zip([submission_id] * count, *(placements[key] for key in STORED.values()), strict=True)
    )
    connection.exec_driver_sql(sql, rows)


# The store function of each family of workbook (loaders.submissions.FAMILIES), by its name.
STORES: dict[str, Callable[..., None]] = {
    "dsg": store_dsg_workbook,
    "ehcp": store_ehcp_workbook,
    "hnb": store_hnb_workbook,
}
