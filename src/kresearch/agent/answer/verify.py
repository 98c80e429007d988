"""The verify step: before an answer is accepted, code checks it against what the run read.

First, a question that compare.py decides from the sources read -- "Which band was formed
first, A or B?" from the two dates, "Are both A and B American?" from the two nationalities --
is answered by those facts: a proposed answer that differs is replaced, without a round trip to
the model. Then the checks, in order (each sends the agent back at most once per run, and at
most MAX_REJECTIONS times in all, so verification cannot loop):

    form        a yes/no question not answered yes or no; "when"/"what year" without a date;
                "how many" without a number; "which, A or B?" answered with neither A nor B; an
                answer that is a whole sentence ("Sean Yseult was married to Sean Connor.")
                (the loop's grammar already narrows yes/no and A-or-B answers to those strings)
    vague       the answer says nothing ("unknown", "none") or only repeats words of the question;
                no answer goes back every time, uncounted, with whom the page about the question
                names (as for link), and is never checked as a claim (unsupported)
    unsupported no source the run opened states the answer (yes/no answers excepted)
    link        an open question whose answer only pages unconnected to the question state: no
                page it stands on is about the question (its title names one of the question's
                subjects, names.py), and none that is names it -- "Naples" from the page of
                Domenico Scarlatti, for the composer of the "Six Violin Sonatas, Op. 5
                (Vivaldi)" (the bridge was skipped); the message names the bridge when the
                page about the question says who did it ("Antonio Vivaldi wrote ... Op. 5"),
                and the loop searches for it (the 1.5B model did not follow the message alone)
    described   the answer is the one the question describes ("the woman who portrayed Corliss
                Archer in ...") and not what it asks of them ("What government position was held
                by ..."): described.py; the loop searches the one described with what is asked
    relation    a page says the answer is what the asked relation is of ("the captain of the
                battleship USS New Jersey" for "Who was the captain of the only battleship
                ...?"): described.py; the loop searches the relation of it ("USS New Jersey
                captain"); at the end, such an answer ranks with one of the wrong form (floor.py);
                also a page saying the answer is the landmark the question asks a place by
                ("St James's Palace is the ceremonial meeting place of ..." for "What building
                is opposite the ceremonial meeting place of ...?")
    kind        the answer's own page says it is a kind of thing the question's "who", "where" or
                "which N" cannot mean ("Kernel Parlog" is a language, for "Who designed ...?"):
                kind.py; ranks with the wrong form at the end
    role        a sentence stating the answer names another as the one who did what the question
                asks ("developed by Crystal Dynamics and published by Square Enix" for "developed
                by which company?"): role.py; ranks with the wrong form at the end
    hops        the plan has two or more sub-questions but only one source was read (not for a
                question compare.py decides: the compare check asks for what is missing)
    compare     such a question, and the sources read lack the date (or nationality) of one
                subject or both: find it (an unread result whose title is the subject is named)
    compute     any other comparison or count of numbers, and no Python ran
    conflict    another source read gives a different value for the same fact
    corroborate only one source read states the answer while an unread result seems to state it
                too (title or snippet): open that one to check it ("two independent sources where
                the web offers them"); not for yes/no or "A or B?" answers, which any page names

`final_checks` runs the same checks without those limits, for the report and the confidence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from .acronym import acronyms, spells
from .compare import SHARED_VALUES, Comparison, compare, own_pages
from .described import (Description, asked_of, asked_query, asked_words, described, described_names, fits_description,
                        is_landmark, landmark_asked, landmark_query, object_of_relation, relation_asked)
from .kind import asked_noun, wrong_kind
from .role import other_role
from ..context import content_words, stems
from ..evidence import (CITATION, STATED, Conflict, Support, answer_support, evidence_sentences, find_conflict,
                        inner_names, is_letter_name, is_yes_no, states_answer)
from ..names import (MONTHS, NAME, NATION_STEMS, capitalised, introduced_names, mentions, mentions_any, name_runs,
                     names_written, nationality_of, page_name, subjects)

MAX_REJECTIONS = 2
FOLLOW_EXTRA = 2          # words an answer may add to what the facts decide ("the band Lit")
# Checks that say what the question needs (computed values, the facts of both subjects, a second
# hop), whatever the answer: once told, the agent is not told again for another answer.
QUESTION_CHECKS = ("compute", "compare", "hops")
NON_ANSWERS = {"none", "unknown", "n/a", "not found", "not mentioned", "not specified", "no information",
               "not available", "no answer", "unclear"}
# ... and sentences that say the same: "We don't have enough information to determine the
# composer's birthplace." (dv8192)
_NON_ANSWER = re.compile(r"\b(enough information|no (information|data|mention)|insufficient information|"
                         r"(cannot|can't|could not|couldn't|unable to) (be )?(determine|determined|find|found|tell|say)|"
                         r"(is|are|was|were) not (mentioned|specified|stated|given|known|found|available)|"
                         r"i (do not|don't) know|not sure)\b", re.I)
# the question offers alternatives ("or not" offers none: "Is the drug safe or not?" asks yes or no)
_OR = re.compile(r"\bor\b(?!\s+not\b)", re.I)
# ... or asks to choose among what it names without "or": "A and B ...; which one ...?"
_CHOOSES = re.compile(r"\bwhich (one|of)\b|\bbetween\b|\beither\b", re.I)
_YES_NO_QUESTION = re.compile(r"^\s*(is|are|was|were|do|does|did|has|have|had|can|could|will|would|should)\b", re.I)
# A statement has a verb: an auxiliary or a past tense ("... are a genus", "... formed in").
_STATEMENT_VERB = re.compile(r"\b(is|are|was|were|has|have|had|do|does|did|can|could|will|would|\w+ed)\b", re.I)
# "... are both this nationality?", "... similar to this type of lamp ...?": the thing asked for
_PLACEHOLDER = re.compile(r"\b(this|these)\s+\w+", re.I)
_LETTER = re.compile(r"[^\W\d_]")        # a name has letters; a year or a count has none
# A question word anywhere, or a request at the start ("Name the ...?", "Give the year ...?"):
# not a statement asked as a yes/no question.
_WH_WORD = re.compile(r"\b(who|whom|whose|what|which|when|where|why|how)\b|^\s*(name|list|give|tell|find|identify|"
                      r"state|define|explain|describe|compare|summari[sz]e|show|provide)\b", re.I)
# "... Band of Skulls or Live?": the option is the run of capitalised words (joined by of/the/and/...)
# ("Still Kicking: Six Artistic Women of Project Arts & Longevity" is one option)
_OPTION = r"((?:[A-Z0-9][\w'.&:-]*)(?:\s+(?:(?:of|the|and|de|la|von|van|for|in|to|a|&)\s+)*[A-Z0-9][\w'.&:-]*)*)"
_CHOICE = re.compile(_OPTION + r"\s*,?\s+or\s+(?:the\s+)?" + _OPTION + r"\s*[?.!]*\s*$")
# "Which airport X or Y is closer to ...?": the options stand mid-sentence, before a verb
_CHOICE_MID = re.compile(_OPTION + r"\s*,?\s+or\s+(?:the\s+)?" + _OPTION +
                         r"\s+(?:is|was|are|were|has|had|have|does|did)\b")
# Two names joined by "or" anywhere: "Is Python or Java older?", "Did the Beatles or the Rolling
# Stones form first?". Stricter than _OPTION (joined by of/the/de/la/von/van/& only): mid-sentence,
# "Paris in France or Germany" offers France or Germany.
_NAME = r"((?:[A-Z0-9][\w'.&:-]*)(?:\s+(?:(?:of|the|de|la|von|van|to|&)\s+)*[A-Z0-9][\w'.&:-]*)*)"
_NAMES_OR = re.compile(r"(?<![\w'])" + _NAME + r"\s*,?\s+or\s+(?:the\s+)?" + _NAME + r"(?![\w'])")
# Whatever the case: the options set off by a comma or colon at the end ("which band formed
# first, band of skulls or live?", "Who was born first: a or b"), a few words each.
_FEW_WORDS = r"((?:[\w'.&-]+\s+){0,5}[\w'.&-]+)"
# "A and B ...; which one ...?", "Of A and B, which of the two ...?": the question points back at
# the two names it joined by "and"
_POINTS_BACK = re.compile(r"\b(which|who) (one|of (them|these|those|the two|both))\b", re.I)
# ... standing whole: at the start (or after "between"/"of") and before a verb or punctuation, so
# that a name with lower-case words in it ("Berghuis v. Thompkins") is not cut into options
_NAMES_AND = re.compile(r"^(?:\s*|.*\b(?i:between|of|among)\s+)(?i:the\s+)?" + _NAME + r"\s*,?\s+and\s+(?i:the\s+)?"
                        + _NAME + r"(?=\s*[,;:]|\s+(?:were|are|was|is|both|have|had|did|do)\b)")
_CHOICE_SET_OFF = re.compile(r"[,:;]\s*(?:the\s+)?" + _FEW_WORDS + r"\s*,?\s+or\s+(?:the\s+)?" + _FEW_WORDS +
                             r"\s*[?.!]*\s*$", re.I)

# A date is asked by "When ...?" at the start, or by "what/which year (date, ...)" or "since
# when" anywhere ("... has worked in France since what year?"); a "when" inside the question is
# usually a clause ("... the band he joined when he was 16?").
_ASKS_DATE = re.compile(r"^\s*when\b|\b(what|which) (year|date|month|decade|century)\b|\bsince when\b", re.I)
# how many/much, or a quantity asked by name ("What is its population today?", "what was the budget of ...")
_ASKS_NUMBER = re.compile(r"^\s*how (?:many|much)\b|\bwhat (?:is|was|are|were) (?:the |its |their |his |her |this |that )?"
                          r"(?:total |estimated |approximate |current )?(?:population|number of|cost|price|budget|"
                          r"revenue|inhabitants?|residents|length|height|depth|area|weight|capacity|seating capacity|"
                          r"salary|attendance|speed|distance)\b", re.I)
# lower-case verbs only: "The Man Who Was Thursday" is a title, "she was born in Venice" a sentence
_VERB = re.compile(r"\b(is|was|were|are|has|had|have|did|does|became|married|played|served|born)\b")
SENTENCE_WORDS = 5
_HAS_DATE = re.compile(r"\d|\b(" + "|".join(MONTHS) + r"|century|decade)\b", re.I)
_NUMBER_WORDS = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
                           r"thirty|forty|fifty|hundred|thousand|million|billion|dozen)\b", re.I)
_COMPARATIVE = re.compile(
    r"\b(first|earlier|later|older|younger|oldest|youngest|longer|shorter|taller|larger|bigger|smaller|"
    r"more|fewer|less|higher|lower|greater|farther|further|closer|\w+er than)\b", re.I)
_ARITHMETIC = re.compile(
    r"\b(how many (years|months|days|times)|how much (longer|older|more)|how old was|difference between|"
    r"combined|in total|sum of|average)\b", re.I)


def tidy_answer(answer: str) -> str:
    """The answer without citation marks or a page title's qualifier: "Catwoman (film) [6]" ->
    "Catwoman" (the model copies both from the sources; the answer line has no citations)."""
    answer = " ".join(CITATION.sub(" ", answer).split())
    tidied = re.sub(r"\s*\((?:[\w.'’-]+\s?){1,3}\)\s*$", "", answer).strip()   # "(CV-9)", "(Md.)" too
    return tidied or answer


def is_yes_no_question(question: str) -> bool:
    """"Are both ...?", "Was X ...?", and a statement asked as a question ("Both Sorbaria and
    Goldenrod are a genus of flowering plants?": no question word anywhere, a question mark at
    the end) -- but not "Is X taller or shorter than Y?", nor a statement that names what it
    asks for as "this ..." ("Henry Roth and Lewis Mumford are both this nationality?": a clue, as
    in a quiz, whose answer is the nationality)."""
    if _OR.search(question):
        return False
    if _YES_NO_QUESTION.match(question):
        return True
    # a statement has a verb and a few words: "garbage collection?" or "rust vs go?" is a topic
    statement = len(question.split()) >= 4 and bool(_STATEMENT_VERB.search(question))
    return (statement and question.rstrip().endswith("?") and not _WH_WORD.search(question)
            and not _PLACEHOLDER.search(question))


_ALTERNATIVE_WORD = re.compile(r"[\w'-]+")


def lower_case_alternatives(question: str) -> list[str]:
    """The words a question shaped like a yes/no question sets beside "or" when it offers no named
    options (choice_options): "Is the bowler who joined Kent in 2011 a left-hand or right-hand
    batsman?" -> ["left-hand", "right-hand"], "Did Nirvana play grunge or punk?" -> ["grunge",
    "punk"], "Was it shot in black and white or in color?" -> ["white", "color"]. Not bound
    well enough to be the answer (choice_options), but an answer that names neither answers
    something else: the described bowler, "Wahab Riaz", is no batting hand."""
    if not _YES_NO_QUESTION.match(question) or choice_options(question):
        return []
    found = _OR.search(question)
    if not found:
        return []
    before = [w for w in _ALTERNATIVE_WORD.findall(question[:found.start()]) if content_words(w)]
    after = [w for w in _ALTERNATIVE_WORD.findall(question[found.end():]) if content_words(w)]
    if not before or not after or stems(before[-1]) == stems(after[0]):
        return []
    return [before[-1], after[0]]


def is_non_answer(answer: str) -> bool:
    """ "none", "unknown", "We don't have enough information to determine ...": no answer at all."""
    return answer.lower().strip().rstrip(".") in NON_ANSWERS or bool(_NON_ANSWER.search(answer))


def _names(answer: str, option: str) -> bool:
    """The answer is this option: all of the option's words, or only words of the option."""
    if is_letter_name(option):          # "C" (no content word): written the same
        return answer.strip().rstrip(".").lower() == option.strip().lower()
    a, o = content_words(answer), content_words(option)
    return bool(o) and (o <= a or (bool(a) and a <= o))


