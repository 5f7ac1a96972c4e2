"""A load whose process is killed half-way leaves the database exactly as it was."""

import signal
import subprocess
import sys
import textwrap

from tests.loaders.conftest import snapshot
from tests.workbooks import paper_workbook, to_bytes

KILLER = textwrap.dedent(
    """
    import os, signal, sys
    import services.stores as stores
    import services.submissions as submissions
    from storage.database import create_database_engine
    from tests.councils import NORFOLK

    store = stores.STORES["dsg"]

    def store_then_die(session, submission_id, content):
        store(session, submission_id, content)
        session.flush()  # every row has reached the database; the commit has not
        os.kill(os.getpid(), signal.SIGKILL)

    stores.STORES["dsg"] = store_then_die
    engine = create_database_engine(sys.argv[1])
    submissions.load_workbook(
        engine, open(sys.argv[2], "rb").read(), file_name="plan.xlsx",
        council=NORFOLK,
        max_bytes=10**7, reason="a correction",
    )
    """
)


def test_kil001_a_killed_load_changes_nothing(template, engine, database_url, load, tmp_path):
    load(to_bytes(paper_workbook(template)))
    before = snapshot(engine)
    book = paper_workbook(template)
    book["Plan"]["B2"] = 60.0  # a different opening balance: a correction of the same period
    path = tmp_path / "correction.xlsx"
    book.save(path)
    result = subprocess.run(
        [sys.executable, "-c", KILLER, database_url, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr
    engine.dispose()  # look with new connections, as the next process would
    assert snapshot(engine) == before
