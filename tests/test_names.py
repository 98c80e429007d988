"""The question's names, and what mentions them (agent/names.py)."""
from kresearch.agent.context import stems
from kresearch.agent.names import (capitalised, mentions, name_runs, nationality_forms, page_name, place_regions,
                                  names_written, question_names, roles, subject_names,
                                  subjects)


def test_a_name_is_a_run_of_capitalised_words_joined_by_of_or_the():
    assert question_names("Which band has more members, Band of Skulls or Live?") == [
        frozenset({"band", "skull"}), frozenset({"live"})]     # "Which" is a stop word
    assert frozenset({"realm", "hacker"}) in question_names(
        "Are Freakonomics and In the Realm of the Hackers both American documentaries?")
    # "and" separates names; accented capitals open one ("Öresund": content words are ASCII)
    assert question_names("Was Kiss and Tell a film?") == [frozenset({"kiss"}), frozenset({"tell"})]
    # "to" joins too (devb50-v3: the FOLDOC page "cleo" was quoted as the page of "Cleo")
    assert question_names("Which band, Letters to Cleo or Screaming Trees, had more members?") == [
        frozenset({"letter", "cleo"}), frozenset({"scream", "tree"})]
    assert frozenset({"resund", "region"}) in question_names("How long is the bridge in the Öresund Region?")


def test_a_name_keeps_its_foreign_small_words_and_abbreviations_and_no_opening_question_word():
    # one name each, not two: "Tristan" and "Isolde" had each been quoted from other pages
    assert name_runs("Are the libretto of Tristan und Isolde and Ariane et Barbe-bleue in the same language?") == [
        "Tristan und Isolde", "Ariane et Barbe-bleue"]
    assert name_runs("Both Bishop Carroll High School and Kapaun Mt. Carmel High School are in which city?") == [
        "Bishop Carroll High School", "Kapaun Mt. Carmel High School"]
    assert name_runs("J. R. R. Tolkien met George H. W. Bush near St. Louis.") == [
        "J. R. R. Tolkien", "George H. W. Bush", "St. Louis"]
    assert name_runs("did Kapaun win? Did Neither Man play?") == ["Kapaun", "Man"]
    # a stop that ends a sentence, or follows a longer word, ends the name
    assert name_runs("Antonio Vivaldi wrote a set of sonatas, Op. 5") == ["Antonio Vivaldi", "Op"]
    assert name_runs("Are Tristan and Isolde both operas?") == ["Tristan", "Isolde"]


def test_nationality_words_are_not_subjects_unless_they_are_all_the_question_names():
    q = "Are Freakonomics and In the Realm of the Hackers both American documentaries?"
    assert frozenset({"american"}) in question_names(q) and frozenset({"american"}) not in subjects(q)
    assert subjects("Which American won?") == [frozenset({"american"})]


def test_a_places_region_is_not_a_subject_but_a_choice_after_a_comma_is():
    q = "The mass killing that took place at Oakland, California on April 2, 2012 was less deadly than which one?"
    assert frozenset({"oakland"}) in subjects(q) and frozenset({"california"}) not in subjects(q)
    assert subjects("What university is in Lubbock, Texas?") == [frozenset({"lubbock"})]
    # options after a comma, places joined by "and", and a region that is all the question names stay
    assert frozenset({"roth", "henri"}) in subjects("Which writer was from England, Henry Roth or Robert Childers?")
    assert frozenset({"denmark"}) in subjects("Which bridge connects Copenhagen, Denmark and Malmo?")
    assert subjects("Who lives in Texas?") == [frozenset({"texa"})]
    # the region is still a name the question writes: an answer of it restates the question
    assert frozenset({"california"}) in names_written(q)


def test_a_longer_name_is_mentioned_by_two_of_its_words():
    skulls, tufankjian, live = frozenset({"band", "skull"}), frozenset({"scout", "tufankjian"}), frozenset({"live"})
    assert not mentions(skulls, capitalised("The Skulls (Canadian band)"))   # a homonym (base30)
    assert mentions(skulls, stems("Band of Skulls"))
    assert not mentions(tufankjian, stems("Interamerican Scout Jamboree"))  # new30
    assert mentions(tufankjian, stems("Scout Tufankjian is a photographer"))
    assert mentions(live, stems("Live (band)"))


def test_page_name_drops_the_site_and_the_qualifier():
    assert page_name("Lit (band) - Offline Encyclopedia") == "Lit"
    assert page_name("Lit (band) - Offline Encyclopedia", qualifier=True) == "Lit (band)"


def test_an_answer_that_is_a_country_is_also_its_nationality_word():
    assert nationality_forms("Armenia") == ["Armenian"]          # new30: the pages say "Armenian-American"
    assert nationality_forms("the United States") == ["American"] and nationality_forms("France") == ["French"]
    assert nationality_forms("Austria") == ["Austrian"]          # not Australian
    assert nationality_forms("Venice") == [] and nationality_forms("Naples, Italy") == []


def test_roles_say_who_did_what():
    text = "Tomb Raider was developed by Crystal Dynamics and published by Square Enix."
    assert roles(text) == {"developed": [frozenset({"crystal", "dynamic"})], "published": [frozenset({"square", "enix"})]}
    assert roles("Square Enix developed Tomb Raider.") == {"developed": [frozenset({"square", "enix"})]}
    assert roles("Tomb Raider was released in 1996.") == {}     # no one named as doing it