def choice_options(question: str) -> list[str]:
    """The two alternatives a question offers, else []. The principle: two names joined by "or"
    are the alternatives, wherever they stand ("Which band formed first, Band of Skulls or
    Live?", "Is Python or Java older?", "Krzysztof Zanussi or Thom Andersen: who is older?");
    not "between A and B" ("the shared ancestry between A and B" asks no choice). In a which/who
    question typed without capitals, the few words set off by a comma or colon at its end
    ("which band formed first, band of skulls or live?"). A question that points back at two names
    it joined by "and" offers them too ("Temagami-Lorrain Mine and Burwash Mine were both mines
    ...; which one yielded ...?"). Lower-case words around "or" ("Did Nirvana play grunge or
    punk?") are not delimited well enough to bind the answer to them."""
    q = question.strip()
    found = None
    if re.match(r"^\s*(which|who|what|whose)\b", q, re.I):
        found = _CHOICE.search(q) or _CHOICE_MID.search(q) or _CHOICE_SET_OFF.search(q)
    found = found or _NAMES_OR.search(q) or (_POINTS_BACK.search(q) and _NAMES_AND.search(q))
    if not found or re.match(r"\s+and\s", q[found.end():]):    # "A and B and C": which two is unclear
        return []
    options = [found.group(1).strip(" :;,."), found.group(2).strip(" :;,.")]
    if q.startswith(options[0]):                            # "Of Paris and Rome, which one ...?"
        options[0] = re.sub(r"^(of|between|both|for)\s+", "", options[0], flags=re.I)
    # A colon within the first option sets the options off ("Who wrote Dune: Frank Herbert or
    # Isaac Asimov?") unless a comma already did, when it is a title's ("Which film ..., LaLee's
    # Kin: The Legacy of Cotton or Gimme Shelter?").
    if ": " in options[0] and not re.search(r"[,;]\s*(?:the\s+)?$", q[:found.start(1)]):
        options[0] = options[0].rsplit(": ", 1)[1]
    # the question's first word is capitalised as the sentence's: "Is Python or Java older?",
    # "Did the Beatles or the Rolling Stones form first?", "Which of Python or Perl ...?"
    first = re.match(r"^(is|are|was|were|do|does|did|has|have|had|can|could|will|would|"
                     r"(?:which|who|what)(?:\s+one)?\s+of)\s+(the\s+)?", options[0], re.I)
    if first and q.lower().startswith(options[0].lower()):
        options[0] = options[0][first.end():]
    return options if all(options) and options[0].lower() != options[1].lower() else []


