import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.submissions import load_workbook
from storage.models import (
    DsgFigure,
    DsgStatement,
    EhcpFigure,
    EhcpNeed,
    HnbSaving,
    HnbSpend,
    MeasureTarget,
    Placement,
    Submission,
    SubmissionFile,
)
from tests.councils import NORFOLK
from tests.workbooks import write_template

MAX_BYTES = 20_000_000


@pytest.fixture(scope="session")
def template(tmp_path_factory):
    return write_template(tmp_path_factory.mktemp("template") / "dsg-template.xlsx")


def snapshot(engine) -> dict:
    """Everything stored, so a test can show that a failed load changed nothing."""
    with Session(engine) as session:
        counts = {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (
                Submission,
                SubmissionFile,
                DsgStatement,
                DsgFigure,
                MeasureTarget,
                EhcpFigure,
                EhcpNeed,
                HnbSpend,
                HnbSaving,
                Placement,
            )
        }
        statuses = session.execute(select(Submission.id, Submission.status)).all()
    return {"counts": counts, "statuses": sorted(statuses)}


@pytest.fixture
def load(engine):
    def run(data: bytes, *, file_name: str = "plan.xlsx", dry_run: bool = False, reason=None):
        return load_workbook(
            engine,
            data,
            file_name=file_name,
            council=NORFOLK,
            max_bytes=MAX_BYTES,
            dry_run=dry_run,
            reason=reason,
        )

    return run
