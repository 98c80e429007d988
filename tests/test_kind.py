"""An answer of the kind the question asks for (agent/answer/kind.py), and the verify check on it."""
from __future__ import annotations

import pytest

from kresearch.agent.answer.kind import asked_kind, head_nouns, what_it_is, wrong_kind
from kresearch.agent.answer.verify import Evidence, final_checks

# page texts as the browser gives them: heading, site line, then the lead
FILM = ("# The Oz Film\n\nFrom the Offline Encyclopedia, the free encyclopedia\n\nThe Oz Film is a 2004 "
        "American dark comedy film directed by Ann Lee. It stars Sam Lowe.")
ENTRY = ("# kernel parlog\n\nFrom the Offline Encyclopedia, the free encyclopedia\n\nKernel Parlog\n\n\\<language> "
         "A [modeless](/foldoc/modeless) [intermediate language](/foldoc/intermediate_language) for Parlog.")
COMPANY = ("# Acme Consulting\n\nAcme Consulting Limited (ACL) is an Indian multinational consulting company "
           "headquartered in Mumbai.")
DIRECTOR = "# Ann Lee\n\nAnn Lee (born 1963) is an American film director and producer."
BAND = "# The Tin Men\n\nThe Tin Men is a Canadian rock band formed in 1995 in Hanna, Alberta."


@pytest.mark.parametrize("question, kind", [
    ("Who designed the language?", "who"), ("who directed it", "who"),
    ("Sam Lowe starred in a movie directed by who ?", "who"), ("Whom did she marry?", "who"),
    ("Where is the company headquartered?", "where"), ("where was he born", "where"),
    ("What is the birthplace of the Senator who represents the first district?", "where"),
    ("what was the hometown of the band's singer", "where"), ("What is the birth name of Ann Lee?", None),
    ("When was the band formed?", None), ("The band that sang who knows what?", None),
    # "which" or "what" and a noun of a known kind: the last such noun before the phrase ends
    ("Which film did Ann Lee direct?", "work"), ('Which Netflix series "Oz" character is Ann Lee?', "person"),
    ("Which American film director wrote Oz?", "person"), ("the single by the band formed in what Alberta city?",
                                                         "place"),
    ("Which band sang songs about love?", "band"), ("Which songwriting duo composed it?", "band"),
    ("Astro Boy and Oz share which genre of film?", None), ("What is the name of the film?", None),
    ("What government position was held by Ann Lee?", None), ("what 1959 Soviet feature?", None),
    # typed in lower case, names look like words: only a noun right after the interrogative counts
    ("which film did ann lee direct", "work"), ("which songwriting duo composed it", None), ('which netflix series "oz" character is ann lee', None),
    ("the single by the band formed in what alberta city", None), ("who directed oz", "who"),
])
def test_what_kind_of_answer_a_question_asks_for(question, kind):
    assert asked_kind(question) == kind


def test_the_head_noun_says_what_a_page_is_about():
    assert head_nouns("The Oz Film is a 2004 American dark comedy film directed by Ann Lee.") == ["film"]
    assert head_nouns("Ann Lee (born 1963) is an American film director and producer.") == ["director", "producer"]
    assert head_nouns("Zofia Nowak is a Polish film and theatre director.") == ["film", "director"]
    assert head_nouns("<language> A modeless intermediate language for Parlog.") == ["language"]
    assert head_nouns("Acme Consulting Limited (ACL) is an Indian multinational consulting company.") == ["company"]
    assert head_nouns("He moved to Leeds in 1990.") == []
    assert what_it_is("Kernel Parlog", {4: ("kernel parlog - Offline Encyclopedia", ENTRY)}) == [(4, ["language"])]
    # only the answer's own page says what it is
    assert what_it_is("Ann Lee", {1: ("The Oz Film - Offline Encyclopedia", FILM)}) == []