def restates(answer: str, question: str) -> bool:
    """An answer made of the question's own words is an echo when it names none of the question's
    names ("government position" for "What government position was held by ...?"), all of them
    ("Lions and Tigers" for "What kind of animals are Lions and Tigers?", "Corliss Archer" for
    "What is the name of the Corliss Archer film?"), or is made of whole names of the question
    and nothing else ("Battle Beyond the Sun" for "The movies Queen of Blood and Battle Beyond
    the Sun both contained scenes from what 1959 Soviet feature?"): a question does not ask for
    what it already names -- unless it asks to choose among them ("A and B ...; which one ...?",
    "between A and B, which ...?"). A new name made of the question's words is an answer ("Texas
    Tech University" for "The 1974 Texas Tech Raiders represented what university in ...
    Texas?"), and so is one that takes a word of a name into a phrase the question does not
    write ("Argand lamp" for "... this type of lamp patented in 1780 by Aimé Argand?")."""
    names = names_written(question)          # "California" of "at Oakland, California" too
    said = set(stems(answer))
    named = [name for name in names if mentions(name, said)]
    if not named:
        return not (any(name & said for name in names) and not _written_in_question(answer, question))
    if len(named) == len(names):
        return True
    if _CHOOSES.search(question):
        return False
    return said <= frozenset().union(*named)


def _written_in_question(answer: str, question: str) -> bool:
    words = re.findall(r"\w+", answer)
    return bool(words) and re.search(r"\b" + r"\W+".join(map(re.escape, words)) + r"\b", question, re.I) is not None


def echoes_question(answer: str, question: str, told: str = "") -> bool:
    """The answer only restates the question (`restates`, of the question's own words alone), or
    copies what the run's checks told the model (`copies_message`). "Only words of the question"
    is no echo when the question offers choices ("A or B"), wherever they stand: "Which airport,
    X or Y, is closer?" is answered with words it contains. Nor is an answer that gives a number the
    question does not write: "season 3" for "What season was the character introduced ...?" (the
    digit is too short to be a content word)."""
    words = content_words(answer)
    offers_choice = bool(choice_options(question)) or _OR.search(question)
    new_number = set(re.findall(r"\d+", answer)) - set(re.findall(r"\d+", question))
    return copies_message(answer, told) or bool(
        words and not is_yes_no(answer) and not offers_choice and not new_number
        and words <= content_words(question) and restates(answer, question))


