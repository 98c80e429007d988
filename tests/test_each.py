"""Questions asking one thing of several named things, each read on its own page (answer/each.py)."""
from __future__ import annotations

import json

import fixture_site
from fixture_site import site
from test_agent import run_agent

from kresearch.agent.answer.compare import Fact
from kresearch.agent.answer.each import (Part, asked_query, choice_parts, combine, may_split, named_subjects, page_for, parse_part,
                                        parse_split, sameness_parts)
from kresearch.agent.names import countries_placed
from kresearch.trace import read_trace


def split(*pairs: tuple[str, str]) -> str:
    return json.dumps({"each": [{"subject": s, "question": q} for s, q in pairs]})


def fact(subject: str, value: str, source: int = 1) -> Fact:
    return Fact(subject, value, source, "quote")


def test_only_questions_that_join_things_or_speak_of_sharing_pay_for_the_split():
    assert may_split("Are Ian Brown and Dee Snider both actors?", yes_no=True)
    assert may_split("were ian brown and dee snider actors", yes_no=True)          # lower case, no "both"
    assert may_split("What profession do Matt Thiessen and George Thorogood have in common?", yes_no=False)
    assert may_split("Which prize did the two novelists share?", yes_no=False)
    # "and" in an open question is mostly a name ("Kiss and Tell") or a list: not worth a call
    assert not may_split("What position was held by the woman who starred in Kiss and Tell?", yes_no=False)
    assert not may_split("Is Paris the capital of France?", yes_no=True)
    # two names joined as the subject of the verb: what is asked holds for both
    assert may_split("What type of music were vocalists Billie Joe Armstrong and Frank Iero involved with?",
                     yes_no=False)
    assert may_split("In which country were Jean Renoir and Marcel Carne born?", yes_no=False)
    assert not may_split("Who directed the film in which Tom Hanks and Meg Ryan starred?", yes_no=False)
    assert may_split("Which band is from England, Fireflight or Dirty Pretty Things?", yes_no=False, choice=True)


def test_a_choice_is_split_into_one_yes_no_part_per_option():
    question = "Which canal is in New York, the Erie Canal or the Dismal Swamp Canal?"
    options = ["the Erie Canal", "the Dismal Swamp Canal"]
    parts = parse_split(split(("Erie Canal", "Is the Erie Canal in New York?"),
                              ("Dismal Swamp Canal", "Is the Dismal Swamp Canal in New York?")), question, options)
    assert [p.subject for p in parts] == ["Erie Canal", "Dismal Swamp Canal"]
    # values cannot say which option it holds of; nor can parts that miss an option
    assert parse_split(split(("Erie Canal", "Where is the Erie Canal?"),
                             ("Dismal Swamp Canal", "Where is the Dismal Swamp Canal?")), question, options) == []
    assert parse_split(split(("Erie Canal", "Is the Erie Canal in New York?"),
                             ("New York", "Is New York in the Erie Canal?")), question, options) == []


def test_a_choice_the_model_did_not_split_is_asked_of_each_option_in_the_questions_own_words():
    def asked(question, options):
        return [p.question for p in choice_parts(question, options)]

    assert asked("Which band formed in England, Of Montreal or Vib Gyor?", ["Of Montreal", "Vib Gyor"]) == [
        'Is Of Montreal the answer to "Which band formed in England?"',
        'Is Vib Gyor the answer to "Which band formed in England?"']
    parts = choice_parts("which band formed in england, of montreal or vib gyor", ["of montreal", "vib gyor"])
    assert parts[0].yes_no and [p.subject for p in parts] == ["of montreal", "vib gyor"]
    # options set off mid-question, described, pointed back at, or behind "which of"
    assert asked("Which novelist, J. G. Farrell or Louis Aragon, wrote of colonial rule?",
                 ["J. G. Farrell", "Louis Aragon"])[0] == 'Is J. G. Farrell the answer to "Which novelist wrote of colonial rule?"'
    assert asked("Which film was Oscar nominated, LaLee's Kin or Gimme Shelter, the 1970 Rolling Stones documentary?",
                 ["LaLee's Kin", "Gimme Shelter"])[1] == 'Is Gimme Shelter the answer to "Which film was Oscar nominated?"'
    assert asked("Temagami Mine and Burwash Mine were both gold mines; which one yielded a bulk sample in 1935?",
                 ["Temagami Mine", "Burwash Mine"])[1] == \
        'Is Burwash Mine the answer to "which one yielded a bulk sample in 1935?"'
    assert asked("Which of Python or Perl was designed by Guido van Rossum?", ["Python", "Perl"])[0] == \
        'Is Python the answer to "Which was designed by Guido van Rossum?"'
    # a choice that ranks its options is no property of one of them ("interest" ranks nothing)
    assert asked("Which airport is busier, Palm Springs Airport or Trenton Airport?", ["Palm Springs Airport",
                                                                                      "Trenton Airport"]) == []
    assert asked("which writer has the highest number of skill Langston Hughes or Ian McEwan",
                 ["Langston Hughes", "Ian McEwan"]) == []
    assert len(asked("Which bank pays interest to savers, Barclays or Lloyds?", ["Barclays", "Lloyds"])) == 2


