"""Reading pasted Security Council resolution extracts into paragraphs: numbered operative
paragraphs and their lettered and roman sub-paragraphs, references, wrapped lines, the
preamble, page headers of the official PDF, run-in sub-paragraphs from web copies, tabs and
non-breaking spaces. The extracts are written in the style of real mandate resolutions
(invented text for the fictional Carana)."""

from __future__ import annotations

from missiondesk.services.resolution_text import parse_resolution

PDF_EXTRACT = """\
United Nations\tS/RES/2799 (2026)
Security Council\tDistr.: General
2 May 2026

Resolution 2799 (2026)
Adopted by the Security Council at its 9901st meeting, on 2 May 2026

The Security Council,

Recalling its previous resolutions and statements of its President on
Carana, in particular resolutions 2741 (2025) and 2688 (2024),

Reaffirming its strong commitment to the sovereignty, independence, unity and
territorial integrity of Carana,

Welcoming the signature of the Kalari Treaty and stressing that its
implementation remains the only path to lasting peace,

Determining that the situation in Carana continues to constitute a threat to
international peace and security in the region,

Acting under Chapter VII of the Charter of the United Nations,

1.\tDecides to extend the mandate of UNAC until 2 May 2027;

2.\tDecides that UNAC's strategic priority is to support the creation of the
political, security and institutional conditions conducive to the sustainable
reduction of the presence of armed groups;
"""

PRIORITY_TASKS = """\
35.\u00a0\u00a0Decides that the mandate of UNAC shall include the following priority
tasks:
(a)\tProtection of civilians:
(i)\tTo protect, without prejudice to the primary responsibility of the Government
of Carana, the civilian population under threat of physical violence, within its
capabilities and its areas of deployment;
(ii)\tTo implement a mission-wide protection strategy, in particular in Leppko
province, with a focus on the troop-
contributing countries' early-warning role;
(b)\tSupport to the political process:
(i)\tTo use its good offices to support the implementation of the Kalari Treaty;
(ii)\tTo support the Joint Ceasefire Commission as deputy chair;
36.\tRequests UNAC to report on the implementation of its mandate every four months;
"""


def _refs(text: str) -> list[str]:
    return [p.reference for p in parse_resolution(text).operative]


def test_numbered_paragraphs_of_the_official_pdf():
    extract = parse_resolution(PDF_EXTRACT)
    assert [p.reference for p in extract.operative] == ["OP 1", "OP 2"]
    assert extract.operative[0].text == "Decides to extend the mandate of UNAC until 2 May 2027;"
    assert extract.operative[1].text == (
        "Decides that UNAC's strategic priority is to support the creation of the political, "
        "security and institutional conditions conducive to the sustainable reduction of the "
        "presence of armed groups;")
    assert extract.symbol == "S/RES/2799 (2026)"


def test_the_preamble_is_marked_not_mixed_in():
    extract = parse_resolution(PDF_EXTRACT)
    preamble = [p for p in extract.paragraphs if not p.operative]
    assert [p.reference for p in preamble] == ["PP 1", "PP 2", "PP 3", "PP 4", "PP 5"]
    assert preamble[0].text.startswith("Recalling its previous resolutions and statements")
    assert preamble[0].text.endswith("2741 (2025) and 2688 (2024),")
    assert preamble[4].text == "Acting under Chapter VII of the Charter of the United Nations,"
    # the title block and "The Security Council," are in no paragraph
    assert not any("Adopted by" in p.text or p.text.startswith("The Security Council")
                   for p in extract.paragraphs)


def test_lettered_and_roman_sub_paragraphs_nest():
    assert _refs(PRIORITY_TASKS) == [
        "OP 35", "OP 35(a)", "OP 35(a)(i)", "OP 35(a)(ii)", "OP 35(b)", "OP 35(b)(i)",
        "OP 35(b)(ii)", "OP 36"]
    paragraphs = parse_resolution(PRIORITY_TASKS).operative
    assert [p.level for p in paragraphs] == [0, 1, 2, 2, 1, 2, 2, 0]
    assert paragraphs[0].text == ("Decides that the mandate of UNAC shall include the "
                                  "following priority tasks:")
    assert paragraphs[1].text == "Protection of civilians:"


