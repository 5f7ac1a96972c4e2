"""The product as it runs in production, on this machine: ``lfi serve`` (gunicorn) processes on
loopback ports, and a browser-like client that signs in and opens pages through Dash's routing
callback, as the renderer does."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.cli import LFI
from tests.redis_server import free_port

ROUTING_OUTPUTS = [
    {"id": "_pages_content", "property": "children"},
    {"id": "_pages_store", "property": "data"},
]


class AppServer:
    """``lfi serve`` with ``settings`` (LFI_* variables) on a free port."""

    def __init__(self, folder: Path, **settings: str) -> None:
        self.port = free_port()
        self.log = folder / f"server-{self.port}.log"
        self.env = {
            **os.environ,
            "LFI_HOST": "127.0.0.1",
            "LFI_PORT": str(self.port),
            "LFI_ALLOWED_HOSTS": "127.0.0.1,localhost",
            **settings,
        }
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120) -> AppServer:
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [str(LFI), "serve"],
                env=self.env,
                stdout=log,
                stderr=log,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(
                    f"lfi serve exited with {self.process.returncode}:\n{self.log.read_text()}"
                )
            try:
                if requests.get(self.url + "/sign-in", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.3)
        self.stop()
        pytest.fail(f"lfi serve did not answer within {timeout:.0f} s:\n{self.log.read_text()}")

    def workers(self) -> list[int]:
        """The process ids of gunicorn's workers (lfi serve becomes gunicorn's master)."""
        assert self.process is not None
        found = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        )
        return [int(pid) for pid in found.stdout.split()]

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


class Browser:
    """A signed-in visitor of one server: its cookies, token and origin on every request."""

    def __init__(self, server: AppServer) -> None:
        self.server = server
        self.http = requests.Session()

    def sign_in(self, email: str, password: str) -> Browser:
        page = self.http.get(self.server.url + "/sign-in", timeout=30)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token is not None, f"/sign-in has no form token ({page.status_code})"
        answer = self.http.post(
            self.server.url + "/sign-in",
            data={"email": email, "password": password, "csrf_token": token.group(1)},
            headers={"Origin": self.server.url},
            allow_redirects=False,
            timeout=30,
        )
        assert answer.status_code == 303, f"signing in as {email}: {answer.status_code}"
        return self

    def _headers(self) -> dict[str, str]:
        return {
            "Origin": self.server.url,
            "X-CSRFToken": self.http.cookies.get("_csrf_token") or "",
        }

    def page(self, path: str, search: str = "", timeout: float = 60) -> requests.Response:
        """The page at ``path`` as Dash's router draws it: the routing callback's answer."""
        changed = ["_pages_location.pathname"]
        body = {
            "output": ".._pages_content.children..._pages_store.data..",
            "outputs": ROUTING_OUTPUTS,
            "inputs": [
                {"id": "_pages_location", "property": "pathname", "value": path},
                {"id": "_pages_location", "property": "search", "value": search},
            ],
            "changedPropIds": changed,
            "parsedChangedPropsIds": changed,
        }
        return self.http.post(
            self.server.url + "/_dash-update-component",
            json=body,
            headers=self._headers(),
            timeout=timeout,
        )

    def get(self, path: str, timeout: float = 120) -> requests.Response:
        return self.http.get(self.server.url + path, timeout=timeout, headers=self._headers())