def test_things_compared_by_a_value_are_each_asked_for_it_by_code():
    def asked(question, subjects):
        return [p.question for p in sameness_parts(question, subjects)]

    assert asked("Were Goo Goo Dolls and Echosmith formed in the same city?", ["Goo Goo Dolls", "Echosmith"]) == [
        "For Goo Goo Dolls: formed in which city?", "For Echosmith: formed in which city?"]
    assert asked("Were the documentaries One Big Hapa Family and A Film Unfinished directed by the same person?",
                 ["One Big Hapa Family", "A Film Unfinished"])[1] == "For A Film Unfinished: directed by which person?"
    assert asked("Do Bloody Mary and Sidecar share any ingredients in common?", ["Bloody Mary", "Sidecar"])[0] == \
        "For Bloody Mary: which ingredients?"
    assert asked("do the importance of being icelandic and the five obstructions belong to different film genres ?",
                 ["The Importance of Being Icelandic", "The Five Obstructions"])[0] == \
        "For The Importance of Being Icelandic: belong to which film genres?"
    # the comparison before the things: the verb between them is what is asked of each
    assert asked("Did the same person direct Alien and Gladiator?", ["Alien", "Gladiator"]) == [
        "For Alien: which person did direct it?", "For Gladiator: which person did direct it?"]
    assert asked("is the same actor in alien and gladiator?", ["Alien", "Gladiator"])[0] == \
        "For Alien: which actor is in it?"
    assert asked("Was the same architect behind the Chrysler Building and the Empire State Building?",
                 ["Chrysler Building", "Empire State Building"])[1] == \
        "For Empire State Building: which architect was behind it?"
    assert asked("Same city: Oasis and Blur?", ["Oasis", "Blur"]) == []       # nothing asked of them
    parts = sameness_parts("Were Will Smith and Tom Hanks born in the same state?", ["Will Smith", "Tom Hanks"])
    assert not any(p.yes_no for p in parts)                # a value part, whatever the name starts with
    # nothing compared, or one thing only (the other described): no parts
    assert asked("Are Parents and Madame Figaro both magazines?", ["Parents", "Madame Figaro"]) == []
    # a thing named twice or one not in the question is no thing of the question's: its own names instead
    for named in (["Goo Goo Dolls", "Goo Goo Dolls"], ["Goo Goo Dolls", "Oasis"]):
        assert asked("Were Goo Goo Dolls and Echosmith formed in the same city?", named)[1] == \
            "For Echosmith: formed in which city?"
    assert asked("Were Goo Goo Dolls and this band formed in the same city?", ["Goo Goo Dolls", "this band"]) == []
    # the model named none: the names the question joins by "and"
    assert asked("Do The Importance of Being Icelandic and The Five Obstructions belong to different film genres?",
                 []) == ["For The Importance of Being Icelandic: belong to which film genres?",
                         "For The Five Obstructions: belong to which film genres?"]
    assert asked("Were the documentaries Alien and Gladiator directed by the same person?", ["Alien"])[1] == \
        "For Gladiator: directed by which person?"
    assert asked("Were they formed in the same city?", []) == []
    # a list of three; a list another "and" makes unclear
    assert asked("Were Oasis, Blur and Pulp formed in the same city?", [])[2] == "For Pulp: formed in which city?"
    assert asked("Are Simon and Garfunkel and Hall and Oates from the same country?", []) == []
    # the comparison after one name, a dotted noun, "number of", "share the same"
    assert asked("Is Tom Hanks from the same state as Will Smith?", ["Tom Hanks", "Will Smith"])[1] == \
        "For Will Smith: from which state?"
    assert asked("Were Tom Hanks and Will Smith born in the same U.S. state?", [])[0] == \
        "For Tom Hanks: born in which U.S. state?"
    assert asked("Do Blur and Oasis have the same number of members?", [])[0] == \
        "For Blur: have which number of members?"
    assert asked("Do Alien and Gladiator share the same genre?", [])[0] == "For Alien: which genre?"
    assert named_subjects('{"each": [{"subject": " Echosmith ", "question": "x"}, {"question": "y"}]}') == ["Echosmith"]
    assert named_subjects("not json") == [] and named_subjects('{"each": null}') == []


def test_a_choice_is_the_one_option_it_holds_of():
    parts = [Part("Fireflight", "Is Fireflight from England?"),
             Part("Dirty Pretty Things", "Is Dirty Pretty Things from England?")]
    question = "which band is from england, fireflight or dirty pretty things"
    options = ["fireflight", "dirty pretty things"]
    decided = combine(question, parts, {"Fireflight": fact("Fireflight", "no"),
                                        "Dirty Pretty Things": fact("Dirty Pretty Things", "yes", 2)}, False, options)
    assert decided.answer == "dirty pretty things" and decided.what == "each"    # as the question writes it
    # both, neither, or one unread: nothing decided
    for a, b in (("yes", "yes"), ("no", "no")):
        assert combine(question, parts, {"Fireflight": fact("Fireflight", a),
                                         "Dirty Pretty Things": fact("Dirty Pretty Things", b)}, False, options) is None
    assert combine(question, parts, {"Dirty Pretty Things": fact("Dirty Pretty Things", "yes")}, False, options) is None
    # one yes whose quote says what is asked, the other without an answer: that one
    member = [Part("Ciaran Gribbin", "Is Ciaran Gribbin a member of the band Fuel?"),
              Part("Brett Scallions", "Is Brett Scallions a member of the band Fuel?")]
    fuel = "which musician, ciaran gribbin or brett scallions, is a member of the band fuel?"
    strong = Fact("Brett Scallions", "yes", 1, "He is the lead vocalist of the post-grunge band Fuel.")
    assert combine(fuel, member, {"Brett Scallions": strong}, False, ["ciaran gribbin", "brett scallions"]
                   ).answer == "brett scallions"
    weak = Fact("Brett Scallions", "yes", 1, "Brett Scallions is an American musician.")    # an opening
    assert combine(fuel, member, {"Brett Scallions": weak}, False, ["ciaran gribbin", "brett scallions"]) is None


def test_a_split_is_kept_only_when_each_part_asks_of_one_thing_the_question_names():
    question = "Are both Jim McBride and Neil Jordan film directors?"
    parts = parse_split(split(("Jim McBride", "Is Jim McBride a film director?"),
                              ("Neil Jordan", "Is Neil Jordan a film director?")), question)
    assert parts == [Part("Jim McBride", "Is Jim McBride a film director?"),
                     Part("Neil Jordan", "Is Neil Jordan a film director?")]
    assert all(p.yes_no for p in parts)
    hubs = "Are Des Moines International Airport and Grand Canyon National Park Airport both major airline hubs?"
    assert len(parse_split(split(("Des Moines International Airport", "Is Des Moines International Airport a major "
                                  "airline hub?"), ("Grand Canyon National Park Airport", "Is Grand Canyon National "
                                                    "Park Airport a major airline hub?")), hubs)) == 2
    # a plural in -ies asked of each thing in the singular (typed in lower case too)
    for docs in ("Are Freakonomics and In the Realm of the Hackers both American documentaries?",
                 "are freakonomics and in the realm of the hackers both american documentaries"):
        assert len(parse_split(split(("Freakonomics", "Is Freakonomics an American documentary?"),
                                     ("In the Realm of the Hackers", "Is In the Realm of the Hackers an American "
                                                                     "documentary?")), docs)) == 2
    # a thing the question does not name, a part naming the other thing, a single thing, a
    # part that asks nothing of its thing, and no JSON: the question goes the usual way
    assert parse_split(split(("Jim McBride", "Is Jim McBride a film director?"),
                             ("Steven Spielberg", "Is Steven Spielberg a film director?")), question) == []
    assert parse_split(split(("Jim McBride", "Is Jim McBride a film director like Neil Jordan?"),
                             ("Neil Jordan", "Is Neil Jordan a film director?")), question) == []
    assert parse_split(split(("Jim McBride", "Is Jim McBride a film director?")), question) == []
    assert parse_split(split(("Jim McBride", "Jim McBride?"), ("Neil Jordan", "Neil Jordan?")), question) == []
    assert parse_split("not json", question) == []
    # a yes/no part that asks more than the question does is a guess at the answer
    assert parse_split(split(("Henry Roth", "Is Henry Roth American?"), ("Lewis Mumford", "Is Lewis Mumford American?")),
                       "Henry Roth and Lewis Mumford are both this nationality?") == []
    assert parse_split(json.dumps({"each": []}), question) == []