COPIED_WORDS = 6


def copies_message(answer: str, told: str) -> bool:
    """The answer holds COPIED_WORDS lower-case words in a row of the checks' messages (`told`):
    "... derives its name? is not a date or year. Find the date in your sources and answer with
    it." was proposed three times after the date check said so. What a message quotes, names
    and counts ("[1] Mississippi University for Women v. Hogan is about the question") comes
    from the pages and may well be the answer: the answers it quotes are left out, and a name
    or a number breaks a run."""
    return bool(_copied_windows(answer) & _copied_windows(re.sub(r'"[^"]*"', " | ", told)))


def _copied_windows(text: str) -> set[tuple[str, ...]]:
    """Every COPIED_WORDS lower-case words in a row of `text` (`_lower_runs`)."""
    return {tuple(run[i:i + COPIED_WORDS]) for run in _lower_runs(text) for i in range(len(run) - COPIED_WORDS + 1)}


def _lower_runs(text: str) -> list[list[str]]:
    """The runs of lower-case words of `text`, split at any other word (a name, a number) and at
    a quote or bracket; punctuation inside a sentence does not split them."""
    runs: list[list[str]] = [[]]
    for token in re.findall(r"\w+|[\"()\[\]|]", text):
        if token.isalpha() and token.islower():
            runs[-1].append(token)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def is_comparison(question: str) -> bool:
    """Questions whose answer is best computed: "which is older, A or B?" (a comparative and two
    options) or arithmetic on values ("how many years ...", "combined")."""
    return bool(_ARITHMETIC.search(question)) or bool(choice_options(question) and _COMPARATIVE.search(question))


@dataclass
class Evidence:
    """What the run has, as the checks need it."""
    question: str
    answer: str
    plan: list[str]
    opened: dict[int, str]          # source number -> text of every source read
    unread_hints: dict[int, str]    # source number -> title + snippet of sources not read
    python_runs: int
    python_enabled: bool
    titles: dict[int, str] = field(default_factory=dict)   # source number -> title, read or not
    each: Comparison | None = None  # what each thing the question names says on its own page (each.py)
    told: str = ""                  # what the checks told the model so far (their messages)

    # Computed once per Evidence (decide, check and the report's final checks share them); they
    # depend on the question and the sources read, not on the answer, which may be replaced.
    @cached_property
    def pages(self) -> dict[int, tuple[str, str]]:
        """The sources read, as (title, text) by source number."""
        return {sid: (self.titles.get(sid, ""), text) for sid, text in self.opened.items()}

    @cached_property
    def comparison(self) -> Comparison | None:
        """What the sources read say to decide the question (compare.py), or None when it is not
        a question code decides. The code deciders for dates, counts and nationalities come
        first; then the things the question names, each read on its own page (each.py)."""
        decided = compare(self.question, choice_options(self.question), self.pages)
        return self.each if self.each is not None and (decided is None or decided.answer is None) else decided

    @cached_property
    def page_stems(self) -> dict[int, set[str]]:
        return {sid: stems(text) for sid, text in self.opened.items()}

    @cached_property
    def asked(self) -> list[frozenset[str]]:
        """The question's subjects (names.py), or each of its words when it names nothing."""
        return subjects(self.question) or [frozenset({w}) for w in stems(self.question)]

    @cached_property
    def on_question(self) -> list[int]:
        """Sources read that are about the question: the title mentions one of its subjects
        ("Hackers (film)" is not about "In the Realm of the Hackers"; for a question naming
        nothing, any word: "City of Birmingham" is not about "In what city was the composer born?")."""
        return [sid for sid in self.opened
                if mentions_any(self.asked, capitalised(page_name(self.titles.get(sid, ""), qualifier=True)))]

    @cached_property
    def _said_on_question(self) -> set[str]:
        return set().union(*(self.page_stems[sid] for sid in self.on_question))

    def connected(self, sid: int) -> bool:
        """Source `sid` is about the question, mentions every subject of the question itself, or
        is named by a source about the question."""
        own_name = frozenset(stems(page_name(self.titles.get(sid, ""))))
        return (sid in self.on_question or all(mentions(name, self.page_stems[sid]) for name in self.asked)
                or bool(own_name and mentions(own_name, self._said_on_question)))

    def on_trail(self) -> set[int]:
        """The sources read that the question leads to (`connected`), less the namesakes of a page
        the question names whole: what the report may cite. With no page about the question read
        there is nothing to judge by: all of them."""
        if not self.on_question:
            return set(self.opened)
        return {sid for sid in self.opened if self.connected(sid)} - self.namesakes

    @cached_property
    def namesakes(self) -> set[int]:
        """Pages read of another thing of the name of a page whose whole title the question writes:
        "Shelly Beach (Manly)" when the question asks of "Shelly Beach, New South Wales" and that
        page was read (its lead, quoted as a finding, was about a beach in Sydney)."""
        titles = {sid: page_name(self.titles.get(sid, ""), qualifier=True) for sid in self.opened}
        named = {title for title in titles.values() if title != page_name(title) or "," in title}
        named = {title for title in named
                 if re.search(rf"(?<!\w){re.escape(title)}(?!\w)", self.question, re.I)}
        bases = {page_name(title).split(",")[0].strip().lower(): title for title in named}
        return {sid for sid, title in titles.items() if title not in named
                and bases.get(page_name(title).split(",")[0].strip().lower()) not in (None, title)}

    def decided(self) -> Comparison | None:
        """The comparison, when the sources' facts decide the question and the answer is what they
        decide (the report then shows those facts); None otherwise."""
        return self.comparison if follows(self.answer, self.comparison) else None

    def stating(self) -> list[int]:
        """Sources read that state the answer."""
        return [sid for sid, text in self.opened.items() if states_answer(self.answer, text)]


