"""A question typed without capitals, written with the names the pages write (agent/casing.py)."""
from kresearch.agent.casing import as_pages_write
from kresearch.agent.report_mode.outline import subject_names

UNIX = ("Unix\n\nAn interactive time-sharing operating system invented in 1969 by Ken Thompson after Bell Labs "
        "left the Multics project. The turning point in Unix's history came when it was reimplemented in C. "
        "Versions of Unix spread to universities, and many vendors sold their own Unix.")
SPREAD = ("Frequency hopping spread spectrum was invented by Hedy Lamarr and George Antheil. The signal is spread "
          "over many channels, and the spread makes it hard to jam.")


def test_words_the_pages_write_as_names_are_capitalised_and_others_left_as_typed():
    question = "give an overview of unix: where it came from and why it spread"
    cased = as_pages_write(question, [UNIX, SPREAD])
    assert cased == "give an overview of Unix: where it came from and why it spread"
    assert subject_names(question) == [] and subject_names(cased) == ["unix"]


def test_a_question_that_writes_its_own_names_is_left_alone_and_few_uses_decide_nothing():
    question = "Give an overview of the Scheme programming language"
    assert as_pages_write(question, [UNIX]) == question
    # one mid-sentence use is not enough to call a word a name
    assert as_pages_write("what is multics", [UNIX]) == "what is multics"
    assert as_pages_write("what is unix", []) == "what is unix"


def test_title_case_is_read_in_lower_case_and_capitals_inside_other_names_and_headings_do_not_count():
    # a title-case question says nothing by its capitals: only the pages' names keep theirs
    assert as_pages_write("Give An Overview Of Unix History", [UNIX]) == "Give an overview of Unix history"
    # "Records" inside "Virgin Records" and a heading's capitals are no name the question writes
    pages = ["# The Records Of The Band\n\nThe band left Virgin Records and then EMI Records. They signed with "
             "Glitterbest Records in 1977. Their records sold well, and the records were reissued."]
    assert as_pages_write("which records did the band release", pages) == "which records did the band release"
    # addresses are no writing: "[emacs](http://host/foldoc/emacs)" is not a lower-case use
    pages = ["It was written in [Emacs](http://h/foldoc/emacs) by users of [Emacs](http://h/foldoc/emacs). "
             "Many people extend Emacs with Lisp."]
    assert as_pages_write("how do users extend emacs", pages) == "how do users extend Emacs"


def test_a_name_of_several_words_is_taken_whole_where_the_pages_write_it_as_one_run():
    # "Lasseter" alone is too rare to judge; "John Lasseter", written as one run, is the name
    pages = ["Toy Story was directed by John Lasseter for Pixar. The studio was then run by Steve Jobs."]
    assert (as_pages_write("which director is an advisor for disney, rick ray or john lasseter?", pages)
            == "which director is an advisor for disney, rick ray or John Lasseter?")
    # words the question does not have in that order are no such run
    assert as_pages_write("who is lasseter's partner john?", pages) == "who is lasseter's partner john?"


def test_an_answer_copied_in_lower_case_is_shown_as_the_pages_write_it():
    from kresearch.agent.casing import answer_as_written
    pages = ["The King and I is based on the novel by Margaret Landon. The fruit is orange, and Orange County "
             "is in California. Orange is also a colour."]
    assert answer_as_written("margaret landon", pages) == "Margaret Landon"
    # written in lower case where no sentence starts, or only inside a longer name: as it is
    assert answer_as_written("orange", pages) == "orange"
    assert answer_as_written("yes", pages) == "yes" and answer_as_written("Margaret landon", pages) == "Margaret landon"


def test_a_name_a_pages_title_writes_whole_is_taken_from_the_title():
    # the novelist's page opens every sentence with his name: mid-sentence it is too rare to judge
    pages = ["# Ian McEwan\n\nIan Russell McEwan (born 21 June 1948) is an English novelist.",
             "# In the Realm of the Hackers (film)\n\nIn the Realm of the Hackers is a 2003 documentary."]
    assert (as_pages_write("which writer is older, langston hughes or ian mcewan", pages)
            == "which writer is older, langston hughes or Ian McEwan")
    # the title's first word too, where the question writes the title, and only there
    assert (as_pages_write("is in the realm of the hackers a documentary made in australia", pages)
            == "is In the Realm of the Hackers a documentary made in australia")
    # a title the question does not write whole, one with no capital past its first word, and
    # one in title case, say nothing
    assert as_pages_write("what did mcewan write", pages) == "what did mcewan write"
    assert as_pages_write("what is a list of episodes", ["# List of episodes\n\nText."]) == "what is a list of episodes"
    assert (as_pages_write("which records of the band sold", ["# The Records Of The Band\n\nThe band left."])
            == "which records of the band sold")


def test_a_title_the_pages_also_write_as_a_common_phrase_is_no_name():
    # a magazine is called "Science Fantasy"; the series asked about is "a science fantasy series"
    pages = ["# Science Fantasy (magazine)\n\nScience Fantasy was a British magazine. Bonfiglioli came to edit "
             "\"Science Fantasy\" in 1964.",
             "# Animorphs\n\nAnimorphs is a science fantasy series of young adult books."]
    question = "what science fantasy young adult series is told in first person"
    assert as_pages_write(question, pages) == question
    # a name the pages write capitalised wherever they use it mid-sentence stays a name
    pages[1] = "# Animorphs\n\nAnimorphs was once reviewed in Science Fantasy by its editor."
    assert as_pages_write(question, pages) == "what Science Fantasy young adult series is told in first person"