def test_sameness_needs_a_value_from_each_thing_not_a_yes_or_no():
    question = "Are Jim Lindberg and Alison Moyet singers of the same nationality?"
    # seen from the 1.5B model: "Is A a singer?" for each -- both yes, which shows no sameness
    assert parse_split(split(("Jim Lindberg", "Is Jim Lindberg a singer?"),
                             ("Alison Moyet", "Is Alison Moyet a singer?")), question) == []
    parts = parse_split(split(("Jim Lindberg", "What is Jim Lindberg's nationality?"),
                              ("Alison Moyet", "What is Alison Moyet's nationality?")), question)
    assert [p.yes_no for p in parts] == [False, False]
    # sharing is sameness too: the ingredients of each, compared in code
    drinks = "do bloody mary and sidecar share any ingredients"
    assert len(parse_split(split(("Bloody Mary", "What ingredients are in Bloody Mary?"),
                                 ("Sidecar", "What ingredients are in Sidecar?")), drinks)) == 2
    assert parse_split(split(("Bloody Mary", "Does Bloody Mary share ingredients?"),
                             ("Sidecar", "Does Sidecar share ingredients?")), drinks) == []


def test_a_split_asks_of_each_what_the_question_asks():
    # "both ... in the 19th century?" holds of each or not; a century each would read as "the same century"
    battles = "Were both the Battle of Stones River and the Battle of Leyte fought in the 19th century?"
    assert parse_split(split(("Battle of Stones River", "In what century was the Battle of Stones River fought?"),
                             ("Battle of Leyte", "In what century was the Battle of Leyte fought?")), battles) == []
    assert len(parse_split(split(("Battle of Stones River", "Was the Battle of Stones River fought in the 19th "
                                                            "century?"),
                                 ("Battle of Leyte", "Was the Battle of Leyte fought in the 19th century?")),
                           battles)) == 2
    # a value part asks what the question asks: "who" of each is not "what other film"
    films = 'Which crime film was written by the writer of "Street Kings" and "End of Watch"?'
    assert parse_split(split(("Street Kings", "Who wrote Street Kings?"), ("End of Watch", "Who wrote End of Watch?")),
                       films) == []
    shared = "What genre of film do Astro Boy and The Secret of Kells share?"
    assert len(parse_split(split(("Astro Boy", "Which genre is Astro Boy?"),
                                 ("The Secret of Kells", "Which genre is The Secret of Kells?")), shared)) == 2
    # a thing the question describes ("this film") is not one it names
    described = "Was this American crime film and End of Watch directed by the same person?"
    assert parse_split(split(("this American crime film", "Who directed this American crime film?"),
                             ("End of Watch", "Who directed End of Watch?")), described) == []


def test_yes_when_every_part_holds():
    parts = [Part("A", "Is A a magazine?"), Part("B", "Is B a magazine?")]
    question = "Are A and B both magazines?"
    assert combine(question, parts, {"A": fact("A", "yes"), "B": fact("B", "yes")}, True).answer == "yes"
    decided = combine(question, parts, {"A": fact("A", "yes"), "B": fact("B", "no", 2)}, True)
    assert decided.answer == "no" and decided.what == "each" and decided.facts_line() == "A: yes [1]; B: no [2]"
    assert combine(question, parts, {"A": fact("A", "yes")}, True) is None        # B unread: nothing decided
    assert combine(question, parts, {"B": fact("B", "no")}, True).answer == "no"  # one that fails settles it


def test_values_decide_sameness_difference_and_what_is_shared():
    parts = [Part("A", "What country is A from?"), Part("B", "What country is B from?")]
    same = {"A": fact("A", "France"), "B": fact("B", "French")}                 # a country and its nationality
    other = {"A": fact("A", "American"), "B": fact("B", "Irish")}
    assert combine("Are A and B from the same country?", parts, same, True).answer == "yes"
    assert combine("Are A and B from the same country?", parts, other, True).answer == "no"
    assert combine("are a and b from different countries", parts, other, True).answer == "yes"
    prize = [Part("A", "Which prize did A win?"), Part("B", "Which prize did B win?")]
    won = {"A": fact("A", "the Nobel Prize in Literature"), "B": fact("B", "Nobel Prize in Literature")}
    assert combine("Which prize did A and B both win?", prize, won, False).answer == "the Nobel Prize in Literature"
    assert combine("Which prize did A and B both win?", prize,
                   {"A": fact("A", "Booker Prize"), "B": fact("B", "Pulitzer Prize")}, False) is None
    # several values each: the one both have, not the first of either
    jobs = [Part("A", "What are A's professions?"), Part("B", "What are B's professions?")]
    several = {"A": fact("A", "singer; songwriter; actor"), "B": fact("B", "guitarist; songwriter")}
    assert combine("What profession do A and B have in common?", jobs, several, False).answer == "songwriter"
    # all they share, each said once (devb51-100-s41: "director" of two shared, and the draft's
    # sentence naming it kept as "following" the facts)
    careers = {"A": fact("A", "director; producer; screenwriter; 50 films"),
               "B": fact("B", "screenwriter; film director; British; 1870-1956")}
    shared_careers = combine("What careers do A and B share?", jobs, careers, False)
    assert shared_careers.answer == "director and screenwriter"
    # one asked ("What career …"): the first they share
    assert combine("What career do A and B share?", jobs, careers, False).answer == "director"
    assert combine("what kinds of careers do a and b share", jobs, careers, False).answer == "director and screenwriter"
    # one value spelt two ways is said once, not dropped twice
    spelt = {"A": fact("A", "film-director; film director"), "B": fact("B", "film director")}
    assert combine("What careers do A and B share?", jobs, spelt, False).answer == "film-director"
    from kresearch.agent.answer.verify import follows
    assert not follows("director", shared_careers) and follows("Director and screenwriter.", shared_careers)
    assert not follows("American director, producer and screenwriter with over 50 films to his credit.",
                       shared_careers)
    lit = combine("Which prize did A and B both win?", prize, won, False)
    assert follows("Nobel Prize in Literature", lit) and follows("the Nobel Prize in Literature, 1954", lit)


