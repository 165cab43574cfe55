"""Name folding, acronyms and the duplicate warning, on labelled pairs."""

from __future__ import annotations

import pytest

from missiondesk.services.names import acronym, close_spelling, fold, similar_names

# (entered, existing, should warn) — names as a mission types them.
LABELLED_PAIRS = [
    # the same actor
    ("MPC", "Mouvement Patriotique de Carana", True),
    ("Mouvement Patriotique de Carana", "MPC", True),
    ("mouvement patriotique de carana", "Mouvement Patriotique de Carana", True),
    ("Élise Ndaye", "ELISE NDAYE", True),
    ("Elysee Group", "Élysée  Group", True),
    ("M.P.C.", "MPC", True),
    ("FDLR", "Forces Démocratiques de Libération du Rwanda", True),
    ("UNHCR", "United Nations High Commissioner for Refugees", True),
    ("CENI", "Commission Électorale Nationale Indépendante", True),
    ("Mouvment Patriotique du Carana", "Mouvement Patriotique de Carana", True),
    ("Carana Armed Forces", "Armed Forces of Carana", True),
    ("Front de Libération d'Ouest", "FLO", True),
    ("Kisiwa Women for Peace", "Kisiwa Women For Peace", True),
    ("Archbishop Theodore Manzi", "Archbishop Théodore Manzi", True),
    ("Kori elders", "Kori  Elders", True),
    ("Mouvement Patriotique de Carana (MPC)", "MPC", True),
    ("Carana National Police", "Carana Natonal Police", True),
    # near misses that must not warn
    ("MPC", "MLCS", False),
    ("Kori elders", "Tatsi elders", False),
    ("Kori elders", "Kari elders", False),
    ("MPC", "MPCR", False),
    ("Brigade 12", "Brigade 13", False),
    ("Mouvement Patriotique de Carana", "Mouvement de Libération de Carana-Sud", False),
    ("Union des Forces Démocratiques",
     "Union des Forces Démocratiques pour le Rassemblement", False),
    ("Governor of Leppko", "Governor of Maldosa", False),
    ("Carana Defence Forces", "Carana National Police", False),
    ("General Pea", "General Zed", False),
    ("Tatsi diaspora network", "Tatsi Elders' Assembly", False),
    ("UDR", "UJC", False),
    ("Republic of Rimosa", "Republic of Katasi", False),
]


def test_enough_labelled_pairs():
    assert len(LABELLED_PAIRS) >= 20
    assert sum(1 for *_, warn in LABELLED_PAIRS if warn) >= 10
    assert sum(1 for *_, warn in LABELLED_PAIRS if not warn) >= 10


@pytest.mark.parametrize(("entered", "existing", "warn"), LABELLED_PAIRS)
def test_labelled_pair(entered, existing, warn):
    found = similar_names(entered, [], [("id-1", existing, [])])
    assert bool(found) is warn, (entered, existing, found)


def test_fold_ignores_accents_case_and_spacing():
    assert fold("  Élysée   Côte ") == "elysee cote"
    assert fold("STRASSE") == fold("Straße")
    assert fold(None) == ""
    assert fold("") == ""


def test_acronym_skips_small_words_and_brackets():
    assert acronym("Mouvement Patriotique de Carana") == "mpc"
    assert acronym("Mouvement Patriotique de Carana (MPC)") == "mpc"
    assert acronym("Ligue caranaise des droits de l'homme") == "lcdh"
    assert acronym("Union of the Journalists and Editors") == "uje"
    assert acronym("Front pour la Libération d'Ouest") == "flo"


def test_matches_an_alias_and_reports_it():
    existing = [("kori", "Kori Council of Elders (Maldosa)", ["Kori elders"]),
                ("tatsi", "Tatsi Elders' Assembly (Corma)", ["Tatsi elders"])]
    found = similar_names("kori ELDERS", [], existing)
    assert [(s.id, s.matched, s.reason) for s in found] == [("kori", "Kori elders", "alias")]


def test_candidate_alias_matches_existing_name():
    existing = [("mpc", "Mouvement Patriotique de Carana", [])]
    found = similar_names("Patriotic Movement", ["MPC"], existing)
    assert [(s.id, s.reason) for s in found] == [("mpc", "acronym")]


def test_best_first():
    existing = [
        ("close", "Mouvement Patriotique du Karana", []),
        ("same", "Mouvement Patriotique de Carana", []),
        ("other", "Tatsi elders", []),
    ]
    found = similar_names("Mouvement patriotique de Carana", [], existing)
    assert [s.id for s in found] == ["same", "close"]
    assert found[0].reason == "same_name"
    assert found[1].reason == "close_spelling"


def test_close_spelling_is_zero_when_a_distinctive_word_differs():
    assert close_spelling("Kori elders", "Tatsi elders") == 0.0
    assert close_spelling("Kisiwa Dialogue Initiative", "Kisiwa Dialog Initiative") > 0.85
