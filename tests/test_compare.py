"""Comparisons decided from the leads of the sources read: which came first (dates), which has
more (counts), are both American (nationalities). The page texts are the offline encyclopedia's, as extracted."""
from __future__ import annotations

from kresearch.agent.answer.compare import (compare, compare_counts, compare_dates, counted, direction, find_date,
                                            first_date, first_nationality, is_own_page, nationality_question,
                                            find_nationality, own_pages)

ZANUSSI = ("# Krzysztof Zanussi\n\nFrom the Offline Encyclopedia, the free encyclopedia\n\nKrzysztof Zanussi, "
           "(born 17 June 1939) is a Polish film and theatre director, producer and screenwriter. He is a "
           "professor of European film at the European Graduate School since 2005.")
ANDERSEN = ("We use cookies to improve your experience. Privacy policy\n\nThom Andersen\n\nFrom the Offline "
            "Encyclopedia, the free encyclopedia\n\nThom Andersen (born 1943, Chicago) is a filmmaker, film critic "
            "and teacher.")
WAVVES = ("# Wavves\n\nWavves is an American rock band based in San Diego, California. Formed in 2008 by "
          "singer-songwriter Nathan Williams (born June 12, 1986), the band also features Alex Gates.")
SOCIAL_CODE = ("Social Code (formerly known as Fifth Season) was a Canadian alternative rock group formed in 1999 "
               "in St. Albert. Their album sold 1,108,356 copies in 2004.")


def test_dates_in_the_forms_pages_write_them():
    assert first_date("born 17 June 1939 in Warsaw")[0] == (1939, 6, 17)
    assert first_date("born June 12, 1986")[0] == (1986, 6, 12)
    assert first_date("from September to November 1944")[0] == (1944, 11, 0)
    assert first_date("Am Rong (1929 – May 1975) was a Cambodian soldier")[0] == (1929, 0, 0)
    assert first_date("grossed $1,108,356 in 2004")[0] == (2004, 0, 0)        # not a year inside a number
    assert first_date("a band of 5 members") is None
    # a year before 1000 where a life span opens (born in 953, not 1029); not any three digits
    assert first_date("al-Karajī (c. 953 – c. 1029) was a Persian mathematician")[0] == (953, 0, 0)
    assert first_date("Charlemagne (742 – 28 January 814) was King of the Franks")[0] == (742, 0, 0)
    assert first_date("a club of 953 members (of 2,000 invited)") is None


def test_which_date_the_question_asks_for():
    assert direction("Who was born first, Krzysztof Zanussi or Thom Andersen?") is False
    assert direction("Which magazine is older, Gallery or Dime Magazine?") is False
    assert direction("Which film was created more recently, Koyaanisqatsi or Mad Hot Ballroom?") is True
    assert direction("who is younger Keith Bostic or Jerry Glanville ?") is True
    assert direction("Which band has more members, Band of Skulls or Live?") is None


def test_the_own_page_is_the_option_not_a_page_about_something_named_after_it():
    assert is_own_page("Lit", "Lit (band) - Offline Encyclopedia")
    assert is_own_page("Battle of Manila", "Battle of Manila (1945) - Offline Encyclopedia")
    assert is_own_page("Still Kicking: Six Artistic Women of Project Arts & Longevity", "Still Kicking (film)")
    assert not is_own_page("Battle of Belleau Wood", "USS Belleau Wood - Offline Encyclopedia")
    assert not is_own_page("Mahesh Bhupathi", "Mahesh Bhupathi Tennis Academy - Offline Encyclopedia")
    # a title's small words count too (a pronoun, a numeral, "of"), not its articles, "&" as "and"
    assert not is_own_page("For Against", "I Against I - Offline Encyclopedia")
    assert not is_own_page("Gasherbrum II", "Gasherbrum I - Wiki") and is_own_page("Gasherbrum II", "Gasherbrum II")
    assert not is_own_page("Cars", "Cars 3 - Wiki") and not is_own_page("South Los Angeles", "South of 8")
    assert is_own_page("Lord of the Rings", "The Lord of the Rings - Wiki")
    assert is_own_page("Pasek & Paul", "Pasek and Paul - Wiki") and is_own_page("Öresund Region", "Øresund Region")