def test_an_answer_counts_only_with_a_quote_from_its_page():
    page = "Delmer Daves (1904 - 1977) was an American screenwriter, director and producer."
    yes_no = Part("Delmer Daves", "Is Delmer Daves a film director?")
    reply = json.dumps({"quote": "was an American screenwriter, director and producer", "answer": "yes"})
    assert parse_part(reply, yes_no, 4, page) == Fact("Delmer Daves", "yes", 4, page)
    # a yes whose quote does not say what is asked is the model's, not the page's
    unsaid = Part("Delmer Daves", "Was Delmer Daves an actor?")
    page = "Delmer Daves (1904 - 1977) was an American screenwriter, director and producer. " + (
        "He lived in California for most of his life. " * 8) + (
        "He was also a screenwriter of some note in the war years.")
    assert parse_part(json.dumps({"quote": "He was also a screenwriter of some note", "answer": "yes"}),
                      unsaid, 4, page) is None
    # ... unless it is the page's opening, which says what the thing is
    assert parse_part(json.dumps({"quote": "was an American screenwriter, director and producer", "answer": "yes"}),
                      unsaid, 4, page).value == "yes"
    assert parse_part(json.dumps({"quote": "was an American screenwriter, director and producer", "answer": "no"}),
                      unsaid, 4, page).value == "no"
    made_up = json.dumps({"quote": "Delmer Daves directed forty films in Italy", "answer": "yes"})
    assert parse_part(made_up, yes_no, 4, page) is None
    value = Part("Delmer Daves", "What were Delmer Daves's professions?")
    # a value the page does not state is the model's, not the page's: dropped
    reply = json.dumps({"quote": "was an American screenwriter, director and producer",
                        "answers": ["screenwriter", "producer", "actor"]})
    assert parse_part(reply, value, 4, page).value == "screenwriter; producer"
    assert parse_part(json.dumps({"quote": "was an American screenwriter", "answers": ["Canadian"]}), value, 4,
                      page) is None
    assert parse_part("{", value, 4, page) is None


def test_a_code_made_part_is_not_answered_yes_by_a_page_s_opening():
    # both mines' openings were taken as a yes to 'Is X the answer to "which one yielded ...?"'
    page = ("Temagami-Lorrain Mine is an abandoned mine in Northeastern Ontario. It is located about 10 km "
            "northeast of the town of Temagami. " + "Its shafts flooded. " * 30 + "It yielded copper in 1920.")
    part = choice_parts("Which one yielded a 16-ton bulk sample of gold ore in 1935, Temagami-Lorrain Mine or "
                        "Burwash Mine?", ["Temagami-Lorrain Mine", "Burwash Mine"])[0]
    assert part.by_code
    opening = json.dumps({"quote": "It is located about 10 km northeast of the town of Temagami.", "answer": "yes"})
    assert parse_part(opening, part, 2, page) is None
    # a quote with what is asked still says yes; "the answer to", code's own words, says nothing
    said = json.dumps({"quote": "It yielded copper in 1920.", "answer": "yes"})
    assert parse_part(said, part, 2, page).value == "yes"
    page += " The answer to the flooding was a pump."
    assert parse_part(json.dumps({"quote": "The answer to the flooding was a pump.", "answer": "yes"}), part, 2,
                      page) is None
    # a no from the opening still counts
    assert parse_part(json.dumps({"quote": "It is located about 10 km northeast of the town of Temagami.",
                                  "answer": "no"}), part, 2, page).value == "no"


def test_the_kind_a_choice_asks_for_is_no_yes_to_it():
    # every option is a novelist: "He was also a novelist" says nothing of which one wrote it
    question = ("Which novelist, J. G. Farrell or Louis Aragon, wrote of the political and human consequences "
                "of his country's colonial rule?")
    farrell, aragon = choice_parts(question, ["J. G. Farrell", "Louis Aragon"])
    page = "Louis Aragon was a French poet. " + "He wrote poems. " * 30 + "He was also a novelist and editor."
    also = json.dumps({"quote": "He was also a novelist and editor.", "answer": "yes"})
    assert parse_part(also, aragon, 2, page) is None
    said = ("J. G. Farrell was a novelist. " + "He lived in London. " * 30 + "His trilogy deals with the political "
            "and human consequences of British colonial rule.")
    trilogy = json.dumps({"quote": said.split(". ")[-1], "answer": "yes"})
    assert parse_part(trilogy, farrell, 1, said).value == "yes"
    # a choice asking only the kind: the kind is what is asked
    band, _ = choice_parts("Which band, Blur or Vib Gyor?", ["Blur", "Vib Gyor"])
    assert parse_part(json.dumps({"quote": "Blur are an English rock band.", "answer": "yes"}), band, 1,
                      "Intro. " * 60 + "Blur are an English rock band.").value == "yes"


def test_a_code_made_part_asking_one_value_keeps_the_first_given():
    page = "Band of Skulls are an English rock band from Southampton, England."
    city, genres = (sameness_parts(q, ["Band of Skulls", "Slade"])[0] for q in (
        "Are Band of Skulls and Slade from the same city?", "Do Band of Skulls and Slade play different genres?"))
    assert city.single and not genres.single
    reply = json.dumps({"quote": "an English rock band from Southampton", "answers": ["Southampton", "England"]})
    assert parse_part(reply, city, 1, page).value == "Southampton"
    assert parse_part(reply, genres, 1, page).value == "Southampton; England"
    number = sameness_parts("Do Blur and Oasis have the same number of members?", ["Blur", "Oasis"])[0]
    assert number.single


