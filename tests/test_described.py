"""The one the question describes is not what it asks of them (agent/answer/described.py)."""
from __future__ import annotations

import pytest
from fixture_site import site
from test_agent import QUESTION, run_agent, step

from kresearch.agent.answer.described import (asked_of, asked_query, asked_words, described, described_names,
                                              fits_description, is_landmark, landmark_asked, landmark_query,
                                              object_of_relation, relation_asked)
from kresearch.agent.answer.verify import Evidence, final_checks

KISS = "Kiss and Tell is a 1945 American comedy film starring then 17-year-old Shirley Temple as Corliss Archer."
SHIRLEY = ("Shirley Temple Black was an American actress and diplomat. As an adult, she served as Chief of "
           "Protocol of the United States.")


def test_a_description_is_found_in_several_phrasings():
    for question, text, asked in [
        (QUESTION, "the woman who portrayed Corliss Archer in Kiss and Tell", "What government position was held by"),
        # the clause runs to the question's end: after an auxiliary, the question's own verb ends
        # it, and that verb is asked, not part of the description
        ("In what city was the Italian Baroque composer who composed a set of sonatas, titled Op. 5, born?",
         "the Italian Baroque composer who composed a set of sonatas, titled Op. 5", "In what city was born"),
        ("what year was the company that makes the ThinkPad founded", "the company that makes the ThinkPad",
         "what year was founded"),
        ("Where is the company that Ada Byron worked for as an engineer headquartered?",
         "the company that Ada Byron worked for as an engineer", "Where is headquartered"),
        ("When was the university that the coach worked for founded?", "the university that the coach worked for",
         "When was founded"),
        ('When did the rock band that sang "All Join Hands" rise to prominence?',
         'the rock band that sang "All Join Hands"', "When did rise to prominence"),
        ("when did the band that formed in 1990 break up", "the band that formed in 1990", "when did break up"),
        ("Which club did the player who won the 1990 cup play for?", "the player who won the 1990 cup",
         "Which club did play for"),
        ("What instrument did the musician who joined the band play?", "the musician who joined the band",
         "What instrument did play"),
    ]:
        found = described(question)
        assert found is not None and found.text == text and found.asked == asked, question
    # asking who the described one is, or describing nothing: no description to check against
    for question in ["What is the name of the actress who portrayed Corliss Archer in Kiss and Tell?",
                     "Who was the woman who portrayed Corliss Archer?",
                     "Which band has more members, Band of Skulls or Live?",
                     "Compare the main approaches to garbage collection and their trade-offs",
                     "Who designed the language that was portable?",
                     # the clause asks after a preposition: no relative clause
                     "Patrick Kennedy collected folktales from a province situated in which part of Ireland?",
                     "Astro Boy and The Secret of Kells share which genre of film?"]:
        assert described(question) is None, question


def test_the_described_one_fits_the_description_and_the_answer_does_not():
    found = described(QUESTION)
    texts = {1: KISS, 3: SHIRLEY}
    assert fits_description("Shirley Temple", found, texts) == 1
    assert fits_description("Chief of Protocol of the United States", found, texts) is None
    assert fits_description("yes", found, texts) is None
    # a page that gives the described one with what is asked: it may well be the answer
    asked_too = {1: KISS + " Shirley Temple later held a government position."}
    assert fits_description("Shirley Temple", found, asked_too) is None
    assert asked_query("Shirley Temple", found) == "Shirley Temple government position held"