def test_born_first_from_the_two_leads():
    sources = {3: ("Krzysztof Zanussi - Offline Encyclopedia", ZANUSSI), 5: ("Thom Andersen", ANDERSEN)}
    c = compare_dates("Who was born first, Krzysztof Zanussi or Thom Andersen?",
                      ["Krzysztof Zanussi", "Thom Andersen"], sources)
    assert c.answer == "Krzysztof Zanussi" and c.missing == []
    assert c.facts["Thom Andersen"].value == "1943" and c.facts["Thom Andersen"].source == 5
    assert c.summary() == ("Krzysztof Zanussi: 17 June 1939 [3]; Thom Andersen: 1943 [5] -> earlier: "
                           "Krzysztof Zanussi")
    younger = compare_dates("Who is younger, Krzysztof Zanussi or Thom Andersen?",
                            ["Krzysztof Zanussi", "Thom Andersen"], sources)
    assert younger.answer == "Thom Andersen"


def test_formed_first_takes_the_bands_date_not_a_members_birth():
    sources = {1: ("Wavves", WAVVES), 2: ("Social Code", SOCIAL_CODE)}
    c = compare_dates("Which band was formed first, Wavves or Social Code?", ["Wavves", "Social Code"], sources)
    assert c.facts["Wavves"].value == "2008" and c.answer == "Social Code"
    assert "Formed in 2008" in c.facts["Wavves"].quote


def test_a_date_from_another_page_counts_only_when_it_follows_the_name():
    other = {4: ("Polish cinema", "Directors include Krzysztof Zanussi (born 1939) and others. "
                                  "Thom Andersen visited Warsaw in 1990.")}
    assert find_date("Krzysztof Zanussi", other)[0] == (1939, 0, 0)
    assert find_date("Thom Andersen", other) is None                 # a visit is not a birth


def test_a_date_from_another_page_is_not_one_of_a_longer_name_or_a_common_noun():
    # "Gallery" the magazine is neither "C24 Gallery" nor "a contemporary art gallery"
    art = {6: ("C24 Gallery", "C24 Gallery is a contemporary art gallery founded in 2011 in Chelsea.")}
    assert find_date("Gallery", art) is None
    assert find_date("C24 Gallery", art)[0] == (2011, 0, 0)
    named = {2: ("Magazines", "The Gallery was founded in 1972. After Gallery was first published in 1972, "
                              "others followed.")}
    assert find_date("Gallery", named)[0] == (1972, 0, 0)
    assert find_date("gallery", art)[0] == (2011, 0, 0)        # typed in lower case: any case matches


def test_undecided_without_both_dates_or_when_they_tie():
    one = compare_dates("Which band was formed first, Wavves or Social Code?", ["Wavves", "Social Code"],
                        {1: ("Wavves", WAVVES)})
    assert one.answer is None and one.missing == ["Social Code"]
    tie = compare_dates("Who was born first, A Person or B Person?", ["A Person", "B Person"],
                        {1: ("A Person", "A Person (born 1950) is a poet."),
                         2: ("B Person", "B Person (born 12 May 1950) is a poet.")})
    assert tie.answer is None and len(tie.facts) == 2                # same year, no day for one
    assert compare_dates("Which band has more members, Wavves or Social Code?", ["Wavves", "Social Code"],
                         {1: ("Wavves", WAVVES)}) is None


JORDAN = ("We use cookies to improve your experience. Privacy policy\n\nNeil Jordan\n\nFrom the Offline "
          "Encyclopedia, the free encyclopedia\n\nNeil Patrick Jordan (born 25 February 1950) is an Irish film "
          "director, screenwriter and novelist. He worked with American producers.")
MCBRIDE = "Jim McBride (born September 16, 1941) is an American television and film director."


