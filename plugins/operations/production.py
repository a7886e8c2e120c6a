"""Production settings from the environment or from ``production.env`` (git-ignored), for ``make serve``.

``production.env`` holds ``NOM=valeur`` lines (``#`` starts a comment); the environment wins over the file,
so a service manager can set anything the file does. Read keys: ``ECOSSOLIES_SECRET_KEY``,
``ECOSSOLIES_TILES``, ``ECOSSOLIES_STORAGE`` (a moin store URI, e.g. PostgreSQL), ``ECOSSOLIES_ADMIN_NAME``,
``ECOSSOLIES_ADMIN_EMAIL``, ``ECOSSOLIES_ADMIN_PASSWORD``.
"""

from __future__ import annotations

import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ENV_FILE = os.path.join(ROOT, "production.env")


def load_environment(path: str = ENV_FILE) -> list[str]:
    """Put the file's settings into ``os.environ`` (those not already set); return the names read."""
    if not os.path.exists(path):
        return []
    names = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, sep, value = line.partition("=")
            if not sep or not name.strip().isidentifier():
                raise SystemExit(f"{path}, ligne {number} : attendu NOM=valeur, trouvé « {line[:40]} ».")
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            os.environ.setdefault(name.strip(), value)
            names.append(name.strip())
    return names


def admin_from_environment() -> tuple[str, str, str] | None:
    """The admin account asked for by the environment, if all three settings are there."""
    keys = ("ECOSSOLIES_ADMIN_NAME", "ECOSSOLIES_ADMIN_EMAIL", "ECOSSOLIES_ADMIN_PASSWORD")
    values = [os.environ.get(k, "").strip() for k in keys]
    if not any(values):
        return None
    if not all(values):
        missing = ", ".join(k for k, v in zip(keys, values, strict=True) if not v)
        raise SystemExit(f"Compte administrateur : il manque {missing}.")
    return values[0], values[1], values[2]