def test_a_described_company_is_not_where_it_is_headquartered():
    # the question's verb at its end ("headquartered") is what is asked: the company the page
    # names with the description is the one described, and is searched with that verb
    question = "Where is the company that Ada Byron worked for as a software engineer headquartered?"
    page = {2: "Ada Byron is an English author. She worked as a software engineer at Analytical Engines Ltd."}
    found = described(question)
    assert fits_description("Analytical Engines Ltd", found, page) == 2
    assert asked_query("Analytical Engines Ltd", found) == "Analytical Engines Ltd headquartered"
    assert asked_of(question, "Analytical Engines Ltd") == "Where is Analytical Engines Ltd headquartered?"
    # a page about another thing giving the company with what is asked: it may be the answer after all
    told = {**page, 3: "Analytical Engines Ltd is headquartered in London."}
    assert fits_description("Analytical Engines Ltd", found, told, {2: "Ada Byron", 3: "Computing in Britain"}) is None
    # but the company's own page saying where it is headquartered tells where the described one is
    assert fits_description("Analytical Engines Ltd", found, told, {2: "Ada Byron", 3: "Analytical Engines Ltd"}) == 2
    assert fits_description("London", found, told, {2: "Ada Byron", 3: "Analytical Engines Ltd"}) is None


def test_the_check_sends_the_first_hop_back_and_the_loop_searches_it_with_what_is_asked(tmp_path):
    script = [step("search", queries=["Kiss and Tell 1945 film Corliss Archer"]), step("open", source=1, page=1),
              step("answer", answer="Shirley Temple"),                       # the first hop only
              step("open", source=3, page=1), step("answer", answer="Chief of Protocol of the United States")]
    with site() as server:
        result, llm, backend, _ = run_agent(script, server.base_url, tmp_path, verify=True)
    assert [v["check"] for v in result.verification] == ["described", "passed"]
    assert 'says "Shirley Temple" is the woman who portrayed Corliss Archer' in result.verification[0]["message"]
    assert backend.calls[-1] == "Shirley Temple government position held"      # searched by the loop
    assert result.answer == "Chief of Protocol of the United States"


def test_a_described_answer_is_a_doubtful_one_at_the_end():
    ev = Evidence(question=QUESTION, answer="Shirley Temple", plan=[], opened={1: KISS, 3: SHIRLEY},
                  unread_hints={}, python_runs=0, python_enabled=False,
                  titles={1: "Kiss and Tell (1945 film)", 3: "Shirley Temple"})
    assert "described" in [v.check for v in final_checks(ev)]


def test_a_relation_inside_another_is_a_description_too():
    # devb50-v3: the 1.5B model answered the author, not her parent
    q = "What is the name of the detective novelist parent of the author of '\"Q\" Is for Quarry'?"
    found = described(q)
    assert found.text == "the author of '\"Q\" Is for Quarry'" and found.asked_words == {"detective", "novelist", "parent"}
    grafton = {2: "Sue Taylor Grafton is a contemporary American author of detective novels. She is best known as "
                  "the author of the alphabet series. The daughter of detective novelist C. W. Grafton, she wrote "
                  "screenplays.",
               1: '"Q" Is for Quarry is the 17th novel in author Sue Grafton\'s "Alphabet" series.'}
    assert fits_description("Sue Grafton", found, grafton) is not None
    assert fits_description("C. W. Grafton", found, grafton) is None
    # other phrasings: the innermost relation is the description
    assert described("Who is the father of the director of the film Sholay?").text == "the director of the film Sholay"
    assert described("who was the wife of the king of france in 1600?").asked == "who was the wife of"
    # a single relation asks of the named one itself: nothing described
    for question in ["What is the name of the author of Dracula?", "Which city is the capital of Peru?",
                     "The Queen of Blood is a member of which family of plants?"]:
        assert described(question) is None, question
    # the right answer given with what is asked is not refused ("Austin is the capital of ...")
    capital = described("What is the capital of the state of Texas?")
    assert fits_description("Austin", capital, {1: "Austin is the capital of the U.S. state of Texas."}) is None