def test_nationality_questions_and_their_subjects():
    assert nationality_question("Are both Jim McBride and Neil Jordan American?") == (
        [["Jim McBride", "Neil Jordan"]], "American")
    assert nationality_question("Are Freakonomics and In the Realm of the Hackers both American documentaries?") == (
        [["Freakonomics", "In the Realm of the Hackers"]], "American")
    assert nationality_question("Are Parents and Madame Figaro published in the same country?") == (
        [["Parents", "Madame Figaro"]], None)
    assert nationality_question("Are both Adolfo Bioy Casares and James Norman Hall Argentinian authors?") == (
        [["Adolfo Bioy Casares", "James Norman Hall"]], "Argentine")
    assert nationality_question("Are Kiss and Tell and Shirley Temple both American?") == (
        [["Kiss", "Tell and Shirley Temple"], ["Kiss and Tell", "Shirley Temple"]], "American")
    assert nationality_question("Are Wolfgang Becker and Paul Andrew Williams both film directors?") is None
    assert nationality_question("Are both Ian Brown and Dee Snider members of the American Academy?") is None
    assert nationality_question("Are both Duke Energy and Affiliated Managers Group based in Massachusetts?") is None
    # a country asked as where both are from is asked as its nationality (devb50-v3 answered "no"
    # to the first without reading For Against's page)
    assert nationality_question("Are Local H and For Against both from the United States?") == (
        [["Local H", "For Against"]], "American")
    assert nationality_question("Were Blur and Oasis both from England?") == ([["Blur", "Oasis"]], "British")
    assert nationality_question("Are the Beatles and Abba both from the UK?") == ([["Beatles", "Abba"]], "British")
    assert nationality_question("Are Nirvana and Pearl Jam both from Seattle?") is None        # a city is no country
    assert nationality_question("Are Lyon and Nice both in France and on the coast?") is None


def test_the_first_nationality_word_of_a_lead():
    assert first_nationality("Alison Moyet (born 1961) is an English singer-songwriter") == "British"
    assert first_nationality("an Irish-born American actor") == "American"
    assert first_nationality("a Canadian-American singer") == "American"
    assert first_nationality("a singer from Ohio") is None


def test_both_american_is_decided_by_one_subject_that_is_not():
    q = "Are both Jim McBride and Neil Jordan American?"
    only_jordan = compare(q, [], {2: ("Neil Jordan - Offline Encyclopedia", JORDAN)})
    assert only_jordan.answer == "no" and only_jordan.facts["Neil Jordan"].value == "Irish"
    assert "is an Irish film director" in only_jordan.facts["Neil Jordan"].quote
    assert compare(q, [], {1: ("Jim McBride", MCBRIDE)}).answer is None          # one American: not yet
    both = compare("Are Jim McBride and Neil Jordan of the same nationality?", [],
                   {1: ("Jim McBride", MCBRIDE), 2: ("Neil Jordan", JORDAN)})
    assert both.answer == "no" and both.rule == "same nationality"
    assert both.conclusion() == "Same nationality? No, decided in code from the nationalities above."
    yes = compare("Are both Jim McBride and Neil Jordan American?", [],
                  {1: ("Jim McBride", MCBRIDE), 2: ("Neil Jordan", JORDAN.replace("Irish", "American"))})
    assert yes.answer == "yes" and yes.summary().endswith("-> both American: yes")
    # a name with "and" in it: the reading whose subjects have pages wins
    film = compare("Are Kiss and Tell and Shirley Temple both American?", [],
                   {1: ("Kiss and Tell (1945 film)", "Kiss and Tell is a 1945 American comedy film."),
                    2: ("Shirley Temple", "Shirley Temple was an American actress.")})
    assert film.subjects == ["Kiss and Tell", "Shirley Temple"] and film.answer == "yes"


# -- counts ------------------------------------------------------------------------------------

QUERCUS = "Quercus is a genus of trees and shrubs in the beech family. It has about 500 species, most of them deciduous."
FAGUS = "Fagus is a genus of ten species of deciduous trees in the family Fagaceae, native to Europe and Asia."
SOLO = ("The Weeklies were an English indie band formed in 2003. The band released three studio albums and "
        "a live album before splitting in 2011.")