def test_a_region_a_quote_places_its_thing_in_says_its_country():
    # devb101-200-s59: "... in Pittsburgh, Pennsylvania" was refused as a yes to "located in
    # America?", and the run answered "no" to "Are both Rutgers and Carnegie Mellon in America?"
    cmu = "Carnegie Mellon University (CMU) is a private research university in Pittsburgh, Pennsylvania."
    reply = json.dumps({"quote": cmu, "answer": "yes"})
    for asked in ("America", "the United States"):
        part = Part("Carnegie Mellon University", f"Is Carnegie Mellon University located in {asked}?")
        assert parse_part(reply, part, 1, cmu).value == "yes"
    assert parse_part(reply, Part("Carnegie Mellon University", "Is Carnegie Mellon University in Canada?"), 1,
                      cmu) is None
    # a region of another country, or none named after a place
    guildford = "Guildford Cathedral is the Anglican cathedral at Guildford, Surrey, England."
    reply = json.dumps({"quote": guildford, "answer": "yes"})
    assert parse_part(reply, Part("Guildford Cathedral", "Is Guildford Cathedral in the United States?"), 1,
                      guildford) is None
    assert countries_placed(guildford) == ["United Kingdom"] and countries_placed("He was born in Georgia.") == []


def test_a_country_s_people_are_the_country_in_a_quote():
    # "English-born" says "from England", though further down the page than its opening
    childers = ("Robert Erskine Childers (25 June 1870 - 24 November 1922) was a writer. " + "He sailed. " * 40
                + "He was an English-born Irish nationalist.")
    england = Part("Robert Erskine Childers", "Was Robert Erskine Childers from England?")
    reply = json.dumps({"quote": "He was an English-born Irish nationalist.", "answer": "yes"})
    assert parse_part(reply, england, 1, childers).value == "yes"
    assert parse_part(reply, Part("Robert Erskine Childers", "Was Robert Erskine Childers from France?"), 1,
                      childers) is None


def test_a_yes_about_another_named_thing_must_name_it():
    # "Is Ciaran Gribbin a member of the band Fuel?" was answered yes from his page's opening,
    # which says what he is and nothing of Fuel
    gribbin = ("Ciaran Gribbin (born 1976) is a Northern Irish singer-songwriter, guitarist and producer. "
               "He toured with the band Snow Patrol.")
    member = Part("Ciaran Gribbin", "Is Ciaran Gribbin a member of the post-grunge band Fuel?")
    opening = json.dumps({"quote": gribbin.split(". ")[0], "answer": "yes"})
    assert parse_part(opening, member, 2, gribbin) is None
    assert parse_part(json.dumps({"quote": gribbin.split(". ")[0], "answer": "no"}), member, 2, gribbin).value == "no"
    scallions = "Brett Scallions is an American musician. He is the lead vocalist of post-grunge band Fuel."
    said = json.dumps({"quote": "He is the lead vocalist of post-grunge band Fuel.", "answer": "yes"})
    assert parse_part(said, Part("Brett Scallions", member.question.replace("Ciaran Gribbin", "Brett Scallions")),
                      1, scallions).value == "yes"
    # a name's last word names it; a country, its people; an opening still says what a thing is
    yankees = "Tom Smith (1901-1960) was an American baseball player. He played for the Yankees."
    played = Part("Tom Smith", "Did Tom Smith play for the New York Yankees?")
    assert parse_part(json.dumps({"quote": "He played for the Yankees.", "answer": "yes"}), played, 1,
                      yankees).value == "yes"
    american = Part("Tom Smith", "Was Tom Smith from the United States?")
    assert parse_part(json.dumps({"quote": "Tom Smith (1901-1960) was an American baseball player.",
                                  "answer": "yes"}), american, 1, yankees).value == "yes"
    # a name within a word names it
    kingdom = "Monkey Kingdom is a 2015 nature documentary film. The film was released by Disneynature in 2015."
    disney = Part("Monkey Kingdom", "Was Monkey Kingdom connected with Disney?")
    assert parse_part(json.dumps({"quote": "The film was released by Disneynature in 2015.", "answer": "yes"}),
                      disney, 1, kingdom).value == "yes"
    assert parse_part(json.dumps({"quote": "Monkey Kingdom is a 2015 nature documentary film.", "answer": "yes"}),
                      disney, 1, kingdom) is None
    # a quote of two sentences is read whole (its best sentence alone did not name Disney)
    both = "Monkey Kingdom is a 2015 nature documentary film. The film was released by Disneynature in 2015."
    assert parse_part(json.dumps({"quote": both, "answer": "yes"}), disney, 1, kingdom).value == "yes"
    # a name the model adds to a quote, which the page does not have, names nothing
    added = "Monkey Kingdom is a 2015 nature documentary film by Disney."
    assert parse_part(json.dumps({"quote": added, "answer": "yes"}), disney, 1, kingdom) is None
    plant = Part("Ferocactus", "is ferocactus a plant?")
    cactus = "Ferocactus is a genus of large barrel-shaped cacti."
    assert parse_part(json.dumps({"quote": cactus, "answer": "yes"}), plant, 1, cactus).value == "yes"


def test_a_thing_is_read_from_its_own_page():
    pages = {1: ("Drum Beat", "Drum Beat is a 1954 western film directed by Delmer Daves."),
             2: ("Delmer Daves - Encyclopedia", "Delmer Daves was an American screenwriter, director and producer. "
                                                + "He was born in San Francisco. " * 40 + "He served in the navy.")}
    sid, text = page_for(Part("Delmer Daves", "Did Delmer Daves serve in the navy?"), pages)
    assert sid == 2 and text.startswith("Delmer Daves was an American screenwriter")
    assert "He served in the navy." in text                       # the passage the lead does not hold
    assert page_for(Part("Jean-Pierre Jeunet", "Is Jean-Pierre Jeunet a film director?"), pages) is None


QUESTION = "Are Shirley Temple and Corliss Archer both American actresses?"
SPLIT = {"each": [{"subject": "Shirley Temple", "question": "Is Shirley Temple an American actress?"},
                  {"subject": "Corliss Archer", "question": "Is Corliss Archer an American actress?"}]}