def test_what_the_asked_relation_is_of_is_not_the_answer():
    # devb101-150: "USS New Jersey" for the captain; devb51-100: "University of Kansas" for its fight song
    assert relation_asked("Who was the captain of the only battleship to provide gunfire support?") == "captain"
    assert relation_asked("What is the name of the fight song of the university in Lawrence, Kansas?") == "fight song"
    assert relation_asked("which city is the capital of the state where Elvis was born") == "capital"
    assert relation_asked("When was the battleship launched?") is None
    assert relation_asked("What is the name of the band?") is None            # "the name of" asks nothing itself
    snyder = {4: 'J. Edward Snyder was notable as the captain of the battleship USS "New Jersey" in 1968.'}
    assert object_of_relation("USS New Jersey", "captain", snyder) == 4
    assert object_of_relation("J. Edward Snyder", "captain", snyder) is None
    # a name standing after the thing is the relation's holder, not its object
    nerdist = {1: "He met the chief executive officer of Nerdist Industries Chris Hardwick."}
    assert object_of_relation("Chris Hardwick", "chief executive officer", nerdist) is None
    assert object_of_relation("yes", "captain", snyder) is None
    # a relation a page states of the answer itself ("Austin is the capital of Texas") does not count
    assert object_of_relation("Austin", "capital", {1: "Austin is the capital of the U.S. state of Texas."}) is None
    assert object_of_relation("Texas", "capital", {1: "Austin is the capital of the state of Texas."}) == 1


def relation_verdicts(question: str, answer: str, opened: dict[int, str], titles: dict[int, str]) -> list:
    """The `relation` verdicts of the final checks on `answer` with these pages read."""
    ev = Evidence(question=question, answer=answer, plan=[], opened=opened, unread_hints={}, python_runs=0,
                  python_enabled=False, titles=titles)
    return [v for v in final_checks(ev) if v.check == "relation"]


def test_an_answer_the_asked_relation_is_of_is_sent_back_with_a_search_for_that_relation():
    question = "Who was the captain of the only battleship to provide gunfire support during the Vietnam War?"
    opened = {1: "New Jersey was the only US battleship providing gunfire support during the Vietnam War.",
              2: 'Edward Snyder was the captain of the battleship USS "New Jersey" in 1968.'}
    titles = {1: "USS New Jersey", 2: "Edward Snyder"}
    verdicts = relation_verdicts(question, "USS New Jersey", opened, titles)
    assert verdicts and verdicts[0].bridges == ["USS New Jersey captain"]
    assert "the captain of USS New Jersey" in verdicts[0].message
    assert relation_verdicts(question, "Edward Snyder", opened, titles) == []


WINNER = {1: "SF9 is a South Korean boy group formed by FNC Entertainment.",
          3: "2014 S/S is the debut album of South Korean group WINNER. It was released in August 2014.",
          4: "Madtown is a South Korean boy group formed in 2014 by J. Tune Camp."}
WINNER_TITLES = {1: "SF9 (band)", 3: "2014 S/S", 4: "Madtown"}
FORMED = "2014 S/S is the debut album of a South Korean boy group that was formed by who?"


def test_a_question_asking_inside_its_clause_describes_what_comes_before_the_pronoun():
    found = described(FORMED)
    assert (found.text, found.asked, found.within) == ("a South Korean boy group", "was formed by who", True)
    found = described("The song can be heard in the scene of a Disney ride that debuted in what year?")
    assert (found.text, found.asked) == ("a Disney ride", "debuted in what year")
    assert found.asked_words == {"debut", "year"}
    # the question's own subject, picked out by no earlier hop: nothing described to stop at
    assert described("The mass killing that took place at Oakland was less deadly than which one?") is None
    assert described("the man who did what?") is None
    assert described("The song is in a Disney ride that debuted in what year?") is None     # "The song is in"
    # "the Who" is a band, not a pronoun
    assert described("Roger Daltrey sang in the Who that was formed by whom?") is None
    assert described("Pete Townshend was a member of the Who which was formed in what year?") is None


def test_a_page_calling_the_one_the_question_names_by_surname_fits_the_description():
    # the question writes the whole name, the page the surname: the name counts with all its words
    question = 'Margaret Ellen "Peg" Tilney was a neighbour of a painter who studied in what city?'
    found = described(question)
    page = {1: "Tilney was a neighbour of Arno Vask and sat for his portraits."}
    assert fits_description("Arno Vask", found, page, {1: "Peg Tilney"}) == 1
    # by her first name alone, or with only one other word of the clause, it does not fit
    assert fits_description("Arno Vask", found, {1: "Margaret met Arno Vask once."}) is None
    assert fits_description("Arno Vask", found, {1: "Tilney once saw Arno Vask."}) is None
    # a hyphenated last word is called by its last piece, the same in every run
    from kresearch.agent.answer.described import _name_stems
    assert _name_stems('Ana "Bo" Cher-ee') == ("ana", "bo", "cher", "ee")
    # a page saying where he studied: he may be the answer's bearer, not the description's
    studied = {2: "Arno Vask studied in Ghent and lived near Tilney, his neighbour."}
    assert fits_description("Arno Vask", found, {**page, **studied}) is None


