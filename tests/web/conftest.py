"""The app on a SQLite file of its own, signed-in clients of each role, the bodies Dash's renderer
posts to its callbacks, the rows a request could store, and a councils folder with a second
council beside Norfolk."""

from __future__ import annotations

import dataclasses
import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import create_app
from kpis.council_draft import write_council
from loaders.templates import write_dsg_workbook, write_ehcp_workbook
from services.submissions import load_workbook
from settings import Settings
from storage.models import Commentary, PendingUpload, ReturnEntry, Submission
from tests.councils import COUNCILS_DIR, NORFOLK_CODE
from tests.routing import council_address

ROUTING_OUTPUT = ".._pages_content.children..._pages_store.data.."
PUBLIC_DIR = COUNCILS_DIR.parent / "data" / "public"
DEVON_CODE = "E10000008"  # drafted from the DfE's lists with Norfolk's measures: a second council
DEVON_EMAIL = "send@devon.example"
LOCATION = "_pages_location.pathname"
# The tables a request that changes data writes to: none may grow on a refused request.
STORED = {
    "submissions": Submission,
    "pending_uploads": PendingUpload,
    "commentary": Commentary,
    "return_entries": ReturnEntry,
}


def settings_for(folder: Path, **changes) -> Settings:
    settings = Settings(
        database_url=f"sqlite:///{folder / 'lfi.sqlite3'}",
        host="127.0.0.1",
        port=8050,
        debug=False,
        load_demo=False,
        max_upload_mb=20,
    )
    changes.setdefault("councils_dir", norfolk_alone(folder))
    return dataclasses.replace(settings, **changes)


def norfolk_alone(folder: Path) -> Path:
    """A councils folder holding Norfolk's profile as shipped, and no other council."""
    councils = folder / "councils"
    if not (councils / NORFOLK_CODE).exists():
        shutil.copytree(COUNCILS_DIR / NORFOLK_CODE, councils / NORFOLK_CODE)
    return councils


def councils_with_devon(folder: Path) -> Path:
    """A councils folder holding Norfolk's profile as shipped and Devon's, drafted from the
    DfE's public lists (its name "Devon", its own neighbours, the standard plan lines) with a
    copy of Norfolk's measures, as lfi council add makes one."""
    councils = norfolk_alone(folder)
    if not (councils / DEVON_CODE).exists():
        write_council(
            DEVON_CODE,
            councils_dir=councils,
            measures_from=councils / NORFOLK_CODE / "measures.toml",
            public_dir=PUBLIC_DIR,
            first_year="2022-23",
            last_year="2028-29",
            programme="Devon High Needs Recovery",
            contact_email=DEVON_EMAIL,
        )
    return councils


def make_app(folder: Path, **changes):
    """The app with these settings; Dash has set up its callbacks (it does at the first request)."""
    app = create_app(settings_for(folder, **changes))
    app.server.test_client().get("/healthz")
    return app


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


def engine_of(app):
    return app.server.extensions["lfi"].engine


def stored_counts(app) -> dict[str, int]:
    with Session(engine_of(app)) as session:
        return {
            name: session.scalar(select(func.count()).select_from(model))
            for name, model in STORED.items()
        }


# Devon's figures in the tests with two councils: its own EHCP return, whose caseload no answer
# to a Norfolk account may carry, and a DSG plan and forecast whose balances are worked by hand.
DEVON_CASELOAD = 67_891
DEVON_FILE = "devon-ehcp-summer-2026.xlsx"
DEVON_FIGURES = ("67,891", "67891", DEVON_FILE, "Devon")
NORFOLK_CASELOAD = 12_345
NORFOLK_FILE = "norfolk-ehcp-summer-2026.xlsx"
# Devon's plan, £m a year in every plan year from 2022-23 to 2028-29 (every other standard line
# nil): income 100, spending 90 + 20, the DfE 5 and the council 3. In-year 110 - 100 = 10, less
# 8 of contributions: the balance after contributions grows by 2 a year from the opening 50, to
# 50 + 7 x 2 = 64 in 2028-29. The forecast spends 23 on independent schools, 3 more a year: it
# grows by 5 a year, to 50 + 7 x 5 = 85, £21.000m worse than the plan.
DEVON_OPENING = Decimal(50)
DEVON_PLAN = {
    "hnb_dsg_income": Decimal(-100),
    "special_schools": Decimal(90),
    "independent_special_schools": Decimal(20),
    "dfe_contribution": Decimal(-5),
    "council_contribution": Decimal(-3),
}
DEVON_FORECAST = {**DEVON_PLAN, "independent_special_schools": Decimal(23)}