def test_each_thing_is_read_on_its_own_page_and_the_facts_decide(tmp_path, monkeypatch):
    # The question's top result only (one page): neither thing's own page is read, so each name is
    # searched; each part is asked in a call of its own with its page; the draft's "yes" is
    # replaced by what the two facts decide, and that settles the run.
    monkeypatch.setattr("kresearch.agent.answer.first_reading.FIRST_READING_PAGES", 1)
    script = [{"answer": "yes"}, SPLIT,
              {"quote": "was an American actress, singer, dancer", "answer": "yes"},
              {"quote": "Corliss Archer is a fictional teenage character", "answer": "no"}]
    with site() as server:
        result, llm, backend, _ = run_agent(script, server.base_url, tmp_path, verify=True, draft=True,
                                            question=QUESTION, passages=4)
    # Corliss Archer's page says nothing of an American actress: searched once more with it
    assert backend.calls == [QUESTION, "Shirley Temple", "Corliss Archer", "Corliss Archer American actress"]
    split_call, part_call = llm.calls[1], llm.calls[2]
    # a call of its own: the split's instructions, the worked examples as earlier turns, the question
    assert split_call[0]["role"] == "system" and "the same thing about two or more things" in split_call[0]["content"]
    assert [m["role"] for m in split_call[1:]] == ["user", "assistant"] * 3 + ["user"]
    assert split_call[-1]["content"] == f"Question: {QUESTION}"
    assert not any(QUESTION in m["content"] for m in split_call[:-1])
    assert "from the results above alone" in llm.calls[0][-1]["content"]     # the draft first, from the question's
    assert "Is Shirley Temple an American actress?" in part_call[1]["content"]
    assert "Shirley Temple Black (April 23, 1928" in part_call[1]["content"]     # its own page
    assert "Corliss Archer is a fictional teenage character" not in part_call[1]["content"]
    assert llm.schemas[2]["properties"]["answer"] == {"enum": ["yes", "no"]}
    assert result.answer == "no" and result.stopped_because == "answered"
    assert "## Each one on its own page" in result.report
    assert 'Corliss Archer: no — [' in result.report
    records = read_trace(tmp_path / "t.jsonl")
    assert [r["answer"] for r in records if r["event"] == "each_read"] == ["no"]
    assert [r["purpose"] for r in records if r["event"] == "llm"] == ["draft", "each", "each part", "each part"]


def test_a_question_about_one_thing_costs_one_short_call(tmp_path):
    script = [{"answer": "yes"}, {"each": []}, {"thought": "t", "action": "answer", "args": {"answer": "yes"}}]
    with site() as server:
        result, llm, backend, _ = run_agent(script, server.base_url, tmp_path, verify=True, draft=True,
                                            question="Was Shirley Temple an actress and a diplomat?", max_steps=2)
    assert backend.calls[0] == "Was Shirley Temple an actress and a diplomat?"
    records = read_trace(tmp_path / "t.jsonl")
    assert [r["parts"] for r in records if r["event"] == "each"] == [[]]
    assert not [r for r in records if r["event"] == "each_read"]


def test_a_choice_is_decided_by_each_option_on_its_own_page(tmp_path, monkeypatch):
    # The draft picked the wrong option; each option's own page says which one the question's
    # property holds of, and that replaces the draft and settles the run.
    monkeypatch.setattr("kresearch.agent.answer.first_reading.FIRST_READING_PAGES", 1)
    question = "Which one served as a United States ambassador, Shirley Temple or Corliss Archer?"
    script = [{"answer": "Corliss Archer"},
              {"each": [{"subject": "Shirley Temple", "question": "Did Shirley Temple serve as a United States "
                                                                  "ambassador?"},
                        {"subject": "Corliss Archer", "question": "Did Corliss Archer serve as a United States "
                                                                  "ambassador?"}]},
              {"quote": "she was named United States ambassador to Ghana", "answer": "yes"},
              {"quote": "Corliss Archer is a fictional teenage character", "answer": "no"}]
    with site() as server:
        result, llm, backend, _ = run_agent(script, server.base_url, tmp_path, verify=True, draft=True,
                                            question=question, passages=4)
    assert llm.schemas[0]["properties"]["answer"] == {"enum": ["Shirley Temple", "Corliss Archer"]}
    assert result.answer == "Shirley Temple" and result.stopped_because == "answered"
    assert "The one of which it holds: Shirley Temple" in result.report
    records = read_trace(tmp_path / "t.jsonl")
    assert [r["purpose"] for r in records if r["event"] == "llm"] == ["draft", "each", "each part", "each part"]


def test_a_choice_the_model_gave_each_option_the_whole_question_is_split_by_code(tmp_path, monkeypatch):
    # The 1.5B model's usual failure: each option gets "Which one served ...?" without its name.
    monkeypatch.setattr("kresearch.agent.answer.first_reading.FIRST_READING_PAGES", 1)
    question = "Which one served as a United States ambassador, Shirley Temple or Corliss Archer?"
    script = [{"answer": "Corliss Archer"},
              {"each": [{"subject": "Shirley Temple", "question": "Which one served as a United States ambassador?"},
                        {"subject": "Corliss Archer", "question": "Which one served as a United States ambassador?"}]},
              {"quote": "she was named United States ambassador to Ghana", "answer": "yes"},
              {"quote": "Corliss Archer is a fictional teenage character", "answer": "no"}]
    with site() as server:
        result, llm, backend, _ = run_agent(script, server.base_url, tmp_path, verify=True, draft=True,
                                            question=question, passages=4)
    assert result.answer == "Shirley Temple"
    records = read_trace(tmp_path / "t.jsonl")
    split_event = next(r for r in records if r["event"] == "each")
    assert split_event["by"] == "code"
    assert split_event["parts"][0]["question"] == 'Is Shirley Temple the answer to "Which one served as a United States ambassador?"'
    assert 'Question: Is Shirley Temple the answer to "Which one served' in llm.calls[2][-1]["content"]


