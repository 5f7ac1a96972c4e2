"""The Schools Forum pack and the DfE return, from the stored data: what the web app's download
buttons and the lfi export command both call."""

from __future__ import annotations

from datetime import date

from domain.periods import PeriodError, parse_term
from exports.charts import ChartRenderer
from exports.dfe_return import ReturnRequest, build_annex, build_report_docx, build_report_pdf
from exports.pack import Meeting, PackError, PackRequest, build_pack
from kpis.rounds import Round, rounds_in
from services.interface import Service


def pack_term(service: Service, period: str | None) -> str:
    """The term asked for, or the latest term loaded; PackError says why one cannot be used."""
    snapshot = service.snapshot()
    if period is None:
        latest = snapshot.latest_term()
        if latest is None:
            raise PackError("No termly return has been loaded, so there is no period to report.")
        return latest
    try:
        return str(parse_term(period))
    except PeriodError as error:
        raise PackError(f"--period {period!r}: {error}") from None


def make_pack(
    service: Service,
    *,
    period: str | None,
    threshold: int,
    renderer: ChartRenderer,
    today: date | None = None,
    meeting: Meeting | None = None,
) -> tuple[str, bytes]:
    term = pack_term(service, period)
    request = PackRequest(
        term=term,
        snapshot=service.snapshot(),
        catalogue=service.catalogue,
        commentary=service.commentary(term),
        threshold=threshold,
        today=today or date.today(),
        meeting=meeting or Meeting(),
        council=service.council.profile,
    )
    return term, build_pack(request, renderer)


def return_request(
    service: Service, chosen: Round, *, threshold: int, today: date | None = None
) -> ReturnRequest:
    names = {r.name for r in rounds_in(chosen.due.year)} | {chosen.name}
    return ReturnRequest(
        round=chosen,
        snapshot=service.snapshot(),
        catalogue=service.catalogue,
        entries={name: service.return_entries(name) for name in names},
        threshold=threshold,
        today=today or date.today(),
        council=service.council.profile,
    )


def make_return(
    service: Service, chosen: Round, *, threshold: int, today: date | None = None
) -> dict[str, bytes]:
    """The three files of a return, by file name."""
    request = return_request(service, chosen, threshold=threshold, today=today)
    stem = f"lfi-dfe-return-{chosen.slug}"
    return {
        f"{stem}-annex.xlsx": build_annex(request),
        f"{stem}-report.docx": build_report_docx(request),
        f"{stem}-report.pdf": build_report_pdf(request),
    }