def devon_dsg_workbook(council) -> bytes:
    """Devon's DSG workbook in its own lines and years, its forecast made in Summer 2026."""
    shape = council.shape

    def every_year(by_line: dict[str, Decimal]) -> dict[str, dict[str, Decimal]]:
        return {
            line.code: dict.fromkeys(shape.years, by_line.get(line.code, Decimal(0)))
            for line in shape.lines.lines
        }

    buffer = io.BytesIO()
    write_dsg_workbook(
        buffer,
        shape=shape,
        opening_balance=DEVON_OPENING,
        plan=every_year(DEVON_PLAN),
        forecast=every_year(DEVON_FORECAST),
        forecast_term="Summer 2026",
    )
    return buffer.getvalue()


def load_into(app, code: str, data: bytes, file_name: str) -> None:
    """Store a workbook in council ``code`` as lfi load would."""
    deployment = app.server.extensions["lfi"]
    outcome = load_workbook(
        deployment.engine,
        data,
        file_name=file_name,
        council=deployment.service(code).council,
        max_bytes=20_000_000,
    )
    assert outcome.stored_id is not None, outcome.report.issues


def two_council_app(folder: Path, **changes):
    """The app serving Norfolk and Devon, each with an EHCP return of Summer 2026 of its own
    (Norfolk's caseload 12,345, or its demo data with load_demo; Devon's 67,891), and Devon with
    its DSG plan and forecast."""
    app = make_app(folder, councils_dir=councils_with_devon(folder), **changes)
    devon = app.server.extensions["lfi"].service(DEVON_CODE).council
    if not changes.get("load_demo"):
        load_into(app, NORFOLK_CODE, ehcp_workbook("Summer 2026", NORFOLK_CASELOAD), NORFOLK_FILE)
    load_into(app, DEVON_CODE, ehcp_workbook("Summer 2026", DEVON_CASELOAD), DEVON_FILE)
    load_into(app, DEVON_CODE, devon_dsg_workbook(devon), "devon-dsg-summer-2026.xlsx")
    return app


def server_callbacks(app) -> dict[str, dict]:
    """Every callback the server answers, by its output id (clientside ones have no function)."""
    return {key: spec for key, spec in app.callback_map.items() if "callback" in spec}


def callback_key(app, input_id: str, prop: str) -> str:
    """The output id of the server callback that ``input_id.prop`` sets off."""
    found = [
        key
        for key, spec in server_callbacks(app).items()
        if {"id": input_id, "property": prop} in spec["inputs"]
    ]
    if len(found) != 1:
        raise AssertionError(f"{len(found)} server callbacks take {input_id}.{prop}: {found}")
    return found[0]


def _outputs(key: str, spec: dict) -> list[dict] | dict:
    given = spec["output"] if isinstance(spec["output"], list) else [spec["output"]]
    outputs = [o.to_dict() if hasattr(o, "to_dict") else o for o in given]
    return outputs if key.startswith("..") else outputs[0]


def callback_body(
    app, key: str, values: dict[str, object] | None = None, *, page: str = "/upload"
) -> dict:
    """The body Dash's renderer posts for the callback ``key``: every input and state it reads,
    each with the value given by its id (or its "id.property"), else None; a callback that sends
    the page's location sends Norfolk's ``page`` unless another location is given."""
    values = {LOCATION: council_address(page), **(values or {})}
    spec = app.callback_map[key]

    def item(dep: dict) -> dict:
        wanted = values.get(f"{dep['id']}.{dep['property']}", values.get(dep["id"]))
        return {"id": dep["id"], "property": dep["property"], "value": wanted}

    inputs = [item(d) for d in spec["inputs"]]
    return {
        "output": key,
        "outputs": _outputs(key, spec),
        "inputs": inputs,
        "changedPropIds": [f"{d['id']}.{d['property']}" for d in spec["inputs"]],
        "state": [item(d) for d in spec["state"]],
    }


def routing_body(app, path: str, council: str | None = NORFOLK_CODE) -> dict:
    """The body of Dash's router for the page at ``path`` (of Norfolk's pages unless another
    council, or None for a whole address, is named): the page's content comes through it."""
    return callback_body(
        app,
        ROUTING_OUTPUT,
        {
            "_pages_location.pathname": council_address(path, council),
            "_pages_location.search": "",
            "_pages_location.hash": "",
        },
    )


def ehcp_workbook(term: str, caseload: int) -> bytes:
    buffer = io.BytesIO()
    counts = {"ehcp_caseload": caseload, "new_plans": 400, "ceased_plans": 150}
    write_ehcp_workbook(buffer, term=term, counts=counts, needs={"ASD": caseload})
    return buffer.getvalue()


def data_url(data: bytes) -> str:
    import base64

    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def answer_of(response) -> dict:
    return json.loads(response.get_data(as_text=True))["response"]