def test_a_sameness_question_the_model_split_into_yes_or_no_parts_gets_value_parts_from_code(tmp_path, monkeypatch):
    # The 1.5B model named the things but asked "Was it ... the same ... as B?" of each
    monkeypatch.setattr("kresearch.agent.answer.first_reading.FIRST_READING_PAGES", 1)
    question = "Were Shirley Temple and Corliss Archer created in the same country?"
    script = [{"answer": "yes"},
              {"each": [{"subject": "Shirley Temple", "question": "Was it created in the same country as Corliss Archer?"},
                        {"subject": "Corliss Archer", "question": "Was it created in the same country as Shirley Temple?"}]},
              {"quote": "Shirley Temple Black (April 23, 1928 - February 10, 2014) was an American actress",
               "answers": ["United States"]},
              {"quote": "Corliss Archer is a fictional teenage character created by F. Hugh Herbert",
               "answers": ["F. Hugh Herbert"]}]
    with site() as server:
        result, llm, backend, _ = run_agent(script, server.base_url, tmp_path, verify=True, draft=True,
                                            question=question, passages=4)
    records = read_trace(tmp_path / "t.jsonl")
    split_event = next(r for r in records if r["event"] == "each")
    assert split_event["by"] == "code"
    assert [p["question"] for p in split_event["parts"]] == ["For Shirley Temple: created in which country?",
                                                             "For Corliss Archer: created in which country?"]
    assert "Question: For Corliss Archer: created in which country?" in llm.calls[3][-1]["content"]
    # the values differ ("United States" is stated as "American"): code decides "no"
    assert next(r for r in records if r["event"] == "each_read")["answer"] == "no"
    assert result.answer == "no"


def test_a_choice_of_values_is_not_split(tmp_path):
    # "which is older": no page of one option says it; compare.py and research decide it
    script = [{"answer": "Shirley Temple"}, {"thought": "t", "action": "answer", "args": {"answer": "Shirley Temple"}}]
    with site() as server:
        run_agent(script, server.base_url, tmp_path, verify=True, draft=True, max_steps=2,
                  question="Which is older, Shirley Temple or Corliss Archer?")
    assert not [r for r in read_trace(tmp_path / "t.jsonl") if r["event"] in ("each", "each_read")]


def test_each_thing_is_read_on_its_plain_page_not_a_namesakes():
    pages = {1: ("OK Go (2000 EP)", "OK Go is the first EP by the band OK Go, released in 2000."),
             2: ("OK Go", "OK Go is an American rock band originally from Chicago, Illinois.")}
    assert page_for(Part("OK Go", "Is OK Go a rock band?"), pages)[0] == 2


def test_a_question_typed_in_lower_case_is_read_with_the_names_its_top_pages_write(tmp_path, monkeypatch):
    # The same question typed without capitals: after its top results are read the checks see
    # "Shirley Temple" and "Corliss Archer" as the names the pages write (agent/casing.py), and
    # the run goes as it does for the question written with them; the report keeps it as typed.
    monkeypatch.setattr("kresearch.agent.answer.first_reading.FIRST_READING_PAGES", 1)
    film, text = fixture_site.PAGES["/wiki/Kiss_and_Tell_(1945_film)"]
    more = (" The role of Corliss Archer made Shirley Temple a teenage star, and critics praised Shirley Temple"
            " as Corliss Archer. A sequel with another Corliss Archer followed without Shirley Temple.")
    monkeypatch.setitem(fixture_site.PAGES, "/wiki/Kiss_and_Tell_(1945_film)", (film, text + more))
    script = [{"answer": "yes"}, SPLIT,
              {"quote": "was an American actress, singer, dancer", "answer": "yes"},
              {"quote": "Corliss Archer is a fictional teenage character", "answer": "no"}]
    typed = QUESTION.lower()
    with site() as server:
        result, llm, backend, _ = run_agent(script, server.base_url, tmp_path, verify=True, draft=True,
                                            question=typed, passages=4)
    cased = [r["question"] for r in read_trace(tmp_path / "t.jsonl") if r["event"] == "question_cased"]
    assert cased == ["are Shirley Temple and Corliss Archer both american actresses?"]    # "American": once only
    assert backend.calls == [typed, "Shirley Temple", "Corliss Archer", "Corliss Archer American actress"]
    assert result.answer == "no" and result.stopped_because == "answered"
    assert result.question == typed and result.report.startswith(f"# {typed}")


def test_a_misspelled_name_is_read_as_its_top_pages_spell_it(tmp_path, monkeypatch):
    # "Corlsis Archer": after the question's top results are read the checks see "Corliss Archer"
    # (agent/spelling.py), as the pages spell it, and each thing is searched by that name; the
    # report keeps the question as typed.
    monkeypatch.setattr("kresearch.agent.answer.first_reading.FIRST_READING_PAGES", 1)
    film, text = fixture_site.PAGES["/wiki/Kiss_and_Tell_(1945_film)"]
    more = " The role of Corliss Archer made her a teenage star, and critics praised her as Corliss Archer."
    monkeypatch.setitem(fixture_site.PAGES, "/wiki/Kiss_and_Tell_(1945_film)", (film, text + more))
    script = [{"answer": "yes"}, SPLIT,
              {"quote": "was an American actress, singer, dancer", "answer": "yes"},
              {"quote": "Corliss Archer is a fictional teenage character", "answer": "no"}]
    typed = QUESTION.replace("Corliss", "Corlsis")
    with site() as server:
        result, llm, backend, _ = run_agent(script, server.base_url, tmp_path, verify=True, draft=True,
                                            question=typed, passages=4)
    read_as = [r["question"] for r in read_trace(tmp_path / "t.jsonl") if r["event"] == "question_cased"]
    assert read_as == [QUESTION]
    assert backend.calls == [typed, "Shirley Temple", "Corliss Archer", "Corliss Archer American actress"]
    assert result.answer == "no" and result.question == typed


def test_a_thing_whose_own_page_says_nothing_of_what_is_asked_is_searched_with_it():
    # dev51-100-s52: "Is Look a women's magazine?" answered "no" from the dictionary's "look", a
    # specification language, the first page titled "look"; the magazine's page was never read
    part = Part("Look", "Is Look a women's magazine?")
    pages = {11: ("look - Wiki", "look\n\nA specification language."), 12: ("open look - Wiki", "Open Look is a GUI.")}
    assert asked_query(part, pages) == "Look women's magazine"
    assert page_for(part, pages)[0] == 11                     # nothing better read yet
    pages[13] = ("Look (UK magazine) - Wiki", "Look was a weekly British women's magazine.")
    assert page_for(part, pages)[0] == 13 and asked_query(part, pages) is None
    # a page saying what is asked is searched no further; nor is a value part, nor a thing not read
    assert asked_query(Part("Chrysalis", "Is Chrysalis a women's magazine?"),
                       {6: ("Chrysalis (magazine) - Wiki", "Chrysalis: A Magazine of Women's Culture.")}) is None
    assert asked_query(Part("Ed Wood", "What nationality was Ed Wood?"),
                       {2: ("Ed Wood - Wiki", "Edward Davis Wood Jr. was a filmmaker.")}) is None
    assert asked_query(part, {}) is None