def test_a_clause_without_its_pronoun_describes_what_comes_before_it_too():
    # "a movie directed by who": "that was" left out; the film the actor's page names is the one described
    question = "Sam Lowe is best known for his role as the Tin Man in a movie directed by who ?"
    found = described(question)
    assert (found.text, found.asked, found.within) == ("a movie", "directed by who", True)
    assert asked_of(question, "The Oz Film") == "The Oz Film directed by who?"
    page = {1: "Sam Lowe is an actor. He is best known for his role as the Tin Man in The Oz Film (2004)."}
    assert fits_description("The Oz Film", found, page, {1: "Sam Lowe"}) == 1
    # the film's own page saying who directed it does not clear it; another page naming it so does
    film = {2: "The Oz Film is a 2004 film directed by Ann Lee."}
    assert fits_description("The Oz Film", found, {**page, **film}, {1: "Sam Lowe", 2: "The Oz Film"}) == 1
    assert fits_description("The Oz Film", found, {**page, **film}, {1: "Sam Lowe", 2: "Films of 2004"}) is None
    found = described("ruby is the debut album of a band formed in what city")
    assert (found.text, found.asked) == ("a band", "formed in what city")
    # a predicate, not a description: "Tosca is an opera written by who?" asks of Tosca itself
    for question in ["Tosca is an opera written by who?", "Which film directed by Ann Lee won an award?"]:
        assert described(question) is None, question


@pytest.mark.parametrize("question, text, asked", [
    ("Who designed the programming language used to write the first portable Unix kernel?",
     "the programming language used to write the first portable Unix kernel", "Who designed"),
    ("Who directed the movie released in 1990?", "the movie released in 1990", "Who directed"),
    ("Which river flows through the city founded by Peter the Great?", "the city founded by Peter the Great",
     "Which river flows through"),
    # after an auxiliary the question's own verb ends it
    ("When was the stadium built for the 1936 Olympics demolished?", "the stadium built for the 1936 Olympics",
     "When was demolished"),
    # a relation chain is the description where there is one
    ("Who is the father of the director of the film released in 1999?", "the director of the film released in 1999",
     "Who is the father of"),
])
def test_a_clause_without_its_pronoun_describes_the_subject_the_question_asks_something_of(question, text, asked):
    found = described(question)
    assert (found.text, found.asked, found.within) == (text, asked, False)


def test_a_described_language_given_as_the_answer_to_who_designed_it_is_asked_by_name():
    question = "Who designed the programming language used to write the first portable Unix kernel?"
    assert asked_of(question, "C") == "Who designed C?"
    assert asked_of(question.lower(), "C") == "who designed C?"          # typed in lower case
    # asking only who the described one is leaves nothing else to ask: no description
    assert described("What is the name of the band formed in Hanna in 1995?") is None


def test_an_answer_given_where_a_page_speaks_of_the_described_one_is_sent_back():
    ev = Evidence(question=FORMED, answer="WINNER", plan=[], opened=WINNER, unread_hints={}, python_runs=0,
                  python_enabled=False, titles=WINNER_TITLES)
    verdict = final_checks(ev)[0]
    assert verdict.check == "described" and verdict.bridges == ["WINNER formed"]
    assert 'gives "WINNER" where it speaks of a South Korean boy group' in verdict.message
    # what the described one's own page gives with what is asked passes
    formed = {**WINNER, 5: "WINNER is a South Korean boy group formed in 2013 by YG Entertainment."}
    ev = Evidence(question=FORMED, answer="YG Entertainment", plan=[], opened=formed, unread_hints={}, python_runs=0,
                  python_enabled=False, titles={**WINNER_TITLES, 5: "Winner (band)"})
    assert final_checks(ev) == []