def follows(answer: str, decided: Comparison | None) -> bool:
    """The answer is what the comparison decided ("No" for "no", "the band Lit" for "Lit"): all
    of it with at most FOLLOW_EXTRA words more (not "American director, producer and screenwriter
    with over 50 films to his credit" for "director"), or a part of an option's name; not one of
    several values the things share ("director" for "director and screenwriter")."""
    if decided is None or decided.answer is None:
        return False
    if answer.strip().lower().rstrip(".") == decided.answer.lower():
        return True
    a, o = content_words(answer), content_words(decided.answer)
    if o and o <= a:
        return len(a - o) <= FOLLOW_EXTRA
    return bool(a) and a <= o and decided.rule != SHARED_VALUES


def _page_hint(ev: Evidence, subject: str) -> tuple[str, list[str]]:
    """Where the subject's own page is: an unread result that seems to be it (" Source [7] seems
    to be its page: open it."), or else the search that finds it, which the loop runs (the
    Verdict's `bridges`)."""
    unread = {sid: (ev.titles.get(sid, ""), hint) for sid, hint in ev.unread_hints.items()}
    sid = next((sid for sid, _, _ in own_pages(subject, unread)), None)
    if sid:
        return f" Source [{sid}] seems to be its page: open it.", []
    # the name alone is the query that finds the page (the model asked "Battle of Manila founding
    # date"), with the noun the question calls it when the name does not say it ("Live band":
    # "Live" alone finds the dictionary's "live"; told so, the model searched "How many members
    # does Live have?")
    noun = asked_noun(ev.question)
    query = f"{subject} {noun}" if noun and not stems(noun) & stems(subject) else subject
    return f' Search for "{query}".', [query]


def _unlinked(ev: Evidence, stated: list[int]) -> Verdict | None:
    """The link check: why the pages that state the answer are not connected to the question
    (None when one is; see Evidence.connected), and what to research instead: the names the page
    about the question gives next to the question's own (the Verdict's `bridges`, which the loop
    searches for). With no page about the question there is nothing to judge by, and a question
    that names nothing (no capitalised name: "What science fantasy series ... ?", or typed in
    lower case) has no subject a page could be about: a page titled with one of its common words
    ("Science Fantasy (magazine)") is no anchor."""
    if not subjects(ev.question) or not ev.on_question or any(ev.connected(sid) for sid in stated):
        return None
    source, anchor = stated[0], ev.on_question[0]
    name = page_name(ev.titles.get(source, "")) or f"source [{source}]"
    told = (f'Source [{source}] ({name}) states "{ev.answer.strip()}", but no source you read about the question '
            f"mentions {name}: [{anchor}] {page_name(ev.titles.get(anchor, ''), qualifier=True)} is about the "
            "question and does not.")
    bridges = _bridges(ev, anchor)
    if bridges:
        return Verdict("link", told + f" It names {', '.join(bridges)}: research "
                                      f"{'that' if len(bridges) == 1 else 'them'}, then answer.", bridges=bridges)
    return Verdict("link", told + f" Find who or what [{anchor}] names for the question, research that, then answer.")


_NOT_BRIDGES = NATION_STEMS | set(MONTHS)
_POSSESSIVE = re.compile(r"['’]s$")


def _possessed(sentence: str) -> list[str]:
    """The names a sentence writes in the possessive: a maker named before its work ("from
    Nickelback's 2008 album" -> "Nickelback", for "... a single by the band formed in what
    Alberta city?"), or a work's title that opens with one ("Lemony Snicket's A Series of
    Unfortunate Events", the film a role was in, for "... in a movie directed by who?"); not a
    country ("Canada's best-selling single")."""
    found = []
    for run in name_runs(sentence):
        if _POSSESSIVE.search(run):
            # "Gordon in Marvel's": the owner is the name after a preposition the run joined over
            owner = re.split(r"\s+(?:in|on|to|for|a)\s+", _POSSESSIVE.sub("", run))[-1]
            if not nationality_of(owner):
                found.append(owner)
        elif re.search(r"\w['’]s\s", run):
            found.append(run)
    return found


def _echoed_subject(ev: Evidence, answer: str) -> frozenset[str] | None:
    """The question's subject an answer that echoes the question names ("Buck-Tick"), if any;
    none for a question of one subject, whose pages about the question are all about it."""
    if len(ev.asked) < 2:
        return None
    said = set(stems(answer))
    return next((subject for subject in ev.asked if subject and mentions(subject, said)), None)


def _echo_anchors(ev: Evidence, subject: frozenset[str] | None) -> list[int]:
    """The pages about the question to take the next hop from, when the answer only echoes it:
    those about the `subject` the answer names (_echoed_subject: "Hayden is a singer-songwriter
    from Canada, but where does Buck-Tick hail from?" answered "Buck-Tick" asks it of Buck-Tick,
    not of Hayden, whose page names Thornhill, Ontario); only those, when the answer names a
    subject (none read: its own page is searched); every page about the question otherwise."""
    if subject is None:
        return ev.on_question
    return [sid for sid in ev.on_question
            if mentions(subject, capitalised(page_name(ev.titles.get(sid, ""), qualifier=True)))]


