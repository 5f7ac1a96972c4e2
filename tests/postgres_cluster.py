"""A PostgreSQL server of the test's own, on a free loopback port, that a test may restart or stop
(the machine's server is shared and is never restarted). Debian's server binaries make it; as
root, it runs as the postgres user, as PostgreSQL insists."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.redis_server import free_port


def _binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        pytest.fail(
            "These tests run a PostgreSQL server of their own: install Debian's postgresql "
            "(scripts/test does)",
            pytrace=False,
        )
    return Path(found[-1]).parent


class PostgresCluster:
    """A fresh cluster in ``folder``, trust authentication, database ``postgres``."""

    def __init__(self, folder: Path) -> None:
        self.bin = _binaries()
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self._as: list[str] = []
        if os.geteuid() == 0:
            self._as = ["runuser", "-u", "postgres", "--"]
            shutil.chown(folder, "postgres")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        done = subprocess.run(
            [*self._as, *args], capture_output=True, text=True, timeout=120, cwd=self.folder
        )
        if done.returncode != 0:
            pytest.fail(f"{' '.join(args[:2])} failed: {done.stderr.strip()}", pytrace=False)

    def init(self) -> PostgresCluster:
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
        )
        return self.start()

    def _options(self) -> str:
        return f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"

    def start(self) -> PostgresCluster:
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            self._options(),
            "-l",
            str(self.folder / "log"),
            "-w",
            "start",
        )
        return self

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def running(self) -> bool:
        pid = self.data / "postmaster.pid"
        return pid.exists()