DUO = "Nightjar is an American duo. Across their career Nightjar issued 1,200 limited singles and 7 albums."


def test_what_a_choice_question_counts():
    opts = ["Quercus", "Fagus"]
    assert counted("Which genus has more species, Quercus or Fagus?", opts) == (["species"], True)
    assert counted("which genus contains fewer species quercus or fagus", opts) == (["species"], False)
    assert counted("Who has won more Grand Slam doubles titles, Quercus or Fagus?", opts) == (
        ["grand", "slam", "doubles", "titles"], True)
    for other in ("Which was released more recently, Quercus or Fagus?", "Which is more acclaimed, Quercus or Fagus?",
                  "Which genus is more than a century old, Quercus or Fagus?", "Which is more south, Quercus or Fagus?"):
        assert counted(other, opts) is None, other
    assert counted("Which genus has more species?", []) is None


def test_a_things_plain_page_comes_before_pages_of_other_things_of_its_name():
    pages = {1: ("Ed Wood (film) - Offline Encyclopedia", "Ed Wood is a 1994 American biographical film."),
             2: ("Ed Wood - Offline Encyclopedia", "Edward Davis Wood Jr. was an American filmmaker."),
             3: ("Ed Wood Jr. Memorial - Offline Encyclopedia", "A memorial.")}
    assert [sid for sid, _, _ in own_pages("Ed Wood", pages)] == [2, 1]
    # no plain page: the qualified page whose text says what is asked of the thing
    drinks = {4: ("Bloody Mary (folklore)", "Bloody Mary is a legend of a ghost seen in a mirror."),
              5: ("Bloody Mary (cocktail)", "A Bloody Mary is a cocktail whose ingredients are vodka and tomato juice.")}
    assert [sid for sid, _, _ in own_pages("Bloody Mary", drinks, {"ingredient"})][0] == 5
    assert [sid for sid, _, _ in own_pages("Bloody Mary", drinks)] == [4, 5]       # else the order read
    # the nationality of the man, not of the film about him
    fact = find_nationality("Ed Wood", pages)
    assert fact is not None and fact.source == 2


def test_more_species_decided_from_the_counts_on_each_own_page():
    sources = {1: ("Quercus - Encyclopedia", QUERCUS), 2: ("Fagus - Encyclopedia", FAGUS)}
    more = compare("Which genus has more species, Quercus or Fagus?", ["Quercus", "Fagus"], sources)
    assert more.what == "counts" and more.answer == "Quercus"
    assert more.summary() == "Quercus: 500 species [1]; Fagus: 10 species [2] -> more species: Quercus"
    fewer = compare("Which genus has fewer species, Fagus or Quercus?", ["Fagus", "Quercus"], sources)
    assert fewer.answer == "Fagus" and "decided in code" in fewer.conclusion()


def test_a_count_needs_the_question_qualifiers_and_both_sides():
    sources = {1: ("The Weeklies", SOLO), 2: ("Nightjar", DUO)}
    # "studio" may be left out ("7 albums"); "three studio albums" has it
    albums = compare_counts("Which band released more studio albums, The Weeklies or Nightjar?",
                            ["The Weeklies", "Nightjar"], sources)
    assert albums.answer == "Nightjar" and albums.facts["The Weeklies"].value == "3 albums"
    # "limited singles": a qualifier the question does not ask for is fine, one it asks for is needed
    assert compare_counts("Which band released more live albums, The Weeklies or Nightjar?",
                          ["The Weeklies", "Nightjar"], sources) is None
    # a year is not a count of members; one side without a count decides nothing
    assert compare_counts("Which band has more members, The Weeklies or Nightjar?",
                          ["The Weeklies", "Nightjar"], sources) is None
    # one side's count decides nothing: the comparison asks for the other's
    only_one = {1: ("Quercus", QUERCUS), 2: ("Fagus", "Fagus is a genus of deciduous trees.")}
    partial = compare_counts("Which genus has more species, Quercus or Fagus?", ["Quercus", "Fagus"], only_one)
    assert partial.answer is None and partial.missing == ["Fagus"] and list(partial.facts) == ["Quercus"]
    assert "not how many Fagus has" in partial.ask_for_missing()
    # a count on another page than the option's own is not the option's
    elsewhere = {1: ("Trees of Europe", QUERCUS + " " + FAGUS)}
    assert compare_counts("Which genus has more species, Quercus or Fagus?", ["Quercus", "Fagus"], elsewhere) is None


