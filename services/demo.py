"""Load a council's demo data set (loaders.demo builds its workbooks from the demo folder beside
its profile, councils/<LA code>/demo/) into the council while it has no submissions, exactly as
uploads are loaded, and remove it again. A council without a demo folder has no demo data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session

from domain.actors import Actor
from domain.audit import Action
from domain.plan_shape import PlanShape
from domain.roles import Permission
from kpis.council import Council
from loaders.demo import build_demo_workbooks
from loaders.demo_spec import (
    DemoDataError,
    DemoSpec,
    demo_folder,
    fit_problems,
    has_demo,
    read_demo_spec,
)
from loaders.submissions import CheckedWorkbook, check_workbook
from services import audit
from services.submissions import store_checked
from storage.database import write_session
from storage.models import Base, Submission

DEMO_LOADER = "Demo data generator"  # who the demo submissions say loaded them


def _check_all(
    files: list[tuple[str, bytes]], shape: PlanShape, max_bytes: int, today: date
) -> list[CheckedWorkbook]:
    checked = []
    for name, data in files:
        result = check_workbook(data, file_name=name, shape=shape, max_bytes=max_bytes, today=today)
        if not result.report.ok:
            problems = "; ".join(str(issue) for issue in result.report.errors[:5])
            raise DemoDataError(f"The demo workbook {name} has errors: {problems}")
        checked.append(result)
    return checked


def council_folder(council: Council) -> Path:
    """The council's folder (councils/<LA code>/)."""
    return council.profile.directory


def has_demo_data(council: Council) -> bool:
    """Whether the council has a demo data set (a demo folder with its demo.toml)."""
    return has_demo(council_folder(council))


def read_council_demo(council: Council) -> DemoSpec:
    """The council's demo, checked against its plan and measures; DemoDataError lists every
    problem (loaders.demo_spec.DemoSpecError for the demo folder's own)."""
    spec = read_demo_spec(demo_folder(council_folder(council)))
    problems = fit_problems(spec, council.shape)
    if problems:
        raise DemoDataError(
            f"{council.name}'s demo data does not fit its plan and measures: "
            + "; ".join(problems)
            + ". Put the demo folder right, or set LFI_LOAD_DEMO=false."
        )
    return spec


def build_council_demo(council: Council, today: date) -> list[tuple[str, bytes]]:
    """The council's demo workbooks on ``today``: (file name, bytes), in loading order."""
    return build_demo_workbooks(today, council.shape, read_council_demo(council))


def load_demo_data(
    engine: Engine,
    *,
    council: Council,
    max_bytes: int,
    today: date | None = None,
    actor: Actor | None = None,
) -> int:
    """Load the council's demo data into it while it has no submissions; the number of
    workbooks stored (0 if it already had some, or has no demo data set: has_demo_data).

    The emptiness check and every load share one write transaction, so two app workers starting
    together load it once, and a failure loads none of it. Asked by an ``actor`` (the command
    line), their role must allow uploads, and the audit trail records the load in the same
    transaction.
    """
    if actor is not None:
        actor.require(Permission.UPLOAD)
    if not has_demo_data(council):
        return 0
    shape, code = council.shape, council.la_code
    spec = read_council_demo(council)
    today = today or date.today()
    with Session(engine) as session:
        if not council_is_empty(session, code):
            return 0
    checked = _check_all(build_demo_workbooks(today, shape, spec), shape, max_bytes, today)
    with write_session(engine) as session:
        if not council_is_empty(session, code):
            return 0
        stored = [
            store_checked(session, code, workbook, is_demo=True, loaded_by=DEMO_LOADER).stored_id
            for workbook in checked
        ]
        if actor is not None:
            audit.record(session, actor, Action.DEMO, target="load", detail={"submissions": stored})
    return len(checked)


def council_is_empty(session: Session, council: str) -> bool:
    found = session.scalar(select(func.count(Submission.id)).where(Submission.council == council))
    return found == 0


def remove_demo_data(engine: Engine, council: str, actor: Actor | None = None) -> int:
    """Delete every demo submission of the council and every row stored from it, in one
    transaction; the number of submissions removed. Refused, changing nothing, if a council file
    was corrected by a demo file: removing that would leave the council file superseded by
    nothing. Asked by an ``actor``, their role must allow uploads, and the audit trail records
    the removal."""
    if actor is not None:
        actor.require(Permission.UPLOAD)
    with write_session(engine) as session:
        demo = select(Submission.id).where(
            Submission.council == council, Submission.is_demo.is_(True)
        )
        ids = list(session.scalars(demo))
        if not ids:
            return 0
        overtaken = session.scalars(
            select(Submission.file_name).where(
                Submission.is_demo.is_(False), Submission.superseded_by_id.in_(ids)
            )
        ).all()
        if overtaken:
            raise DemoDataError(
                f"{', '.join(overtaken)} (council data) was corrected by demo data; load its "
                "correction again before removing the demo data. Nothing was removed."
            )
        session.execute(
            update(Submission).where(Submission.id.in_(ids)).values(superseded_by_id=None)
        )
        for table in reversed(Base.metadata.sorted_tables):
            if table.name != Submission.__tablename__ and "submission_id" in table.c:
                session.execute(delete(table).where(table.c.submission_id.in_(ids)))
        session.execute(delete(Submission).where(Submission.id.in_(ids)))
        if actor is not None:
            audit.record(session, actor, Action.DEMO, target="remove", detail={"submissions": ids})
    return len(ids)
