"""A name the question misspells, read as the pages write it (agent/spelling.py)."""
from kresearch.agent.casing import as_pages_write
from kresearch.agent.spelling import as_pages_spell, typos

HUGHES = ("Langston Hughes\n\nJames Mercer Langston Hughes was an American poet and novelist. Hughes is best known "
          "as a leader of the Harlem Renaissance; the poems of Langston Hughes were read widely. Critics called "
          "Langston Hughes the poet of the Harlem Renaissance, and Ian McEwan wrote about Hughes.")
MCEWAN = ("Ian McEwan is an English novelist. The novels of McEwan won the Booker Prize, and a film of a novel "
          "by McEwan was made. Many films were made from his books; the film won prizes.")
ARGENTINA = ("The team played in Argentina in 1978. Fans in Argentina and Brazil watched as Argentina won at home, "
             "and Argentina celebrated.")


def test_a_misspelled_name_is_spelled_as_the_pages_write_it():
    question = "which writer has the highest number of skill Langstoon Hughes or Ian McEwen"
    assert as_pages_spell(question, [HUGHES, MCEWAN]) == ("which writer has the highest number of skill Langston "
                                                          "Hughes or Ian McEwan")
    # a question typed in lower case: the name in lower case, then the casing reads it as a name
    spelled = as_pages_spell("who was langstin hughes", [HUGHES])
    assert spelled == "who was langston hughes"
    assert as_pages_write(spelled, [HUGHES]) == "who was Langston Hughes"


def test_only_names_are_corrected_and_never_to_another_form_of_the_word():
    # "flim" is no name: the pages write "film" in lower case
    assert as_pages_spell("which flim did McEwan write", [MCEWAN]) == "which flim did McEwan write"
    # a word the pages write is never changed, nor one of three letters
    assert as_pages_spell("Ian McEwan", [MCEWAN]) == "Ian McEwan"
    assert as_pages_spell("Did Ian go to Argentina", [ARGENTINA]) == "Did Ian go to Argentina"
    # another ending is another word: "Argentinian" is not "Argentina"; a plural not its singular
    assert as_pages_spell("Is the Argentinian team famous", [ARGENTINA]) == "Is the Argentinian team famous"
    assert as_pages_spell("Were the Argentinas famous", [ARGENTINA]) == "Were the Argentinas famous"
    # a question that writes names of its own: its lower-case words are not names
    assert as_pages_spell("Where was Hughes borm", [HUGHES]) == "Where was Hughes borm"
    # nothing read, nothing to correct by
    assert as_pages_spell("Langstoon Hughes", []) == "Langstoon Hughes"


BUFFETT = ("Warren Buffett is an American investor. Buffett runs Berkshire Hathaway; the letters of Buffett "
           "to its shareholders are read widely.")


def test_a_doubled_last_letter_dropped_or_doubled_again_is_a_slip():
    # "Buffet" is a prefix of "Buffett", but only a doubled last letter differs: no plural
    assert as_pages_spell("How old is Warren Buffet", [BUFFETT]) == "How old is Warren Buffett"
    assert as_pages_spell("How old is Warren Buffettt", [BUFFETT]) == "How old is Warren Buffett"
    assert as_pages_spell("Were the Argentinas famous", [ARGENTINA]) == "Were the Argentinas famous"


def test_typos_counts_slips_and_swaps_and_stops_early():
    assert typos("langstoon", "langston", 2) == 1
    assert typos("chrismtas", "christmas", 2) == 1          # two letters swapped is one slip
    assert typos("copenhgaen", "copenhagen", 2) == 1
    assert typos("hughes", "huxley", 1) == 2                # more than `most`: most + 1


def test_an_address_cut_at_a_line_end_is_no_lower_case_use_of_a_name():
    # FOLDOC and the Jargon File break long addresses: "http:/\n    /www.python.org"
    page = ("Python is a scripting language like Perl; in the Perl community it competes with Python. There's a Python "
            "resource page at http:/\n    /www.python.org. See also Guido.")
    assert as_pages_spell("compare perl and pyton", [page, page]) == "compare perl and python"
    assert as_pages_write("compare perl and python", [page, page]) == "compare Perl and Python"