def _bridges(ev: Evidence, anchor: int, limit: int = 3) -> list[str]:
    """Who or what the page about the question says did it: first a name it describes with the
    question's own words ("a short book by the Italian physicist Carlo Rovelli" for "... written by
    an Italian physicist that ...?"), then its title's qualifier, a maker it names in the
    possessive ("from Nickelback's 2008 album" on the single's page) and the name that opens a
    sentence of it mentioning the question's subjects, other than the question's and the page's
    own names -- "Antonio Vivaldi" on "Six Violin Sonatas, Op. 5 (Vivaldi)" ("Antonio Vivaldi wrote a
    set of sonatas, Op. 5, in 1716."). Any other name of such a sentence would do worse:
    offered "Baltimore, Maryland" from "Double Dagger was a band from Baltimore, Maryland", the
    model answered it for "Who did the Star and Dagger bass player marry?" (final30)."""
    title = page_name(ev.titles.get(anchor, ""), qualifier=True)
    known = set(stems(page_name(title))).union(*ev.asked)
    # a qualifier that is a name: "(Vivaldi)", not "(1945 film)" or "(TV series)"
    candidates = [run for qualifier in re.findall(r"\(([^)]*)\)", title) for run in name_runs(qualifier)
                  if len(run) >= 3]
    text = ev.opened[anchor]
    about = [sentence for sentence in evidence_sentences(text) if mentions_any(ev.asked, capitalised(sentence))]
    description = (stems(ev.question) | set(re.findall(r"\b\d{3,4}\b", ev.question))) - known
    candidates = [name for sentence in about for name in introduced_names(sentence, description)] + candidates
    # a name holding the noun the question describes its subject by: "King George V" in "The
    # 1925 Birthday Honours were appointments by King George V", for "... the King who made the
    # 1925 Birthday Honours ...?" (the name must say more than the noun: "The King" is none)
    nouns = description.union(*(subject for subject in ev.asked if len(subject) == 1))   # "King" is capitalised
    candidates += [name for sentence in about for name in name_runs(sentence)
                   if stems(name) & nouns and stems(name) - nouns - known]
    candidates = [name for sentence in about for name in _cast_as(sentence, ev.asked)] + candidates
    inner = inner_names(text)
    candidates += [name for sentence in about for name in _possessed(sentence)]
    for sentence in about:
        opening = name_runs(sentence.lstrip(" \"'("))[:1]
        # one word opening a sentence is a name only if the page also capitalises it mid-sentence
        # ("Hence" is not)
        if (opening and sentence.lstrip(" \"'(").startswith(opening[0])
                and (len(stems(opening[0])) > 1 or stems(opening[0]) <= inner)):
            candidates += opening
    found: dict[frozenset[str], str] = {}
    for name in candidates:
        words = frozenset(stems(name))
        if words and not words <= known and not words <= _NOT_BRIDGES and words not in found:
            found[words] = name
    # "Vivaldi" is part of "Antonio Vivaldi": name the longer one only
    return [name for words, name in found.items() if not any(words < other for other in found)][:limit]


def _cast_as(sentence: str, asked: list[frozenset[str]]) -> list[str]:
    """The names a sentence joins to one of the question's subjects by "as", the way pages say who
    played a part or held a role: "starring then 17-year-old Shirley Temple as Corliss Archer",
    "Sela Ward as PI Bobbi Bacha", "Ray Kroc as its chief executive" does not name a subject."""
    found = []
    for m in NAME.finditer(sentence):
        role = re.match(rf"\s+as\s+(?:the\s+|an?\s+)?((?:[\w'.-]+\s+){{0,2}}?{NAME.pattern})", sentence[m.end():])
        if role and mentions_any(asked, set(stems(role.group(1)))):
            found.append(m.group())
    return found


# An answer with at least even odds cites the passages that state it (below that, a page
# stating the answer is more often a wrong hop than evidence: 3 of 12 held the gold answer in
# base30/new30, against 46 of 50 at 0.5 or more).
CITE_ANSWER_CONFIDENCE = 0.5


def answer_statements(ev: Evidence, confidence: float, limit: int = 2) -> list[tuple[int, Support]]:
    """The sources read that state the answer and are connected to the question, with the passage
    that states it, best first (at most `limit`): what the answer line of the report cites, from
    CITE_ANSWER_CONFIDENCE up. Not for yes/no or "A or B?" answers: any page about an option
    names it, which backs no choice."""
    if (confidence < CITE_ANSWER_CONFIDENCE or not ev.answer.strip() or is_yes_no(ev.answer)
            or choice_options(ev.question)):
        return []
    found = [(sid, answer_support(ev.answer, ev.opened[sid])) for sid in ev.stating() if ev.connected(sid)]
    # a quote says something of the answer: a page's heading ("# Shirley Temple") states nothing
    found = [(sid, s) for sid, s in found if len(content_words(s.quote.lstrip("# ")) - content_words(ev.answer)) >= 2]
    # Among equal statements, the passage that says most of the question: "The 1974 Texas Tech
    # Raiders football team represented Texas Tech University" before the 2013 team's page
    # for "The 1974 Texas Tech Raiders football team represented what university?"
    asked = stems(ev.question)
    return sorted(found, key=lambda item: (-item[1].score, -len(asked & stems(item[1].quote))))[:limit]


@dataclass
class Verdict:
    check: str                      # name of the failed check, or "passed"
    message: str = ""               # what the agent is told (phrased for the model)
    conflict: Conflict | None = None
    bridges: list[str] = field(default_factory=list)   # link: the names to research instead

    @property
    def passed(self) -> bool:
        return self.check == "passed"