def test_which_of_two_is_what_the_question_asks_is_decided_from_their_leads():
    from kresearch.agent.answer.compare import asked_property, compare_properties

    q = "Which is a record producer, Zach Bogosian or Daron Malakian?"
    options = ["Zach Bogosian", "Daron Malakian"]
    sources = {1: ("Daron Malakian - Wiki", "Daron Vartan Malakian is an American musician, singer, songwriter and "
                                          "record producer."),
               2: ("Zach Bogosian - Wiki", "Zachary Michael Bogosian is an American professional ice hockey "
                                         "defenceman.")}
    decided = compare(q, options, sources)
    assert decided.what == "properties" and decided.answer == "Daron Malakian"
    assert decided.facts["Zach Bogosian"].value == "its lead does not say so"
    # one lead read: the other is asked for; both or neither saying it: not decided
    missing = compare(q, options, {1: sources[1]})
    assert missing.answer is None and missing.missing == ["Zach Bogosian"]
    assert "which of Zach Bogosian and Daron Malakian is a record producer" in missing.ask_for_missing()
    both = {**sources, 2: ("Zach Bogosian - Wiki", "Zach Bogosian is a hockey player and record producer.")}
    assert compare_properties(q, options, both).answer is None
    # other phrasings: the options mid-question; comparisons and other questions are not this
    assert asked_property("Which musician, Ciaran Gribbin or Brett Scallions, is a member of the band Fuel?",
                          ["Ciaran Gribbin", "Brett Scallions"])[1] == {"member", "band", "fuel"}
    assert asked_property("Which is a larger city, Paris or Rome?", ["Paris", "Rome"]) is None
    # a property naming something: the name and half the other words ("member" is rarely written)
    fuel = "Which musician, Ciaran Gribbin or Brett Scallions, is a member of the post-grunge band Fuel?"
    leads = {1: ("Ciaran Gribbin", "Ciaran Gribbin (born 1976) is a Northern Irish singer-songwriter, guitarist "
                                   "and producer."),
             2: ("Brett Scallions", "Brett Allen Scallions (born December 21, 1971) is an American musician. He "
                                    "is the lead vocalist, rhythm guitarist, and lyricist of post-grunge band Fuel.")}
    assert compare(fuel, ["Ciaran Gribbin", "Brett Scallions"], leads).answer == "Brett Scallions"
    other_band = {**leads, 1: ("Ciaran Gribbin", "Ciaran Gribbin is a singer and a member of the band INXS.")}
    assert compare(fuel, ["Ciaran Gribbin", "Brett Scallions"], other_band).answer == "Brett Scallions"
    assert asked_property("Which band formed first, Blur or Oasis?", ["Blur", "Oasis"]) is None
    assert asked_property("Did Blur or Oasis release Parklife?", ["Blur", "Oasis"]) is None