def test_a_value_given_where_the_described_one_is_named_searches_that_one():
    question = "The lamp was designed by a Scottish engineer who was born in what year?"
    page = "The lamp is a 1821 design by the Scottish engineer Robert Stevenson, built in 1821 at Leith."
    ev = Evidence(question=question, answer="1821", plan=[], opened={1: page}, unread_hints={}, python_runs=0,
                  python_enabled=False, titles={1: "Stevenson lamp"})
    verdict = final_checks(ev)[0]
    assert verdict.check == "described" and verdict.bridges == ["Robert Stevenson born year"]
    assert described_names(described(question), page, "1821") == ["Robert Stevenson"]


@pytest.mark.parametrize("question, answer, asked", [
    ("What government position was held by the woman who portrayed Corliss Archer in the film Kiss and Tell?",
     "Shirley Temple", "What government position was held by Shirley Temple?"),
    # the clause runs to the end: after an auxiliary its last words are the question's verb
    ("Where was the composer who wrote the opera Tosca born?", "Giacomo Puccini",
     "Where was Giacomo Puccini born?"),
    ('When did the rock band that sang "All Join Hands" rise to prominence?', "Slade",
     "When did Slade rise to prominence?"),
    ("What other political position did the person who introduced the DISCLOSE Act hold?", "Chris Van Hollen",
     "What other political position did Chris Van Hollen hold?"),
    ("in what city was the italian baroque composer who composed a set of sonatas, titled Op. 5, born?",
     "Antonio Vivaldi", "in what city was Antonio Vivaldi born?"),
    ("2014 S/S is the debut album of a South Korean boy group that was formed by who?", "WINNER",
     "WINNER was formed by who?"),
    ("Who was the captain of the only battleship to provide gunfire support during the Vietnam War?",
     "USS New Jersey", "Who was the captain of USS New Jersey?"),
    ("Which band formed first, Oasis or Blur?", "Oasis", None),
])
def test_the_question_is_asked_of_the_described_one_by_name(question, answer, asked):
    assert asked_of(question, answer) == asked


@pytest.mark.parametrize("question, words", [
    ("The team represented the college, which was founded in what year?", {"found"}),
    ("In what year was the university founded?", {"found"}),
    ("what year did the band break up", {"break", "up"}),
    ("How many members does the band have?", {"member"}),
    ("how many people live in Rome", {"live", "people"}),
    ("Where is the company that Ada Byron worked for as an engineer headquartered?", {"headquarter"}),
    ("Tell me about Rome.", set()),
])
def test_the_words_that_say_what_is_asked(question, words):
    assert asked_words(question) == words