def _failures(ev: Evidence):
    """Every failed check, in order, as Verdicts."""
    answer = ev.answer.strip()
    options = choice_options(ev.question)
    if is_yes_no_question(ev.question) and not is_yes_no(answer):
        yield Verdict("form", f'This is a yes/no question, but your answer is "{answer}". Answer yes or no.')
    elif _ASKS_DATE.search(ev.question) and not _HAS_DATE.search(answer):
        yield Verdict("form", f'The question asks when, but your answer "{answer}" is not a date or year. '
                              "Find the date in your sources and answer with it.")
    elif _ASKS_NUMBER.search(ev.question) and not _NUMBER_WORDS.search(answer):
        yield Verdict("form", f'The question asks for a number (how many, how much, a population, a cost ...), but '
                              f'your answer "{answer}" is not a number. Find the number in your sources and answer with it.')
    elif not options and _OR.search(ev.question) and is_yes_no(answer):
        # "Did X play grunge or punk?", "Is A or B older?": alternatives offered, one of them asked for
        yield Verdict("form", f'The question offers alternatives joined by "or", but your answer is "{answer}". '
                              "Answer with the alternative that holds, not yes or no.")
    elif not options and (alternatives := lower_case_alternatives(ev.question)) and not any(
            stems(alternative) <= stems(answer) for alternative in alternatives):
        yield Verdict("form", f'The question asks which holds, {alternatives[0]} or {alternatives[1]}, but your '
                              f'answer "{answer}" is neither. Answer with the alternative that holds.')
    elif options and not any(_names(answer, option) for option in options):
        yield Verdict("form", f'The question asks which of these: {options[0]} or {options[1]}. '
                              f'Your answer "{answer}" is neither. Answer with one of them.')
    elif len(answer.split()) >= SENTENCE_WORDS and _VERB.search(answer) and not _NON_ANSWER.search(answer):
        yield Verdict("form", f'Your answer "{answer}" is a sentence. Answer with only what the question asks '
                              "for: the name, place, date or number, in a few words.")
    if is_non_answer(answer) or echoes_question(answer, ev.question, ev.told):
        told = (f'Your answer "{answer}" does not name what the question asks for. Find the specific name, date, '
                "number or place, and answer with it.")
        subject = _echoed_subject(ev, answer)
        anchors = _echo_anchors(ev, subject)
        bridges = _bridges(ev, anchors[0]) if anchors and subjects(ev.question) else []
        if bridges:
            # the page about the question names whom to research next, as the link check would
            named = page_name(ev.titles.get(anchors[0], ""), qualifier=True)
            told += f" [{anchors[0]}] {named} is about the question and names {', '.join(bridges)}: research that."
        elif subject is not None and not anchors:
            # "Hayden is a singer-songwriter from Canada, but where does Buck-Tick hail from?" ->
            # "Buck-Tick": what the question asks is asked of that one; no page about it was read
            bridges = [answer]
            told += f' The question asks it of {answer}: read about {answer}, then answer.'
        yield Verdict("vague", told, bridges=bridges)
    stated = ev.stating()
    if not is_yes_no(answer) and not stated and not is_non_answer(answer):   # no claim to support
        hint = next((sid for sid, text in ev.unread_hints.items() if states_answer(answer, text)), None)
        where = (f" Source [{hint}] seems to mention it: open it." if hint else
                 " Open a source that states it, or search for one.")
        yield Verdict("unsupported", f'None of the sources you opened states "{answer}".{where} '
                                     "Then answer again.")
    # Such a question's sub-questions are its two facts: the compare check asks for a missing one.
    decidable = ev.comparison
    if stated and not options and not is_yes_no(answer) and decidable is None and (gap := _unlinked(ev, stated)):
        yield gap
    if stated and not options and decidable is None and (verdict := _described(ev, answer)) is not None:
        yield verdict
    if stated and not options and not is_yes_no(answer) and (verdict := _wrong_kind(ev, answer)) is not None:
        yield verdict
    if stated and not options and not is_yes_no(answer) and (found := other_role(ev.question, answer, ev.opened)):
        sid, verb, doer, did = found
        yield Verdict("role", f'Source [{sid}] says it was {verb} by {doer}; "{answer}" {did} it. The question '
                              f"asks who {verb} it: answer with that one, or research more.")
    if decidable is None and len(ev.plan) >= 2 and len(ev.opened) < 2:
        rest = ev.plan[1]
        yield Verdict("hops", f"Your plan has {len(ev.plan)} sub-questions but you have read only one source. "
                              f'Research the next one before answering: "{rest}".')
    if decidable is not None and decidable.answer is None and decidable.missing:
        hint, search = _page_hint(ev, decidable.missing[0])
        yield Verdict("compare", decidable.ask_for_missing() + hint + " Then answer.", bridges=search)
    elif decidable is None and ev.python_enabled and ev.python_runs == 0 and is_comparison(ev.question):
        yield Verdict("compute", "This question compares or counts numbers or dates. Use python to compute "
                                 "it from the values your sources give (print the result), then answer.")
    conflict = find_conflict(ev.question, answer, ev.opened)
    if conflict is not None:
        sides = "; ".join(f"{v} in {', '.join(f'[{s}]' for s in ids)}" for v, ids in conflict.other_values.items())
        yield Verdict("conflict", f"Sources disagree: {conflict.answer_value} in "
                                  f"{', '.join(f'[{s}]' for s in conflict.supporting)}, but {sides}. "
                                  "Check which is right (prefer the more specific or primary source), then answer.",
                      conflict)
    if len(stated) == 1 and not options and not is_yes_no(answer):
        second = next((sid for sid, text in ev.unread_hints.items() if states_answer(answer, text)), None)
        if second is not None:
            yield Verdict("corroborate", f'Only source [{stated[0]}] states "{answer}". Check it in a second '
                                         f"source: [{second}] seems to mention it too. Open it, then answer again.")


def _described(ev: Evidence, answer: str) -> Verdict | None:
    """The answer is the one the question describes, not what it asks of it (described.py)."""
    if ((description := described(ev.question))
            and (sid := fits_description(answer, description, ev.opened, ev.titles)) is not None):
        if description.within:
            return _described_within(ev, answer, description, sid)
        asked = asked_of(ev.question, answer) or f"{description.asked}?"
        return Verdict("described", f'Source [{sid}] says "{answer}" is {description.text}: that is who or what the '
                                    f'question describes, not the answer. The question asks "{asked}": research '
                                    f"that, then answer.",
                       bridges=[asked_query(answer, description)])
    if (relation := relation_asked(ev.question)) and (sid := object_of_relation(answer, relation, ev.opened)) is not None:
        return Verdict("relation", f'Source [{sid}] speaks of "the {relation} of {answer}": {answer} is what the '
                                   f"question describes, and it asks for its {relation}. Research the {relation} of "
                                   f"{answer}, then answer.", bridges=[f"{answer} {relation}"])
    if (landmark := landmark_asked(ev.question)) and (sid := is_landmark(answer, landmark, ev.opened, ev.titles)) is not None:
        return Verdict("relation", f'Source [{sid}] says "{answer}" is {landmark.text}: the question asks what is '
                                   f'{landmark.relation} it. Research "{landmark.asked} {answer}?", then answer.',
                       bridges=[landmark_query(answer, landmark)])
    return None


def _wrong_kind(ev: Evidence, answer: str) -> Verdict | None:
    """The answer's own page says it is a kind of thing the question does not ask for (kind.py)."""
    if (found := wrong_kind(ev.question, answer, ev.pages)) is None:
        return None
    sid, noun, asked = found
    wanted = {"who": "who: a person, or a group of people", "where": "where: a place"}.get(asked, f"for a {asked}")
    return Verdict("kind", f'Source [{sid}] says "{answer}" is a {noun}, but the question asks {wanted}. Find '
                           "that in your sources, then answer.")


