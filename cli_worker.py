"""``lfi worker``: make the Schools Forum packs, the DfE returns' files and the checks of large
uploads that the web app queues in Redis (LFI_REDIS_URL), one at a time, until stopped.

Run one or more beside ``lfi serve``, with the same settings (the same LFI_DATABASE_URL,
LFI_COUNCILS_DIR and LFI_REDIS_URL). SIGTERM stops it after the job in hand.

Exit codes: 0 stopped, 2 LFI_REDIS_URL is not set (or another setting is unusable).
"""

from __future__ import annotations

import argparse
import sys

from settings import read_settings


def run(args: argparse.Namespace) -> int:
    settings = read_settings()
    if settings.redis_url is None:
        print(
            "lfi worker: LFI_REDIS_URL is not set. A worker takes its jobs from Redis: set "
            "LFI_REDIS_URL to the address the web app uses (redis://HOST:6379/0). Without "
            "Redis the web app makes every file within the request, and needs no worker.",
            file=sys.stderr,
        )
        return 2
    from services.worker import run_worker

    return run_worker(settings, burst=args.burst)


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    worker = commands.add_parser(
        "worker", help="make the packs, returns and upload checks queued in Redis"
    )
    worker.add_argument(
        "--burst", action="store_true", help="stop when no job is waiting, instead of waiting"
    )
    worker.set_defaults(run=run)