def test_wrapped_lines_are_joined_and_a_cut_compound_keeps_its_hyphen():
    paragraphs = parse_resolution(PRIORITY_TASKS).operative
    assert paragraphs[2].text == (
        "To protect, without prejudice to the primary responsibility of the Government of "
        "Carana, the civilian population under threat of physical violence, within its "
        "capabilities and its areas of deployment;")
    assert "troop-contributing countries'" in paragraphs[3].text


def test_a_page_break_inside_a_paragraph_is_not_text():
    text = """\
12.\tCalls upon all parties to the Kalari Treaty to cease all forms of violence and
to engage in the disarmament, demobilization and reintegration

26-07731\t5/18

S/RES/2799 (2026)

programme without delay and without preconditions;
13.\tEncourages the CRC to continue its mediation;
"""
    paragraphs = parse_resolution(text).operative
    assert [p.reference for p in paragraphs] == ["OP 12", "OP 13"]
    assert paragraphs[0].text == (
        "Calls upon all parties to the Kalari Treaty to cease all forms of violence and to "
        "engage in the disarmament, demobilization and reintegration programme without delay "
        "and without preconditions;")


def test_page_footers_in_their_other_forms_are_dropped():
    text = "4.\tWelcomes the elections calendar;\nPage 3\n- 4 -\n*2607731*\n" \
           "5.\tUrges the Government to fill the posts;\n26-07731 (E)    020526\n"
    paragraphs = parse_resolution(text).operative
    assert [(p.reference, p.text) for p in paragraphs] == [
        ("OP 4", "Welcomes the elections calendar;"),
        ("OP 5", "Urges the Government to fill the posts;")]


def test_run_in_sub_paragraphs_from_a_web_page():
    text = ("30. Decides that UNAC's mandate shall include the following tasks: (a) Protection "
            "of civilians: (i) To protect civilians under threat of physical violence; (ii) To "
            "strengthen early warning; and (b) Good offices: (i) To support the peace process; "
            "31. Requests the Secretary-General to report by 15 October 2026.")
    paragraphs = parse_resolution(text).operative
    assert [p.reference for p in paragraphs] == [
        "OP 30", "OP 30(a)", "OP 30(a)(i)", "OP 30(a)(ii)", "OP 30(b)", "OP 30(b)(i)", "OP 31"]
    assert paragraphs[0].text == ("Decides that UNAC's mandate shall include the following "
                                  "tasks:")
    assert paragraphs[3].text == "To strengthen early warning; and"
    assert paragraphs[6].text == "Requests the Secretary-General to report by 15 October 2026."


def test_decides_that_run_in_with_letters_only():
    text = ("7. Decides that UNAC shall: (a) monitor the ceasefire; (b) support the "
            "cantonment of MPC and ICSC combatants; (c) assist the CNP in Maldosa;")
    assert _refs(text) == ["OP 7", "OP 7(a)", "OP 7(b)", "OP 7(c)"]
    assert parse_resolution(text).operative[2].text == (
        "support the cantonment of MPC and ICSC combatants;")


def test_numbers_with_a_closing_parenthesis_and_a_number_alone_on_its_line():
    text = "3)\tStresses the importance of women's participation;\n4.\n" \
           "Requests UNAC to support the electoral body;\n"
    paragraphs = parse_resolution(text).operative
    assert [(p.reference, p.text) for p in paragraphs] == [
        ("OP 3", "Stresses the importance of women's participation;"),
        ("OP 4", "Requests UNAC to support the electoral body;")]


def test_a_letter_i_after_h_is_a_letter_and_roman_after_a_colon():
    letters = "\n".join("(%s)\tTask %s;" % (c, c) for c in "abcdefghij")
    refs = _refs("40.\tDecides that UNAC shall:\n" + letters)
    assert refs[-3:] == ["OP 40(h)", "OP 40(i)", "OP 40(j)"]
    nested = ("41.\tDecides that UNAC shall:\n(a)\tTask a;\n(b)\tTask b;\n(c)\tTask c;\n"
              "(d)\tTask d;\n(e)\tTask e;\n(f)\tTask f;\n(g)\tTask g;\n"
              "(h)\tSupport to justice, including:\n(i)\tmobile courts;\n(ii)\tprisons;\n"
              "(i)\tElections;\n")
    assert _refs(nested)[-4:] == ["OP 41(h)", "OP 41(h)(i)", "OP 41(h)(ii)", "OP 41(i)"]


