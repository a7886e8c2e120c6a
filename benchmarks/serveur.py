"""A production server of the wiki on a throwaway instance, and a small browser-like HTTP client.

Shared by the production tests (``tests/test_production.py``) and the load test (``benchmarks/charge.py``):
the instance is laid out as the real one (``<dir>/wiki``), created with moin's and our commands, and served
by gunicorn exactly as ``make serve`` does, on 127.0.0.1 only.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
PASSWORD = "motdepasse-solide-2026"
MOINWIKI = "text/x.moin.wiki;charset=utf-8"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Instance:
    base: str
    env: dict[str, str] = field(default_factory=dict)

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(args, cwd=self.base, env=self.env, capture_output=True, text=True, timeout=900)
        if check and result.returncode != 0:
            raise RuntimeError(f"{args}: {result.stdout}\n{result.stderr}")
        return result

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.run(sys.executable, "-m", "plugins.operations.cli", *args, check=check)


def create_instance(base: str, seed: bool = True, extra_env: dict[str, str] | None = None) -> Instance:
    """A new instance under ``base/wiki`` (moin's index-create, then our seed).

    No secret key is passed: as in production without one, the instance makes its own random key
    (``wiki/secret_key``), shared by the processes that serve it.
    """
    env = {k: v for k, v in os.environ.items() if k != "ECOSSOLIES_SECRET_KEY"}
    env.update(
        MOINCFG=os.path.join(ROOT, "wikiconfig.py"),
        ECOSSOLIES_INSTANCE=os.path.join(base, "wiki"),
        PYTHONPATH=ROOT,
        **(extra_env or {}),
    )
    instance = Instance(base, env)
    instance.run(f"{BIN}/moin", "index-create")
    if seed:
        instance.cli("seed")
    return instance


@dataclass
class Server:
    process: subprocess.Popen
    url: str

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def serve(instance: Instance, workers: int = 2, threads: int = 4, log: str | None = None) -> Server:
    """gunicorn on the instance, as ``make serve`` runs it; returns once it answers."""
    port = free_port()
    args = [
        f"{BIN}/gunicorn",
        "--workers", str(workers),
        "--threads", str(threads),
        "--bind", f"127.0.0.1:{port}",
        "--timeout", "120",
        "--control-socket", os.path.join(instance.base, "wiki", "gunicorn.ctl"),
        "--chdir", ROOT,
        "wsgi:application",
    ]  # fmt: skip
    out = open(log or os.devnull, "w")  # noqa: SIM115 - kept open for the server's life
    env = {"MALLOC_ARENA_MAX": "2", **instance.env}  # as make serve: two malloc arenas a process, not one a thread
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn s'est arrêté (code {process.returncode})")
        try:
            with urllib.request.urlopen(url + "/Accueil", timeout=10) as response:
                if response.status == 200:
                    return Server(process, url)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("gunicorn ne répond pas")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Client:
    """One reader or editor: its own cookies; answers (status, body) and never raises on HTTP errors."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        #: the headers of the last answer
        self.headers: Any = {}

    def request(self, path: str, data: dict[str, str] | None = None, timeout: float = 60) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"Origin": self.url, "Referer": self.url + path} if body is not None else {}
        req = urllib.request.Request(self.url + urllib.parse.quote(path, safe="/+?=&%"), data=body, headers=headers)
        try:
            with self.opener.open(req, timeout=timeout) as response:
                self.headers = response.headers
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            self.headers = exc.headers
            return exc.code, exc.read().decode("utf-8", "replace")

    def server_timing(self) -> dict[str, float]:
        """The ``Server-Timing`` durations of the last answer, in seconds, by name."""
        timings = {}
        headers = self.headers.get_all("Server-Timing") if hasattr(self.headers, "get_all") else None
        for header in headers or []:
            for metric in header.split(","):
                name, _, params = metric.strip().partition(";")
                for param in params.split(";"):
                    key, _, value = param.partition("=")
                    if key.strip() == "dur":
                        timings[name.strip()] = float(value) / 1000
        return timings

    def login(self, name: str, password: str = PASSWORD, attempts: int = 3) -> None:
        """Log in; « occupé » (503, the wiki saving others' changes) is tried again, as its message asks."""
        form = {"login_username": name, "login_password": password, "login_submit": "1"}
        for _ in range(attempts):
            status, _ = self.request("/+login", form)
            if status != 503:
                break
        if status not in (200, 302):
            raise RuntimeError(f"connexion refusée ({status})")

    def save(self, name: str, text: str, comment: str = "mesure") -> int:
        """Save through moin's edit form as a browser does: open the form (lock, draft), then post it."""
        path = f"/+modify/{name}?contenttype={urllib.parse.quote(MOINWIKI)}&itemtype=default&template="
        start = time.perf_counter()
        self.request(path)
        opened = time.perf_counter()
        status, _ = self.request(
            path,
            {
                "content_form_data_text": text,
                "comment": comment,
                "meta_form_acl": "None",
                "meta_form_name": name,
                "meta_form_summary": "",
                "meta_form_tags": "",
                "submit": "OK",
            },
        )
        #: how long the last save took to open its form, and to send it (seconds)
        self.save_seconds = (opened - start, time.perf_counter() - opened)
        return status


def titles_in(html: str) -> list[str]:
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', html)
