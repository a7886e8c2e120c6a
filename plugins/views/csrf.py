"""The CSRF token of our forms: one secret per session, written in every form we draw and checked on every POST.

It lives with the views because the views draw the forms (a hidden field); the web side checks it (``csrf_ok``).
"""

from __future__ import annotations

import hmac
import secrets

from flask import request, session

CSRF_KEY = "eco_csrf"


def csrf_token() -> str:
    token = session.get(CSRF_KEY)
    if not token:
        token = session[CSRF_KEY] = secrets.token_urlsafe(32)
    return token


def csrf_ok() -> bool:
    sent = request.form.get("csrf_token", "")
    expected = session.get(CSRF_KEY, "")
    return bool(expected) and hmac.compare_digest(sent, expected)