def _described_within(ev: Evidence, answer: str, description: Description, sid: int) -> Verdict:
    """The answer was given where a page speaks of the one the question describes, and the
    question asks inside its clause ("a boy group that was formed by who?"): a name answer is
    likely that one ("WINNER"), searched with what is asked; for a value ("2014", the book's year
    for "an Italian physicist that has worked in France since what year?") the page's name for
    the described one is searched instead ("Carlo Rovelli"), when the page introduces one by two
    of the description's words; else nothing is searched and the message alone sends it back."""
    if _LETTER.search(answer):
        bridges = [asked_query(answer, description)]
    else:
        bridges = [asked_query(name, description) for name in described_names(description, ev.opened[sid], answer)]
    return Verdict("described", f'Source [{sid}] gives "{answer}" where it speaks of {description.text}, which the '
                                f'question only describes. It asks of that one: "{description.asked}?" Find that, '
                                "then answer.", bridges=bridges[:2])


class Verifier:
    """Decides, once per proposed answer, whether to accept it or send the agent back."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.fired: set[str] = set()
        self.log: list[dict] = []

    def decide(self, ev: Evidence, step: int) -> str:
        """The answer the sources' facts decide (compare.py), when they decide it; else the proposed
        answer. Not a send-back: the dates or nationalities read settle what the model guessed."""
        decided = ev.comparison if self.enabled else None
        if decided is None or decided.answer is None or follows(ev.answer, decided):
            return ev.answer
        self.log.append({"step": step, "answer": ev.answer, "check": f"{decided.what} decide",
                         "message": f"{decided.summary()}; answer replaced by {decided.answer}"})
        return decided.answer

    def check(self, ev: Evidence, step: int) -> Verdict:
        exhausted = len(self.fired) >= MAX_REJECTIONS     # then only no answer still goes back
        if not self.enabled or (exhausted and not is_non_answer(ev.answer)):
            return Verdict("passed")
        for verdict in _failures(ev):
            # no answer ("none") is never accepted while research may go on: the step limit ends
            # a model that keeps giving it, and it uses up none of the rejections
            uncounted = verdict.check == "vague" and is_non_answer(ev.answer)
            if uncounted or (verdict.check not in self.fired and len(self.fired) < MAX_REJECTIONS):
                if not uncounted:
                    self.fired.add(verdict.check)
                self.log.append({"step": step, "answer": ev.answer, "check": verdict.check,
                                 "message": verdict.message})
                return verdict
        if not exhausted:
            self.log.append({"step": step, "answer": ev.answer, "check": "passed", "message": ""})
        return Verdict("passed")


def settles(ev: Evidence) -> Verdict:
    """Whether an answer can stand without further research: it passes every check, and what
    was read backs it positively -- a source states it and a page about something the question
    names was read, or the sources' facts decide the question (compare.py). A yes/no answer, or
    one of the alternatives the question itself offers, is named by any page, so only decided
    facts back it. The first failed check (or "unsettled") otherwise."""
    failed = final_checks(ev)
    if failed:
        return failed[0]
    if ev.decided() is not None:
        return Verdict("passed")
    # A page stating the answer backs it only on the question's trail: with nothing read about
    # any name the question gives, that is not known ("Jenna Dewan" from her own page, for
    # "SuperMansion starred the actress who had a recurring role as whom on Workaholics?")
    # (unless the answer is what an acronym the question names stands for: "What, known as AAS,
    # is commonly used in bodybuilding?" asks what "AAS" is, whose page the answer's would be)
    if subjects(ev.question) and not ev.on_question and not any(spells(ev.answer, a) for a in acronyms(ev.question)):
        return Verdict("unsettled", "Nothing you read yet is about what the question names: read about it, "
                                    "then answer.")
    if is_yes_no(ev.answer) or choice_options(ev.question):
        return Verdict("unsettled", f'Nothing you read yet decides "{ev.answer}": find the facts that settle '
                                    "the question in your sources, then answer.")
    # A year or a count stated where nothing of what is asked is said ("the first season since
    # 1984-85" for "... which was founded in what year?"): pages hold many numbers, and the one
    # asked comes with the words that ask for it.
    if not _LETTER.search(ev.answer) and not _stated_with(ev.answer, asked_words(ev.question), ev.opened):
        return Verdict("unsettled", f'No sentence you read that gives "{ev.answer}" says what the question asks '
                                    "of it: find the one that does, then answer.")
    # Made of the question's own words ("Kiss and Tell" for "... in Kiss and Tell?"): every page
    # about the question states it, so a page stating it shows nothing; rarely what is asked.
    named = (answer_support(ev.answer, ev.question).score > 0 if is_letter_name(ev.answer)
             else content_words(ev.answer) <= content_words(ev.question))
    if named:
        return Verdict("unsettled", f'"{ev.answer}" is named in the question itself. Find what the question '
                                    "asks about it in your sources, then answer.")
    return Verdict("passed")          # any other answer passed `unsupported`: a source read states it


def _stated_with(answer: str, asked: set[str], texts: dict[int, str]) -> bool:
    """A passage read (a sentence and the one before) states `answer` and says one of the
    `asked` words, or gives it as the birth or death of a life span asked for; true when nothing
    is known of what is asked."""
    if not asked:
        return True
    for text in texts.values():
        sentences = evidence_sentences(text)
        for i, sentence in enumerate(sentences):
            if answer_support(answer, sentence).score >= STATED and (
                    stems(" ".join(sentences[max(0, i - 1):i + 1])) & asked or _in_life_span(answer, sentence, asked)):
                return True
    return False


# "George V (George Frederick Ernest Albert; 3 June 1865 – 20 January 1936)": a life span in
# brackets, as pages open on a person, says the birth and the death without saying "born"
_LIFE_SPAN = re.compile(r"\(([^()]*?\d{3,4})\s*[–—-]\s*([^()]*?\d{3,4})\s*\)")
_BIRTH, _DEATH = stems("born birth"), stems("die died death")


def _in_life_span(answer: str, sentence: str, asked: set[str]) -> bool:
    """`answer` is the first date of a life span in `sentence` and birth is asked, or the second
    and death is."""
    for span in _LIFE_SPAN.finditer(sentence):
        if (asked & _BIRTH and answer_support(answer, span.group(1)).score >= STATED
                or asked & _DEATH and answer_support(answer, span.group(2)).score >= STATED):
            return True
    return False


def final_checks(ev: Evidence) -> list[Verdict]:
    """All checks the final answer fails (empty when it passes every one)."""
    return list(_failures(ev)) if ev.answer.strip() else [Verdict("no answer")]
