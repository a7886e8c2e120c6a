"""The French catalogue: every message of moin's interface (as installed, 2.0.0b5) is translated."""

from __future__ import annotations

import os
import re

from babel.messages.pofile import read_po

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEMPLATE = os.path.join(ROOT, "translations", "moin-2.0.0b5.pot")
FRENCH = os.path.join(ROOT, "translations", "fr", "LC_MESSAGES", "messages.po")
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sd]|%[sd]")


def test_every_moin_message_has_a_french_translation_and_none_is_fuzzy():
    with open(TEMPLATE, "rb") as f:
        template = read_po(f)
    with open(FRENCH, "rb") as f:
        french = read_po(f, locale="fr")
    missing, fuzzy, broken = [], [], []
    for message in template:
        if not message.id:
            continue
        translated = french.get(message.id, context=message.context)
        if translated is None or not translated.string:
            missing.append(message.id)
        elif translated.fuzzy:
            fuzzy.append(message.id)
        elif sorted(PLACEHOLDER.findall(message.id)) != sorted(PLACEHOLDER.findall(translated.string)):
            broken.append(message.id)
    assert not missing, f"{len(missing)} messages sans traduction, par exemple {missing[:5]}"
    assert not fuzzy, f"{len(fuzzy)} messages « fuzzy », par exemple {fuzzy[:5]}"
    assert not broken, f"{len(broken)} traductions qui perdent un paramètre, par exemple {broken[:5]}"


def test_the_compiled_catalogue_is_the_one_served(app):
    from flask_babel import force_locale, gettext

    with app.test_request_context("/"), force_locale("fr"):
        assert gettext("Login") != "Login"
        assert gettext("History") != "History"