def test_a_place_s_region_is_read_as_such():
    # (stems, as the checks compare them: a final -y after a consonant is -i)
    assert place_regions("Antonio Vivaldi was born in Venice, Italy.") == [(frozenset({"venice"}), frozenset({"itali"}))]
    assert place_regions("a band from Baltimore, Maryland, formed in 2002") == [
        (frozenset({"baltimore"}), frozenset({"maryland"}))]
    assert place_regions("He lived in Venice, Rome and Paris.") == []          # a list of places
    assert place_regions("Vivaldi, Scarlatti and Lotti were composers.") == []


def test_a_sub_question_that_names_nothing_is_searched_with_its_question_s_names():
    from kresearch.agent.names import anchored

    # devb50-v3: "Which mine yielded the sample?" searched as it stood found the Borden Lake mine
    q = ("Temagami-Lorrain Mine and Burwash Mine were both mines created during the early 1900s; which one "
         "yielded a 16-ton bulk sample of gold ore in 1935?")
    assert anchored("Which mine yielded the sample?", q) == "Which mine yielded the sample? Temagami-Lorrain Mine Burwash Mine"
    q = 'What is the name for the adventure in "Tunnels and Trolls", a game designed by Ken St. Andre?'
    assert anchored("What is the name of the adventure?", q).startswith(
        "What is the name of the adventure? Tunnels and Trolls Ken St")
    # a nationality names nothing; a sub-question naming a subject or a bridge stands as it is
    assert anchored("Which Soviet film is it?", "Queen of Blood used scenes of what Soviet film?") == \
        "Which Soviet film is it? Queen of Blood Soviet"
    assert anchored("Who wrote Seven Brief Lessons on Physics?", "Where does its author work?") == \
        "Who wrote Seven Brief Lessons on Physics?"
    assert anchored("Where does Carlo Rovelli work?", q) == "Where does Carlo Rovelli work?"
    # a question that names nothing has nothing to add (open questions typed in lower case)
    assert anchored("what are the trade-offs?", "compare garbage collection in go and java") == "what are the trade-offs?"


def test_names_introduced_with_the_question_s_description_of_them():
    from kresearch.agent.names import introduced_names

    words = stems("written by an Italian physicist")
    assert introduced_names("It is a short book by the Italian physicist Carlo Rovelli.", words) == ["Carlo Rovelli"]
    assert introduced_names("It was reviewed by Carlo Rovelli, an Italian physicist.", words) == ["Carlo Rovelli"]
    assert introduced_names("It was reviewed by Carlo Rovelli in Italy.", words) == []      # no description
    assert introduced_names("The physicist Carlo Rovelli reviewed it.", words) == []         # one word of it
    years = stems("what 1959 Soviet feature") | {"1959"}
    assert introduced_names('A version of "Nebo Zovyot", a 1959 Soviet science fiction film.', years) == ["Nebo Zovyot"]


def test_a_house_number_or_ordinal_starts_a_name_a_year_or_a_day_does_not():
    assert name_runs("Is 200 West Street taller than the one at 888 7th Avenue?") == ["200 West Street",
                                                                                       "888 7th Avenue"]
    assert subjects("Which tower is taller, 712 Fifth Avenue or the Woolworth Building?")[0] == frozenset(
        {"712", "fifth", "avenue"})
    assert name_runs("the King who made the 1925 Birthday Honours") == ["King", "Birthday Honours"]
    assert name_runs("on 16 January 1995 First Knight was filmed") == ["January", "First Knight"]
    assert name_runs("an office at 10/12 Baker Street") == ["Baker Street"]
    # the numbers a name starts with are read as part of it where a page writes it
    assert {"888", "7th", "avenue"} <= capitalised("The tower at 888 7th Avenue is 628 ft tall.")
    assert "628" not in capitalised("The tower at 888 7th Avenue is 628 ft tall.")
    assert mentions(frozenset({"888", "7th", "avenue"}), capitalised("north of 7th Avenue N"))   # two of three
    assert not mentions(frozenset({"200", "west", "street"}), capitalised("the West Hillhurst district"))


def test_a_small_word_joins_no_month_into_a_name():
    question = ("The mass killing that took place at Oakland, California on April 2, 2012 was less deadly than "
                "the one on October 1, 2015 in which state?")
    assert "California" in name_runs(question) and "California on April" not in name_runs(question)
    assert name_runs("the Battle of the Bulge in December") == ["Battle of the Bulge", "December"]
    assert name_runs("St. Louis on the Mississippi") == ["St. Louis on the Mississippi"]


def test_a_title_in_quotes_is_one_name():
    assert name_runs('the film "Nina", which was based on the novel "Crime and Punishment" by Dostoyevsky.') == [
        "Nina", "Crime and Punishment", "Dostoyevsky"]
    assert name_runs('the novel "Gone with the Wind," a film') == ["Gone with the Wind"]
    # a quoted sentence is no title: its capitalised words are names as usual
    assert name_runs('He said "The war is over and we all go home now, said the general" today.') == ["He", "The"]


def test_the_names_to_look_up_are_the_subjects_as_written_without_dates_or_nationalities():
    q = "The mass killing at Oakland, California on April 2, 2012 was less deadly than which one?"
    assert subject_names(q) == ["Oakland"]
    assert subject_names("From March 631 to April 631, Farrukhzad Khosrau V was king of which empire?") == [
        "Farrukhzad Khosrau V"]
    assert subject_names("What type of forum did a former Soviet statesman initiate?") == []
    assert subject_names("Which boy group from South Korea sang on South Park?") == ["South Korea", "South Park"]