def test_members_a_page_names_in_a_list_are_counted():
    trio = ("# Glass Harbour\n\nGlass Harbour are an English rock band from Leeds, consisting of Ann Lee (guitar, "
            "vocals), Tom Reed (bass) and Sam Holt (drums). They formed in 2004.")
    quartet = ("Wren is an American rock band from Ohio, consisting of Ed Moss (lead vocals, rhythm guitar), "
               "Chad Lin (lead guitar), Pat Dahl (bass), and Joe Gray (drums). Moss left in 2009 but rejoined.")
    duo = "Ratchet is a Brooklyn-based electronic duo consisting of Mike Stone (guitar) and producer Evan Marsh."
    sources = {1: ("Glass Harbour", trio), 2: ("Wren (band)", quartet), 3: ("Ratchet", duo)}
    more = compare("Which band has more members, Glass Harbour or Wren?", ["Glass Harbour", "Wren"], sources)
    assert more.answer == "Wren" and more.summary() == (
        "Glass Harbour: 3 members [1]; Wren: 4 members [2] -> more members: Wren")
    fewer = compare_counts("Which band has fewer members, Ratchet or Glass Harbour?", ["Ratchet", "Glass Harbour"],
                           sources)
    assert fewer.answer == "Ratchet" and fewer.facts["Ratchet"].value == "2 members"
    # a list counts members only: "more constant members" wants a count the page states
    assert compare_counts("Which band has more constant members, Glass Harbour or Wren?",
                          ["Glass Harbour", "Wren"], sources) is None
    # a list of things that are not names is no list of members
    assert compare_counts("Which band has more members, Glass Harbour or Wren?", ["Glass Harbour", "Wren"],
                          {1: ("Glass Harbour", "The set consists of drums, bass and guitar."),
                           2: ("Wren (band)", quartet)}).answer is None


def test_what_a_comparative_of_the_things_themselves_measures():
    from kresearch.agent.answer.measures import asked_measure
    assert asked_measure("Which tower is taller, 712 Fifth Avenue or Manhattan Life Insurance Building?")[:2] == (
        ("height",), True)
    assert asked_measure("which is larger Asante Traditional Buildings or Gulangyu?")[:2] == (("area",), True)
    assert asked_measure("Which film is shorter: Heat or Ronin?")[:2] == (("height", "length", "duration"), False)
    assert asked_measure("is mount everest higher than k2?")[:2] == (("height",), True)
    # a comparative of something the things have compares that, not their size
    assert asked_measure("Which city has a higher population, Leeds or Bristol?") is None
    assert asked_measure("Which plant genus has a longer common name, Myrtus or Eustoma?") is None
    # ... unless that is the aspect itself
    assert asked_measure("Which mountain has a higher elevation, Mount Hood or Mount Adams?")[:2] == (
        ("height",), True)
    assert asked_measure("Which park covers a larger area, Hyde Park or Central Park?")[:2] == (("area",), True)


def test_measures_in_the_units_pages_write_them():
    from kresearch.agent.answer.measures import measures_in
    shown = lambda text, family: [(round(m.value), m.shown) for m in measures_in(text, family)]
    assert shown("712 Fifth Avenue is a 53-story, 715 ft (218 m) skyscraper.", "length") == [(218, "715 ft"),
                                                                                              (218, "218 m")]
    assert shown("The river is 6,650 km (4,130 mi) long.", "length")[0] == (6650000, "6,650 km")
    assert shown("the island is about 2 km2 in area", "area") == [(2000000, "2 km2")]
    assert shown("a park of 500 hectares (1,236 acres)", "area")[0] == (5000000, "500 hectares")
    assert shown("The film runs for 112 minutes.", "duration") == [(6720, "112 minutes")]
    assert shown("It weighs 5.2 tonnes.", "mass") == [(5200, "5.2 tonnes")]
    # money and dates are no measures: "$5 m" is five million dollars, "18 March" no metres
    assert shown("It raised $5 m on 18 March.", "length") == []