def test_the_landmark_a_place_is_asked_by_is_not_the_answer():
    # tuning 1-50: "St James's Palace" for the building opposite the Accession Council's meeting place
    palace = landmark_asked("What building is opposite the ceremonial meeting place of the Accession Council?")
    assert (palace.relation, palace.text) == ("opposite", "the ceremonial meeting place of the Accession Council")
    pages = {1: "St James's Palace is the ceremonial meeting place of the Accession Council and a royal residence.",
             2: "Mark Masons' Hall stands opposite St James's Palace, the meeting place of the Accession Council."}
    assert is_landmark("St James's Palace", palace, pages) == 1
    assert is_landmark("Mark Masons' Hall", palace, pages) is None      # the sentence has the relation
    # named beside the landmark, not said to be it
    westminster = {1: "Located in the City of Westminster, it is the ceremonial meeting place of the Accession Council."}
    assert is_landmark("City of Westminster", palace, westminster) is None
    # "it is ..." on the answer's own page, not on another's
    assert is_landmark("St James's Palace", palace, westminster, titles={1: "St James's Palace"}) == 1
    assert is_landmark("City of Westminster", palace, westminster, titles={1: "St James's Palace"}) is None
    assert landmark_query("St James's Palace", palace) == "building opposite St James's Palace"
    assert asked_of("What building is opposite the ceremonial meeting place of the Accession Council?",
                    "St James's Palace") == "What building is opposite St James's Palace?"
    # other phrasings and relations, lower case, invented places
    bridge = landmark_asked("which hotel stands next to the oldest stone bridge in the old town")
    assert (bridge.relation, bridge.text) == ("next to", "the oldest stone bridge in the old town")
    old_bridge = {3: "The Karlsbrücke is the oldest stone bridge in the old town, built in 1402.",
                  4: "The Hotel Brückenhof stands next to the Karlsbrücke."}
    assert is_landmark("Karlsbrücke", bridge, old_bridge) == 3
    assert is_landmark("Hotel Brückenhof", bridge, old_bridge) is None
    assert landmark_asked("What river flows north of the largest city of the province?").relation == "north of"
    # no landmark: a one-word one, a named one asked of directly, or no place relation at all
    for question in ["Which river flows near Paris?", "What building is opposite the Louvre?",
                     "What is the capital of the state where Elvis was born?", "Who lived near the river?",
                     "Explain the main causes of the First World War"]:
        assert landmark_asked(question) is None, question
    assert is_landmark("yes", palace, pages) is None


def test_an_answer_that_is_the_landmark_is_sent_back_with_a_search_for_what_stands_by_it():
    question = "Which hotel stands next to the oldest stone bridge in the old town?"
    opened = {1: "The Karlsbrücke is the oldest stone bridge in the old town, built in 1402.",
              2: "The Hotel Brückenhof, a four-star hotel, stands next to the Karlsbrücke."}
    titles = {1: "Karlsbrücke", 2: "Hotel Brückenhof"}
    verdicts = relation_verdicts(question, "Karlsbrücke", opened, titles)
    assert verdicts and verdicts[0].bridges == ["hotel stands next to Karlsbrücke"]
    assert "Which hotel stands next to Karlsbrücke?" in verdicts[0].message
    assert relation_verdicts(question, "Hotel Brückenhof", opened, titles) == []


def test_a_place_described_by_where_and_an_attribute_of_the_described_one_asked_by_of():
    # "the city where ...": a relative clause too; "the nickname of the city where ...", "the
    # middle name of the actress who ...": the described one starts at the article nearest the
    # pronoun past "of", and what is asked is what comes before it
    for question, text, asked in [
        ("What is the nickname of the city where Darling's Waterfront Pavilion is located?",
         "the city where Darling's Waterfront Pavilion is located", "What is the nickname of"),
        ("What is the middle name of the actress who plays Bobbi Bacha in Suburban Madness?",
         "the actress who plays Bobbi Bacha in Suburban Madness", "What is the middle name of"),
        # a phrase with another preposition stays part of the description
        ("How long is the bridge in the Öresund Region that connects Copenhagen and Malmö?",
         "the bridge in the Öresund Region that connects Copenhagen and Malmö", "How long is"),
    ]:
        found = described(question)
        assert found is not None and (found.text, found.asked) == (text, asked), question
    city = described("What is the nickname of the city where Darling's Waterfront Pavilion is located?")
    page = {1: "Darling's Waterfront Pavilion is an outdoor concert venue located in Bangor, Maine."}
    assert fits_description("Bangor, Maine", city, page) == 1
    # a birthplace is where a page says someone was born: that passage may give the answer
    senator = described("What is the birthplace of the Senator who represents the first of 62 districts in the "
                        "State Senate?")
    page = {1: "Martin Golden, born in Brooklyn, New York, is a Senator who represents the first of 62 districts in "
               "the State Senate."}
    assert fits_description("Brooklyn, New York", senator, page) is None
    # ... and not where the described one is the one born: "LaValle was born ..." names the senator
    page = {1: "Kenneth LaValle, a Senator who represents the first of 62 districts in the State Senate, was born "
               "on January 1, 1948."}
    assert fits_description("Kenneth LaValle", senator, page) == 1
