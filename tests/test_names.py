"""The question's names, and what mentions them (agent/names.py)."""
from kresearch.agent.context import stems
from kresearch.agent.names import capitalised, mentions, nationality_forms, page_name, place_regions, question_names, roles, subjects


def test_a_name_is_a_run_of_capitalised_words_joined_by_of_or_the():
    assert question_names("Which band has more members, Band of Skulls or Live?") == [
        frozenset({"band", "skull"}), frozenset({"live"})]     # "Which" is a stop word
    assert frozenset({"realm", "hacker"}) in question_names(
        "Are Freakonomics and In the Realm of the Hackers both American documentaries?")
    # "and" separates names; accented capitals open one ("Öresund": content words are ASCII)
    assert question_names("Was Kiss and Tell a film?") == [frozenset({"kiss"}), frozenset({"tell"})]
    assert frozenset({"resund", "region"}) in question_names("How long is the bridge in the Öresund Region?")


def test_nationality_words_are_not_subjects_unless_they_are_all_the_question_names():
    q = "Are Freakonomics and In the Realm of the Hackers both American documentaries?"
    assert frozenset({"american"}) in question_names(q) and frozenset({"american"}) not in subjects(q)
    assert subjects("Which American won?") == [frozenset({"american"})]


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
    assert place_regions("Antonio Vivaldi was born in Venice, Italy.") == [(frozenset({"venice"}), frozenset({"italy"}))]
    assert place_regions("a band from Baltimore, Maryland, formed in 2002") == [
        (frozenset({"baltimore"}), frozenset({"maryland"}))]
    assert place_regions("He lived in Venice, Rome and Paris.") == []          # a list of places
    assert place_regions("Vivaldi, Scarlatti and Lotti were composers.") == []