def test_an_answer_no_who_or_where_can_mean_is_caught():
    pages = {1: ("The Oz Film", FILM), 2: ("kernel parlog", ENTRY), 3: ("Acme Consulting", COMPANY),
             4: ("Ann Lee", DIRECTOR), 5: ("The Tin Men", BAND)}
    assert wrong_kind("Sam Lowe starred in a movie directed by who?", "The Oz Film", pages) == (1, "film", "who")
    assert wrong_kind("Who designed the language used to write Unix?", "Kernel Parlog", pages)[1] == "language"
    assert wrong_kind("Where is the company that Sam Lowe worked for headquartered?", "Acme Consulting",
                      pages) == (3, "company", "where")
    # the kinds that may well be meant: a person or a band for who, and a question asking neither
    assert wrong_kind("Sam Lowe starred in a movie directed by who?", "Ann Lee", pages) is None
    assert wrong_kind("Who sang Tin Song?", "The Tin Men", pages) is None
    # a film and theatre director is a director too: every kind the page names must be the wrong one
    polish = {6: ("Zofia Nowak", "Zofia Nowak is a Polish film and theatre director.")}
    assert wrong_kind("Who directed The Oz Film?", "Zofia Nowak", polish) is None
    assert wrong_kind("Which film did Ann Lee direct?", "The Oz Film", pages) is None
    assert wrong_kind("Where was Ann Lee born?", "Leeds", pages) is None          # no own page read
    # "which N": the series for its character, a director for a film; a band may be a singer's answer
    series = {7: ("Oz Street", "Oz Street is an American web television sitcom created by Ann Lee.")}
    assert wrong_kind('Which Netflix series "Oz" character is played by Ann Lee?', "Oz Street", series) == (
        7, "sitcom", "person")
    assert wrong_kind("Which film did Sam Lowe star in?", "Ann Lee", pages) == (4, "producer", "work")
    assert wrong_kind("Which singer recorded Tin Song?", "The Tin Men", pages) is None
    # a namesake's page may say another kind: any own page of a kind asked clears it
    namesakes = {8: ("Catwoman (film)", "Catwoman is a 2004 American superhero film."),
                 9: ("Catwoman", "Catwoman is a fictional character appearing in comic books.")}
    assert wrong_kind("Who is Selina Kyle better known as?", "Catwoman", namesakes) is None
    assert wrong_kind("Who is Selina Kyle better known as?", "Catwoman", {8: namesakes[8]}) == (8, "film", "who")


def test_the_verify_check_sends_a_wrong_kind_of_answer_back():
    ev = Evidence(question="Sam Lowe starred in a movie directed by who?", answer="The Oz Film", plan=[],
                  opened={1: FILM}, unread_hints={}, python_runs=0, python_enabled=False, titles={1: "The Oz Film"})
    verdict = next(v for v in final_checks(ev) if v.check == "kind")
    assert 'says "The Oz Film" is a film, but the question asks who' in verdict.message
    ev.answer = "Ann Lee"
    assert "kind" not in [v.check for v in final_checks(ev)]


def test_a_one_letter_answer_is_known_by_its_own_page():
    # "C" has no content word: before, no page stated it and none was its own, so nothing knew it
    # was a language; now its dictionary entry titled "c" says so, and the who-question sends it back
    entry = ("# c\n\nFrom the Offline Encyclopedia, the free encyclopedia\n\nC\n\n\\<language> A programming "
             "language designed by Ada Brook at a telephone laboratory and used to rewrite an operating system. "
             "C became popular outside the laboratory after 1980.")
    question = "Who designed the programming language used to rewrite the first portable operating system kernel?"
    ev = Evidence(question=question, answer="C", plan=[], opened={1: entry}, unread_hints={}, python_runs=0,
                  python_enabled=False, titles={1: "c - Offline Encyclopedia"})
    checks = final_checks(ev)
    assert [v.check for v in checks] == ["kind"] and 'says "C" is a language' in checks[0].message
    ev.answer = "Ada Brook"
    assert final_checks(ev) == []


def test_a_video_game_is_no_movie():
    game = ("# Star Voyage (2013 video game)\n\nFrom the Offline Encyclopedia, the free encyclopedia\n\nStar Voyage "
            "is a 2013 action-adventure video game based on the film series.")
    film = ("# Nightcat (film)\n\nFrom the Offline Encyclopedia, the free encyclopedia\n\nNightcat is a 2004 "
            "American superhero film directed by Pierre Lou.")
    question = "What movie did Pierre Lou direct which had a tie-in video game in 2004?"
    assert wrong_kind(question, "Star Voyage", {1: ("Star Voyage (2013 video game)", game)}) == (1, "game", "work")
    assert wrong_kind(question, "Nightcat", {2: ("Nightcat (film)", film)}) is None
    assert wrong_kind("Which game did the studio release in 2013?", "Star Voyage",
                      {1: ("Star Voyage (2013 video game)", game)}) is None


def test_a_page_titled_with_one_word_of_a_longer_name_is_a_namesake_s():
    # the dictionary's "anna" (a specification language) is no page of the composer Anna Clyne
    entry = "# anna\n\nANNotated Ada Anna\n\n\\<language, specification> (Anna) A specification language for Ada."
    assert wrong_kind("Which composer created Night Ferry?", "Anna Clyne", {4: ("anna", entry)}) is None
    assert what_it_is("Anna Clyne", {4: ("anna", entry)}) == []
    assert what_it_is("Anna", {4: ("anna", entry)}) == [(4, ["language"])]
