"""The data block parser and the fiche validator: what an editor writes and what they are told."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.data import frontmatter
from plugins.data.registry import analyse

GOOD = """---
type: fiche
nom: La Ressourcerie
commune: reze
secteurs: [Récup', Culture]
creation: 2012
parcours:
  - annee: 2014
    etape: Boutique
  - annee: 2012
    etape: Création
contact:
  email: contact@exemple.org
  site: exemple.org
---
Texte libre.
"""


def messages(text: str) -> list[str]:
    return [str(p) for p in analyse(text).problems]


def test_good_fiche_is_clean_and_normalised():
    analysis = analyse(GOOD)
    assert analysis.problems == []
    data = analysis.record.data
    assert data["commune"] == "Rezé"  # accent- and case-insensitive
    assert data["secteurs"] == ["Récup'", "Culture"]
    assert data["contact"]["site"] == "https://exemple.org"
    assert analysis.front.body == "Texte libre.\n"


def test_no_block_is_plain_page():
    analysis = analyse("= Titre =\nTexte\n---\nplus bas\n")
    assert not analysis.front.has_block and analysis.record is None and analysis.problems == []


def test_wrong_year_names_field_line_and_expectation():
    text = '---\ntype: fiche\nnom: X\ncreation: "l\'an dernier"\n---\n'
    (msg,) = messages(text)
    assert "Ligne 4" in msg and "« creation »" in msg and "année" in msg and "l'an dernier" in msg


def test_unknown_commune_is_reported():
    (msg,) = messages("---\ntype: fiche\nnom: X\ncommune: Atlantis\n---\n")
    assert "commune inconnue" in msg and "Atlantis" in msg and "Ligne 4" in msg


def test_list_where_text_expected():
    (msg,) = messages("---\ntype: fiche\nnom: X\nresume: [a, b]\n---\n")
    assert "« resume »" in msg and "attendu un texte" in msg and "une liste" in msg


def test_unknown_field_lists_the_valid_ones():
    (msg,) = messages("---\ntype: fiche\nnom: X\ncouleur: bleu\n---\n")
    assert "couleur" in msg and "champ inconnu" in msg and "porteurs" in msg


def test_unknown_type_and_missing_type():
    assert "type de page inconnu « recette »" in messages("---\ntype: recette\n---\n")[0]
    assert "le champ « type » manque" in messages("---\nnom: X\n---\n")[0]


def test_missing_required_name():
    (msg,) = messages("---\ntype: fiche\ncommune: Nantes\n---\n")
    assert "« nom »" in msg and "obligatoire" in msg


def test_malformed_yaml_gives_line_and_keeps_text():
    text = "---\ntype: fiche\nnom: X\n  mauvais: indentation\n---\nMon texte précieux\n"
    analysis = analyse(text)
    assert analysis.record is None
    assert "YAML" in str(analysis.problems[0]) and "Ligne" in str(analysis.problems[0])
    assert analysis.front.body == "Mon texte précieux\n"


def test_missing_closing_delimiter_keeps_everything():
    text = "---\ntype: fiche\nnom: X\nTexte sans fin de bloc\n"
    analysis = analyse(text)
    assert "n'est pas fermé" in str(analysis.problems[0])
    assert "Texte sans fin de bloc" in analysis.front.body and "nom: X" in analysis.front.body


def test_huge_block_is_refused_without_parsing():
    text = "---\ntype: fiche\nnom: X\nresume: " + "a" * (5 * 1024 * 1024) + "\n---\nfin\n"
    analysis = analyse(text)
    assert "trop grand" in str(analysis.problems[0])
    assert analysis.front.body == "fin\n"


def test_alias_bomb_is_refused():
    bomb = (
        "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b]\n---\n"
    )
    assert "alias" in messages(bomb)[0]


def test_impossible_date_is_a_message_naming_the_field():
    (msg,) = messages("---\ntype: fiche\nnom: X\ncreation: 2021-02-30\n---\n")
    assert "« creation »" in msg and "2021-02-30" in msg and "n'existe pas" in msg and "Ligne 4" in msg


def test_python_objects_are_not_constructed():
    msgs = messages("---\ntype: fiche\nnom: !!python/object/apply:os.system ['echo x']\n---\n")
    assert msgs and "YAML" in msgs[0]


def test_join_then_split_round_trip():
    data = {"type": "fiche", "nom": "Café « Le Lieu » : bar", "secteurs": ["Culture"]}
    text = frontmatter.join(data, "Texte\n")
    front = frontmatter.split(text)
    assert front.data == data and front.body == "Texte\n"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_parser_never_raises_on_any_text(text):
    analyse(text)
    analyse("---\n" + text + "\n---\nfin")


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "nom",
                "porteurs",
                "forme",
                "secteurs",
                "themes",
                "resume",
                "commune",
                "adresse",
                "position",
                "contact",
                "creation",
                "parcours",
                "chaines",
                "offres",
                "besoins",
                "licence",
                "autre",
            ]
        ),
        yaml_values,
        max_size=8,
    )
)
def test_validator_never_raises_on_any_data(data):
    text = "---\n" + yaml.safe_dump({"type": "fiche", **data}, allow_unicode=True) + "---\n"
    analysis = analyse(text)
    assert [analysis.record, *analysis.problems] != [None]  # never nothing: a record, a problem said, possibly both
