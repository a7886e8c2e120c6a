"""Headless Chromium for the tests: Debian's chromium driven by Playwright, against the app served on loopback.

When Chromium is missing the browser tests are skipped with the reason, except when
``ECOSSOLIES_BROWSER_TESTS=obligatoire`` (set by CI), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
#: a 1×1 transparent PNG, served in place of map tiles (the tests have no network)
BLANK_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def require_chromium() -> None:
    if os.path.exists(CHROMIUM):
        return
    reason = f"Chromium introuvable ({CHROMIUM}) : tests dans le navigateur sautés (apt install chromium)"
    if os.environ.get("ECOSSOLIES_BROWSER_TESTS") == "obligatoire":
        pytest.fail(reason)
    pytest.skip(reason)


@contextmanager
def served(app: Any) -> Iterator[str]:
    """Serve the app on a free loopback port in a thread; yield its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@contextmanager
def browser_page(width: int = 1280, height: int = 900) -> Iterator[tuple[Any, list[str]]]:
    """A Chromium page and the list of every URL it requests; map tiles get a blank image."""
    from playwright.sync_api import sync_playwright

    require_chromium()
    requested: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": width, "height": height})
        context.on("request", lambda request: requested.append(request.url))
        context.route(
            "https://tile.openstreetmap.org/**",
            lambda route: route.fulfill(status=200, content_type="image/png", body=BLANK_PNG),
        )
        try:
            yield context.new_page(), requested
        finally:
            context.close()
            browser.close()