def test_values_that_share_a_word_share_that_word_when_no_value_is_shared_whole():
    genre = [Part("A", "What genre of film is A?"), Part("B", "What genre of film is B?")]
    facts = {"A": fact("A", "action-comedy; superhero; computer-animated; film"),
             "B": fact("B", "animated fantasy; French; Belgian; Irish")}
    # "film" is the question's own word, the nationalities say nothing of a genre
    assert combine("A and B share which genre of film?", genre, facts, False).answer == "animated"
    music = {"A": fact("A", "American rock band; alternative"), "B": fact("B", "English pop-rock band")}
    assert combine("What genre of music do A and B share?", genre, music, False).answer == "rock"
    # nothing in common: no decision; a yes/no question is not answered by a shared word
    apart = {"A": fact("A", "romantic comedy"), "B": fact("B", "horror thriller")}
    assert combine("A and B share which genre of film?", genre, apart, False) is None
    same = [Part("A", "What genre is A?"), Part("B", "What genre is B?")]
    assert combine("Are A and B of the same genre?", same, facts, True).answer == "no"


def test_a_part_may_ask_in_the_singular_what_the_question_asks_in_an_irregular_plural():
    # tuning 51-100: "Is Ajuga a genus?" was refused as a word the question does not use
    output = json.dumps({"each": [{"subject": "Cypress", "question": "Is Cypress a genus?"},
                                  {"subject": "Ajuga", "question": "Is Ajuga a genus?"}]})
    parts = parse_split(output, "Are both Cypress and Ajuga genera?")
    assert [p.question for p in parts] == ["Is Cypress a genus?", "Is Ajuga a genus?"]
    women = json.dumps({"each": [{"subject": "Ada Lovelace", "question": "Was Ada Lovelace a woman?"},
                                 {"subject": "Grace Hopper", "question": "Was Grace Hopper a woman?"}]})
    assert [p.subject for p in parse_split(women, "were ada lovelace and grace hopper both women")] == [
        "Ada Lovelace", "Grace Hopper"]


def test_a_yes_no_part_keeps_the_numbers_the_question_asks_by():
    # the model left "more than 50" out: any genus of flowering plants then said yes
    genus = "Both Sorbaria and Goldenrod are a genus of more than 50 flowering plants?"
    assert parse_split(split(("Sorbaria", "Is Sorbaria a genus of flowering plants?"),
                             ("Goldenrod", "Is Goldenrod a genus of flowering plants?")), genus) == []
    assert len(parse_split(split(("Sorbaria", "Is Sorbaria a genus of more than 50 flowering plants?"),
                                 ("Goldenrod", "Is Goldenrod a genus of more than 50 flowering plants?")), genus)) == 2
    # a number inside a thing's name is no condition ("Cars 3"), nor is one the question lacks asked
    cars = "Were both Cars 3 and Up made by Pixar?"
    assert len(parse_split(split(("Cars 3", "Was Cars 3 made by Pixar?"), ("Up", "Was Up made by Pixar?")), cars)) == 2
    assert parse_split(split(("Cars 3", "Was Cars 3 made by Pixar in 2017?"), ("Up", "Was Up made by Pixar?")),
                       cars) == []


def test_a_value_is_of_the_kind_the_part_asks_for():
    from kresearch.agent.answer.each import of_kind_asked
    page = ("One Big Hapa Family is a 2010 animated/live-action documentary film directed by Canadian director "
            "Jeff Chiba Stearns.")
    who = Part("One Big Hapa Family", "Who directed One Big Hapa Family?")
    # a year is no person, and a description stands for the name the page writes after it
    assert of_kind_asked(["Canadian director", "2010"], who, page) == ["Jeff Chiba Stearns"]
    reply = json.dumps({"quote": "Jeff Chiba Stearns", "answers": ["Canadian director", "2010"]})
    assert parse_part(reply, who, 1, page).value == "Jeff Chiba Stearns"
    # years only when a time is asked; counts and places as given
    city = Part("Goo Goo Dolls", "In what city was Goo Goo Dolls formed?")
    assert of_kind_asked(["Buffalo", "New York", "1985", "February 2009"], city, "") == ["Buffalo", "New York"]
    assert of_kind_asked(["1985"], Part("Goo Goo Dolls", "In what year was Goo Goo Dolls formed?"), "") == ["1985"]
    assert of_kind_asked(["4"], Part("Lit", "For Lit: number of members?"), "") == ["4"]
    assert of_kind_asked(["Yael Hersonski", "Canadian"], Part("A", "Who directed A?"), "") == ["Yael Hersonski"]
    # a year is what the things share: no longer "directed by the same person"
    parts = [who, Part("A Film Unfinished", "Who directed A Film Unfinished?")]
    facts = {"One Big Hapa Family": fact("One Big Hapa Family", "Jeff Chiba Stearns"),
             "A Film Unfinished": fact("A Film Unfinished", "Yael Hersonski", 2)}
    same = "Were the documentaries One Big Hapa Family and A Film Unfinished directed by the same person?"
    assert combine(same, parts, facts, True).answer == "no"


def test_things_compared_are_read_on_pages_of_one_kind():
    pages = {1: ("Sidecar (cocktail) - Wiki", "The sidecar is a cocktail made with cognac and lemon juice."),
             2: ("Bloody Mary (folklore) - Wiki", "Bloody Mary is a folklore legend of a ghost."),
             5: ("Bloody Mary (cocktail) - Wiki", "A Bloody Mary is a cocktail of vodka and tomato juice.")}
    parts = [Part("Bloody Mary", "What ingredients are in Bloody Mary?"), Part("Sidecar", "What ingredients are in Sidecar?")]
    # neither namesake's page says "ingredients": alone, the first read; beside the sidecar's, the cocktail
    assert page_for(parts[0], pages)[0] == 2
    assert page_for(parts[0], pages, parts)[0] == 5 and page_for(parts[1], pages, parts)[0] == 1
