"""The long work, as files: the Schools Forum pack and each file of the DfE return, made in the
request (without Redis) or by a worker as a job (with it), and the check of a large upload, a
job only. Each step is reported as it starts (services.jobs.report_progress), which a job's page
shows and which outside a job does nothing.

The job functions (``*_job``) run in ``lfi worker``: they take only plain values (a council's
LA code, a term, the signed-in actor), and build what they need from the worker's settings,
once per worker process (services/worker.py hands them its deployment)."""

from __future__ import annotations

import atexit
from functools import cache

from domain.actors import Actor
from exports.charts import HEIGHT, WIDTH, Chart, ChartExportError, ChartRenderer
from exports.dfe_return import build_annex, build_report_docx, build_report_pdf
from exports.pack import Meeting, PackError
from exports.pdf import PdfError
from exports.reports import make_pack, return_request
from kpis.rounds import Round, RoundError, parse_round
from services.interface import Service
from services.jobs import JobFile, job_deployment, report_failure, report_file, report_progress

PDF = "application/pdf"
RETURN_FILES = {
    "annex.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "report.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "report.pdf": PDF,
}
RETURN_STAGES = {
    "annex.xlsx": "Writing the annex",
    "report.docx": "Writing the monitoring report",
    "report.pdf": "Printing the monitoring report",
}
# Seconds a worker gives each job before stopping it (the pack prints in Chromium, which alone
# may take three minutes: exports/pdf.py).
PACK_TIMEOUT = 600
RETURN_TIMEOUT = 300
CHECK_TIMEOUT = 600


class _Counting(ChartRenderer):
    """Another renderer's charts, each reported as it is drawn ("Drawing chart 3 of 15"); after
    the last, the pack goes to print."""

    def __init__(self, inner: ChartRenderer, total: int) -> None:
        super().__init__()
        self._inner, self._total, self._drawn = inner, total, 0

    def render(
        self,
        item: Chart,
        fmt: str,
        version: tuple[int, int],
        *,
        width: int = WIDTH,
        height: int = HEIGHT,
        marked: bool = True,
    ) -> bytes:
        self._drawn += 1
        report_progress(f"Drawing chart {self._drawn} of {self._total}")
        data = self._inner.render(item, fmt, version, width=width, height=height, marked=marked)
        if self._drawn >= self._total:
            report_progress("Printing the PDF")
        return data


def pack_file(service: Service, renderer: ChartRenderer, *, term: str, meeting: Meeting) -> JobFile:
    """The Schools Forum pack for ``term``. PackError: the term cannot be reported;
    PdfError, ChartExportError: Chromium could not draw or print it."""
    report_progress("Gathering the figures")
    charts = sum(1 for m in service.catalogue.measures if m.schools_forum)
    term, pdf = make_pack(
        service,
        period=term,
        threshold=service.settings.suppress_threshold,
        renderer=_Counting(renderer, charts),
        meeting=meeting,
    )
    slug = term.lower().replace(" ", "-")
    return JobFile(f"lfi-schools-forum-pack-{slug}.pdf", PDF, pdf)


def return_file(service: Service, chosen: Round, name: str) -> JobFile:
    """One file of the DfE return for ``chosen`` (``name``: one of RETURN_FILES). PdfError:
    Chromium could not print the report."""
    report_progress("Gathering the figures")
    request = return_request(service, chosen, threshold=service.settings.suppress_threshold)
    build = {"annex.xlsx": build_annex, "report.docx": build_report_docx}.get(
        name, build_report_pdf
    )
    report_progress(RETURN_STAGES[name])
    return JobFile(f"lfi-dfe-return-{chosen.slug}-{name}", RETURN_FILES[name], build(request))


# ---- as jobs, in the worker ----------------------------------------------------------------


@cache
def _renderer() -> ChartRenderer:
    """The worker's one Chromium for charts, stopped when the worker stops."""
    renderer = ChartRenderer()
    atexit.register(renderer.close)
    return renderer


def _service(council: str) -> Service:
    service = job_deployment().service(council)
    if service is None:
        raise LookupError(f"this worker's settings serve no council {council}")
    return service


def pack_job(council: str, term: str, meeting: Meeting) -> JobFile | None:
    """The pack, as a job. A term that cannot be reported fails it at once; Chromium failing
    fails this attempt, and the job is tried once more."""
    try:
        made = pack_file(_service(council), _renderer(), term=term, meeting=meeting)
    except PackError as error:
        report_failure(str(error))
        return None
    except (PdfError, ChartExportError) as error:
        report_failure(str(error))
        raise
    return report_file(made)


def return_job(council: str, slug: str, name: str) -> JobFile | None:
    """One file of the DfE return, as a job."""
    try:
        made = return_file(_service(council), parse_round(slug), name)
    except RoundError as error:
        report_failure(str(error))
        return None
    except PdfError as error:
        report_failure(str(error))
        raise
    return report_file(made)


def upload_check_job(council: str, token: str, actor: Actor) -> None:
    """Check ``actor``'s pending upload and work out what storing it would change; the check
    is kept where its page reads it (services/uploads.py)."""
    service = _service(council)
    report_progress("Reading the workbook")
    pending = service.read_upload(actor, token)
    if pending is None:
        report_failure(
            "This upload is no longer waiting: it has been stored or discarded, or it was not "
            "confirmed within a day."
        )
        return
    service.check_upload(actor, pending)
    report_progress("Checked")
