"""The lfi command as the tests run it: a subprocess on the test's database, with no standard
input, its output captured as text."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

LFI = Path(sys.executable).parent / "lfi"

Run = Callable[..., subprocess.CompletedProcess]


def lfi_runner(cwd: Path, *, timeout: int = 300, **settings: str) -> Run:
    """``run(*args, council=None, stdin=None)`` runs ``lfi ARGS`` in ``cwd`` with ``settings``
    (LFI_* names) in its environment, ``stdin`` as its input (else none); LFI_COUNCIL is unset
    unless ``settings`` or ``council`` give it."""
    if not LFI.exists():
        pytest.fail(f"the lfi command is not installed beside {sys.executable}: run scripts/test")
    env = {**os.environ, **settings}
    if "LFI_COUNCIL" not in settings:
        env.pop("LFI_COUNCIL", None)

    def run(
        *args: str, council: str | None = None, stdin: str | None = None
    ) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(LFI), *args],
            env=env if council is None else {**env, "LFI_COUNCIL": council},
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            **({"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}),
        )

    return run
