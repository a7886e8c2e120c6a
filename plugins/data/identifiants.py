"""Identifiers of organisations: SIRET (14 digits) and RNA number (« W » and 9 digits).

Shared by the SCDL import (``plugins/subventions/scdl.py``), the fiche fields ``siret`` and ``rna`` and the
matching of subsidies to fiches (``plugins/subventions/analysis.py``), so that « 123 456 789 00012 » written in a
fiche finds « 12345678900012 » in a public file.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from plugins.data.schema import Invalide, Text, _shown

_SPACES = re.compile(r"[\s\u00a0\u202f.-]")


def siret(value: str) -> str | None:
    """The 14 digits of a SIRET written with or without spaces, dots or dashes; None if it is not one."""
    digits = _SPACES.sub("", value)
    return digits if re.fullmatch(r"\d{14}", digits) else None


def siret_key_ok(digits: str) -> bool:
    """Whether a SIRET's control key is right: Luhn over the 14 digits. La Poste's establishments (SIREN
    356 000 000) are numbered beyond what Luhn allows: theirs is right when the sum of the digits is a multiple
    of 5 (INSEE's rule), and La Poste's head office (356 000 000 00048) passes Luhn as any other. The forms
    check it as typed."""
    if not re.fullmatch(r"\d{14}", digits):
        return False
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = int(char) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    if total % 10 == 0:
        return True
    return digits.startswith("356000000") and sum(int(d) for d in digits) % 5 == 0


def rna(value: str) -> str | None:
    """An RNA number (« W » then 9 digits, e.g. W442001234), upper-cased; None if it is not one."""
    text = _SPACES.sub("", value).upper()
    return text if re.fullmatch(r"W\d{9}", text) else None


class Siret(Text):
    """The SIRET of an organisation (14 digits), as in the public subsidy files."""

    expected = "un numéro SIRET de 14 chiffres, par exemple 123 456 789 00012"
    widget: ClassVar[str] = "siret"

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        found = siret(text)
        if found is None:
            # YAML reads 01234567800012 as a number and drops its leading zero: quotes keep it
            hint = " ; écrivez-le entre guillemets" if isinstance(value, int) else ""
            raise Invalide(f"attendu {self.expected}, trouvé {_shown(text)}{hint}.")
        return found


class Rna(Text):
    """The RNA number of an association (« W » then 9 digits), as in the public subsidy files (SCDL 2.x)."""

    expected = "un numéro RNA (W suivi de 9 chiffres), par exemple W442001234"
    widget: ClassVar[str] = "rna"

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        found = rna(text)
        if found is None:
            raise Invalide(f"attendu {self.expected}, trouvé {_shown(text)}.")
        return found
