"""The app on a SQLite file of its own, signed-in clients of each role, the bodies Dash's renderer
posts to its callbacks, and the rows a request could store."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import create_app
from loaders.templates import write_ehcp_workbook
from settings import Settings
from storage.models import Commentary, PendingUpload, ReturnEntry, Submission

ROUTING_OUTPUT = ".._pages_content.children..._pages_store.data.."
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
        plan_first_year="2022-23",
        plan_last_year="2028-29",
    )
    return dataclasses.replace(settings, **changes)


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


def callback_body(app, key: str, values: dict[str, object] | None = None) -> dict:
    """The body Dash's renderer posts for the callback ``key``: every input and state it reads,
    each with the value given by its id (or its "id.property"), else None."""
    values = values or {}
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


def routing_body(app, path: str) -> dict:
    """The body of Dash's router for the page at ``path``: the page's content comes through it."""
    return callback_body(
        app,
        ROUTING_OUTPUT,
        {
            "_pages_location.pathname": path,
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