def test_roman_numerals_go_past_v_and_x():
    items = "\n".join("(%s)\tItem %d;" % (r, n) for n, r in enumerate(
        ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi"], 1))
    refs = _refs("50.\tDecides:\n(a)\tThe list:\n" + items + "\n(b)\tNext;")
    assert refs[2:] == ["OP 50(a)(%s)" % r for r in
                        ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi"]] + \
        ["OP 50(b)"]


def test_a_year_in_parentheses_or_a_figure_at_a_line_start_is_text():
    text = ("8.\tRecalls resolution 2688\n(2024) on the protection of journalists and\n"
            "2 other texts;\n9.\tDecides to remain actively seized of the matter.\n")
    paragraphs = parse_resolution(text).operative
    assert [p.reference for p in paragraphs] == ["OP 8", "OP 9"]
    assert paragraphs[0].text == ("Recalls resolution 2688 (2024) on the protection of "
                                  "journalists and 2 other texts;")


def test_a_decimal_at_a_line_start_is_not_a_paragraph():
    text = "10.\tNotes that some\n1.5 million people remain displaced;\n11.\tDecides;\n"
    assert _refs(text) == ["OP 10", "OP 11"]


def test_a_number_going_backwards_is_text():
    text = "20.\tRequests a report on the\n5. per cent of posts vacant;\n21.\tDecides;\n"
    paragraphs = parse_resolution(text).operative
    assert [p.reference for p in paragraphs] == ["OP 20", "OP 21"]
    assert "5. per cent" in paragraphs[0].text


def test_an_extract_starting_at_a_sub_paragraph():
    text = "(c)\tSupport to the CNP:\n(i)\tTo co-locate with the CNP in Maldosa;\n(d)\tDDR;\n"
    assert _refs(text) == ["(c)", "(c)(i)", "(d)"]


def test_non_breaking_and_thin_spaces_soft_hyphens_and_windows_line_ends():
    text = "14.\u2009Requests UNAC to sup\u00adport the CRC\u00a0mediation;\r\n" \
           "15.\u00a0Decides;\r\n"
    paragraphs = parse_resolution(text).operative
    assert [(p.reference, p.text) for p in paragraphs] == [
        ("OP 14", "Requests UNAC to support the CRC mediation;"), ("OP 15", "Decides;")]


def test_preamble_without_blank_lines_splits_at_the_participles():
    text = ("Recalling its resolution 2741 (2025),\nNoting with concern the drought in\n"
            "Leppko province,\nExpressing concern at the attacks on peacekeepers,\n"
            "1.\tDecides;")
    extract = parse_resolution(text)
    assert [p.reference for p in extract.paragraphs] == ["PP 1", "PP 2", "PP 3", "OP 1"]
    assert extract.paragraphs[1].text == "Noting with concern the drought in Leppko province,"


def test_empty_and_text_without_paragraphs():
    assert parse_resolution("").paragraphs == ()
    assert parse_resolution("   \n\t\n").paragraphs == ()
    extract = parse_resolution("Some notes about the renewal, without numbers.")
    assert extract.operative == ()
    assert extract.symbol is None


def test_a_cited_sub_paragraph_at_a_line_start_is_text():
    text = ("16.\tRequests UNAC to support the tasks set out in paragraph 35\n(a) above and in "
            "subparagraph\n(b) of resolution 2741 (2025);\n17.\tDecides;\n")
    paragraphs = parse_resolution(text).operative
    assert [p.reference for p in paragraphs] == ["OP 16", "OP 17"]
    assert paragraphs[0].text.endswith("paragraph 35 (a) above and in subparagraph (b) of "
                                       "resolution 2741 (2025);")


def test_markers_alone_on_their_lines_as_some_pdf_copies_give_them():
    text = ("35.\nDecides that UNAC's mandate shall include:\n(a)\nProtection of civilians:\n"
            "(i)\nTo protect civilians under threat;\n(ii)\nTo support early warning;\n(b)\n"
            "Good offices;\n")
    paragraphs = parse_resolution(text).operative
    assert [(p.reference, p.text) for p in paragraphs] == [
        ("OP 35", "Decides that UNAC's mandate shall include:"),
        ("OP 35(a)", "Protection of civilians:"),
        ("OP 35(a)(i)", "To protect civilians under threat;"),
        ("OP 35(a)(ii)", "To support early warning;"),
        ("OP 35(b)", "Good offices;")]