def test_a_things_measure_is_the_one_nearest_a_word_of_the_aspect_asked():
    from kresearch.agent.answer.measures import measure_on_page
    # devb151-s55: "3 km long top ridge" was taken for the mountain's height ("higher")
    ridge = ("The mountain has an about 3 km long top ridge above 7400m with three distinct summits: "
             "(north)west 7885m, central 7760 m, and (south)east 7696m.")
    assert measure_on_page(ridge, ("height",), []).shown == "7885 m"
    assert measure_on_page(ridge, ("length", "duration"), []).shown == "3 km"
    assert measure_on_page("Its summit has an elevation of 7295 m.", ("height",), []).shown == "7295 m"
    # in the lead without such a word, only a measure said of the thing itself
    lead = ["712 5th Avenue is a 650 ft skyscraper, 2 miles from the park."]
    assert measure_on_page(lead[0], ("height",), lead).shown == "650 ft"
    assert measure_on_page("It is 2 miles from the park.", ("height",), ["It is 2 miles from the park."]) is None
    assert measure_on_page("It is in the park, 2 miles away.", ("height",), ["It is in the park, 2 miles away."]) is None
    assert measure_on_page("x", ("height",), ["It is a 53-story, 715 ft (218 m) skyscraper."]).shown == "715 ft"


def test_taller_decided_from_the_measures_on_each_own_page():
    from kresearch.agent.answer.compare import compare_measures
    question = "Which tower is taller, 712 Fifth Avenue or Manhattan Life Insurance Building?"
    options = ["712 Fifth Avenue", "Manhattan Life Insurance Building"]
    sources = {
        1: ("712 Fifth Avenue", "712 Fifth Avenue is a 53-story, 715 ft (218 m) skyscraper in Midtown Manhattan, "
                                "completed in 1990."),
        2: ("Manhattan Life Insurance Building", "The Manhattan Life Insurance Building was an 18-story building "
                                                 "at 64-66 Broadway. Completed in 1894, it was 348 feet (106 m) "
                                                 "tall, the tallest building in the world until 1899."),
    }
    decided = compare(question, options, sources)
    assert decided.what == "measures" and decided.answer == "712 Fifth Avenue"
    assert decided.facts["Manhattan Life Insurance Building"].value == "348 feet"      # the sentence saying "tall"
    # the mountains of devb151-s55: the ridge's length is no height
    mountains = {1: ("Distaghil Sar", "Distaghil Sar is the highest mountain in the Hispar Muztagh. The mountain "
                                      "has an about 3 km long top ridge above 7400m with three distinct summits: "
                                      "(north)west 7885m, central 7760 m."),
                 2: ("The Crown (mountain)", "The Crown is a mountain in the Karakoram. Its summit has an elevation "
                                             "of 7295 m.")}
    assert compare("Which Karakoram mountain is higher: Distaghil Sar or The Crown", ["Distaghil Sar", "The Crown"],
                   mountains).answer == "Distaghil Sar"
    assert decided.conclusion().startswith("Taller: 712 Fifth Avenue (715 ft)")
    shorter = compare_measures(question.replace("taller", "shorter"), options, sources)
    assert shorter.answer == "Manhattan Life Insurance Building"
    # one side's measure decides nothing: the comparison asks for the other's
    partial = compare_measures(question, options, {1: sources[1], 2: (sources[2][0], "It was an office building.")})
    assert partial.answer is None and partial.missing == ["Manhattan Life Insurance Building"]
    assert "no measure for Manhattan Life Insurance Building" in partial.ask_for_missing()
    # a film's running time against a river's length: no common dimension, nothing decided
    mixed = {1: ("Heat", "Heat is a 1995 crime film. It runs for 170 minutes."),
             2: ("Ronin", "Ronin is a river 40 km long.")}
    assert compare_measures("Which is longer, Heat or Ronin?", ["Heat", "Ronin"], mixed).answer is None


def test_an_option_is_dated_on_the_page_of_the_kind_the_other_options_page_is():
    sources = {1: ("Up (2009 film) - Wiki", "Up is a 2009 American computer-animated film."),
               2: ("Cars (song) - Wiki", "\"Cars\" is a 1979 song by Gary Numan."),
               3: ("Cars (film) - Wiki", "Cars is a 2006 American computer-animated film.")}
    # the song came first in the order read; beside a film, the film "Cars" is the one compared
    assert find_date("Cars", sources)[1].source == 2
    decided = compare("Which was released first, Up or Cars?", ["Up", "Cars"], sources)
    assert decided.facts["Cars"].source == 3 and decided.answer == "Cars"
