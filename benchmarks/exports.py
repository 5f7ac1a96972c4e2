"""Time the Schools Forum pack from the demo data, and one chart export cold and warm.

    .venv/bin/python benchmarks/exports.py [--council CODE]

The pack is built with one Chromium kept for every chart (as the app and lfi export do); the
baseline, in the same run, draws each chart in a Chromium of its own (kaleido without its
server). A single chart is timed cold (the first export of a process, starting Chromium) and
warm (the same chart again, a different chart, and each format). Targets on a 2-core machine:
the pack under 20 seconds, a warm chart under 1 second.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmark_council import add_council_argument, choose_council  # noqa: E402

from exports.charts import ChartRenderer, chart, for_print  # noqa: E402
from exports.reports import make_pack  # noqa: E402
from kpis.council import Council  # noqa: E402
from services.demo import load_demo_data  # noqa: E402
from services.measures import MeasureService  # noqa: E402
from storage.database import create_database_engine, upgrade_database  # noqa: E402

PACK_TARGET_S = 20.0
WARM_TARGET_S = 1.0


class PerChartChromium(ChartRenderer):
    """The baseline: kaleido starting a browser for every image, as with no server."""

    def _start(self) -> None:
        self._started = True

    def _draw(self, figure, fmt, width=1200, height=700):
        import plotly.io as pio

        return pio.to_image(figure, format=fmt, width=width, height=height)


def demo_service(folder: Path, council: Council) -> MeasureService:
    engine = create_database_engine(f"sqlite:///{folder / 'demo.sqlite3'}")
    upgrade_database(engine)
    if load_demo_data(engine, council=council, max_bytes=20_000_000) == 0:
        raise SystemExit(f"{council.la_code} has no demo data to time the exports on")
    return MeasureService(engine=engine, council=council)


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def time_pack(service: MeasureService, renderer: ChartRenderer) -> float:
    seconds = timed(
        lambda: make_pack(service, period=None, threshold=4, renderer=renderer, today=date.today())
    )
    renderer.close()
    return seconds


def time_charts(service: MeasureService) -> dict[str, float]:
    snapshot = service.snapshot()
    renderer = ChartRenderer()
    first = chart("measure-1", snapshot, service.catalogue, threshold=4)
    other = chart("plan-cumulative", snapshot, service.catalogue, threshold=4)
    times = {"cold png": timed(lambda: renderer._draw(for_print(first), "png"))}
    renderer._start()
    for fmt in ("png", "svg", "pdf"):
        runs = [timed(lambda f=fmt: renderer._draw(for_print(first), f)) for _ in range(3)]
        times[f"warm {fmt}"] = statistics.median(runs)
    times["warm other chart png"] = timed(lambda: renderer._draw(for_print(other), "png"))
    renderer.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    add_council_argument(parser)
    council = choose_council(parser.parse_args().council)
    with tempfile.TemporaryDirectory() as folder:
        service = demo_service(Path(folder), council)
        pack = time_pack(service, ChartRenderer())
        baseline = time_pack(service, PerChartChromium())
        charts = time_charts(service)
    print("Schools Forum pack (demo data, latest term, 15 charts)")
    print(f"  one Chromium for every chart:  {pack:6.2f} s")
    print(f"  a Chromium for each chart:     {baseline:6.2f} s (baseline)")
    print(f"  baseline / kept Chromium:      {baseline / pack:6.2f} times")
    print("Single chart export (measure 1, 3000 x 1750 PNG)")
    for name, seconds in charts.items():
        print(f"  {name:22} {seconds:6.2f} s")
    warm = max(v for k, v in charts.items() if k.startswith("warm"))
    print(f"  cold / slowest warm:   {charts['cold png'] / warm:6.2f} times")
    met = pack < PACK_TARGET_S and warm < WARM_TARGET_S
    print(
        f"target (pack under {PACK_TARGET_S:.0f} s, warm chart under {WARM_TARGET_S:.0f} s): "
        + ("TARGET MET" if met else "TARGET MISSED")
    )


if __name__ == "__main__":
    main()
