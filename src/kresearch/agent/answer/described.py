"""The one the question describes is not what it asks of them.

Many questions name their subject by a description and ask something of it: "What government
position was held by *the woman who portrayed Corliss Archer in the film Kiss and Tell*?", "In
what city was *the Italian Baroque composer who composed a set of sonatas, titled Op. 5,*
born?". A small model that finds who the description picks out often stops there and answers
"Shirley Temple" or "Antonio Vivaldi" -- the first hop, which a page read does state, so no
other check objects (measured: the product's own first sample question, 1.5B, ended so).

The same holds of a description by relation inside another ("the detective novelist parent of
*the author of "Q" Is for Quarry*": the 1.5B model answered the author).

The principle, in code: when the question describes its subject with a relative clause ("the
... who/that/which/where ...": "the nickname of *the city where Darling's Waterfront Pavilion is
located*", the described one starting at the article nearest the pronoun past an "of") or as
the relation of a name that is itself the object of another relation ("... parent of the author
of X", "the father of the director of X") and asks
something else of it (the rest of the question has words of its own, not only "what is the
name of"), an answer that a page read says *fits the
description* -- one sentence names it together with at least half of the clause's words -- while
no passage gives it with the words of what is asked, is the described one, not the answer. The
agent is told so, and the loop searches the described one with what is asked.

The same holds of a relation the question asks of a thing it describes ("Who was *the captain
of* the only battleship to provide gunfire support during the Vietnam War?"): a page that says
"the captain of the battleship USS New Jersey" shows "USS New Jersey" is what the relation is
*of*, the described thing, not the captain (`relation_asked`, `object_of_relation`). And of a
place asked by where it stands to a described landmark ("What building is *opposite* the
ceremonial meeting place of the Accession Council?"): a page sentence that names the answer with
the landmark's words but not the relation ("St James's Palace is the ceremonial meeting place of
the Accession Council") shows it is the landmark (`landmark_asked`, `is_landmark`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from .compare import is_own_page
from ..context import stems
from ..evidence import STATED, answer_support, evidence_sentences, is_yes_no
from ..names import NAME, introduced_names

# "the woman who portrayed ...", "a composer that wrote ...", "the city where ...": the article, up to
# six words, the pronoun; not across "of the" ("the middle name of the actress who ..." describes
# the actress, and asks her middle name)
_DESCRIPTION = re.compile(r"\b(?:the|a|an)\s+(?:(?!of\s+(?:the|a|an)\s)[\w'.&-]+,?\s+){0,6}?"
                          r"(?:who|that|which|whose|where)\s+([^?]+)", re.I)
# "... parent of the author of "Q" Is for Quarry": a relation of something named, itself the object
# of another relation (the word before "of"); the description runs to the end of the question
_OF_CHAIN = re.compile(r"\b[\w'-]+\s+of\s+((?:the|a|an)\s+(?:[\w'-]+\s+){0,2}?[\w'-]+\s+of\s+[^?,;]+)", re.I)
# "... in a movie directed by who?", "... by a band formed in what city?": a relative clause with
# its pronoun left out, a participle and a preposition before the interrogative
_REDUCED = re.compile(r"\b(?:the|a|an)\s+(?:[\w'.&-]+\s+){0,3}?([a-z]+(?:ed|en|wn|ung|ilt|ade)\s+"
                      r"(?:by|in|at|from|on|for|during|of)\s+(?:who|whom|what|which|when)\b[^?]*)", re.I)
# "Who designed the programming language used to write the first portable Unix kernel?": the
# same clause describing the subject the question asks something of, running to the question's end
_REDUCED_DESCRIPTION = re.compile(r"\b(?:the|a|an)\s+(?:[\w'.&-]+\s+){0,3}?([a-z]+(?:ed|en|wn|ung|ilt|ade)\s+"
                                  r"(?:by|in|at|from|on|for|during|of|to|into|as|with)\s+[^?]+)", re.I)
_ASKS = re.compile(r"\b(what|which|whom|who|whose|when|where|how)\b", re.I)
# "in which part", "for whom": an interrogative after a preposition, not a relative pronoun
_AFTER_PREPOSITION = re.compile(r"\b(in|of|for|at|on|by|with|from|to|into|during)\s+(who|whom|that|which|whose)\b", re.I)
# what a question asking who the described one is says besides ("What is the name of the ...")
IDENTITY = stems("name call called known person one identity")
_AUXILIARY_END = re.compile(r"\b(did|does|do|was|were|is|are|has|have|had)\s*$", re.I)
_BE = {"was", "were", "is", "are"}
FITS = 0.5          # share of the clause's words a passage naming the answer must have
# a noun a question asks by, and the verb pages say it with before the answer: "the birthplace of
# X" is where X was "born in" (a page giving the senator's birthplace says "born in Brooklyn";
# "LaValle was born ..." names the senator, the one described, before the verb)
_SAID_AS = {stems(noun).pop(): stems(verb) for noun, verb in
            (("birthplace", "born"), ("birth", "born"), ("death", "died"), ("deathplace", "died"))}


@dataclass
class Description:
    text: str              # "the woman who portrayed Corliss Archer in the film Kiss and Tell"
    clause: set[str]       # stems of what describes them: {portray, corliss, archer, film, kiss, tell}
    asked: str             # the rest of the question: "What government position was held by"
    # the question asks inside its clause ("... the debut album of a boy group that was formed by
    # who?"): then `clause` is what comes before the pronoun ({2014, debut, album, boy, group})
    # and `asked` the clause itself ("was formed by who")
    within: bool = False
    clause_text: str = ""  # the words `clause` was made of

    @property
    def asked_words(self) -> set[str]:
        return stems(self.asked) - IDENTITY

    def fitted_by(self, sentence: str) -> bool:
        """`sentence` has FITS of the clause's words, or of its units: a name the clause writes
        is one unit, which the sentence has when it calls it by its last word or by half its
        words (a page calls "Martin Patterson "Pat" Hingle" "Hingle"), and each other word one."""
        have = stems(sentence)
        if len(self.clause & have) >= FITS * len(self.clause):
            return True
        names, words = self._clause_units
        found = len(words & have) + sum(1 for name in names
                                        if name[-1] in have or 2 * len(set(name) & have) >= len(name))
        return found >= FITS * (len(words) + len(names))

    @cached_property
    def _clause_units(self) -> tuple[list[tuple[str, ...]], set[str]]:
        """The names the clause writes (their stems in order) and its other words' stems."""
        names = [name for name in map(_name_stems, _whole_names(self.clause_text)) if name]
        return names, self.clause - {w for name in names for w in name}


def described(question: str) -> Description | None:
    """The question's description of its subject, when it asks something else of them. When the
    ask is inside the relative clause ("... of a Disney ride that debuted in what year?"), the
    subject is described by what comes before the pronoun and the clause is what is asked. Not
    a clause that asks after a preposition ("a province situated in which part of Ireland?"),
    which is no relative clause. A clause without its pronoun describes too ("Who founded the
    company acquired by Oracle in 2010?"), when no relation chain does."""
    match = _DESCRIPTION.search(question)
    if match is None and (reduced := _REDUCED.search(question)) and not _ASKS.search(question[:reduced.start()]):
        return _asked_in_clause(question, reduced)
    if match is None or _AFTER_PREPOSITION.search(question, match.start(), match.start(1)):
        match = _innermost_relation(question)
        start, end, clause = (match.start(1), match.end(1), match.group(1)) if match else (0, 0, "")
        if match is None and (reduced := _REDUCED_DESCRIPTION.search(question)) and not _ASKS.search(reduced.group(1)):
            match = reduced          # a relative clause with its pronoun left out
            start, end, clause = match.start(), match.end(), match.group(1)
    else:
        start, end, clause = match.start(), match.end(), match.group(1)
        if _ASKS.search(clause) and not _ASKS.search(question[:start]):
            return _asked_in_clause(question, match)
    if (match is None or _ASKS.search(clause)
            or not _ASKS.search(question[:start])):     # "A and B share which genre?": "which" asks
        return None
    if (auxiliary := _AUXILIARY_END.search(question[:start])) and not question[end:].strip(" ?"):
        # "Where is the company that X worked for headquartered?": after an auxiliary the
        # question's own verb ends it; it is what is asked, not part of the description
        cut = _main_verb_start(question[start:end], participle=auxiliary.group(1).lower() in _BE)
        if cut is not None:                  # the verb is the tail of both the description and its clause
            verb = end - (start + cut)
            end, clause = end - verb, clause[:-verb]
    asked = " ".join((question[:start] + " " + question[end:]).replace("?", " ").split())
    description = Description(question[start:end].strip(" ,"), stems(clause), asked, clause_text=clause)
    if len(description.clause) < 2 or not description.asked_words:
        return None
    return description


def _asked_in_clause(question: str, match: re.Match) -> Description | None:
    """A question that asks inside its relative clause ("... the debut album of a South Korean
    boy group that was formed by who?"): the subject is described by all that comes before the
    pronoun, and the clause is what is asked of it. Only when the question leads to the subject
    from something it names first: "The mass killing that took place ... in which state?" asks
    of its own subject, which no earlier hop picks out."""
    head = question[:match.start(1)]
    pronoun = re.search(r"\s*\b(?:who|that|which|whose)\s*$", head, re.I)
    before = head[:pronoun.start()] if pronoun else head
    # the nearest article: "a Disney ride", not "the scene of a Disney ride"; none in "the Who that ..."
    articles = list(re.finditer(r"\b(?:the|a|an)\s", before[match.start():], re.I))
    if not articles or re.search(r"\b(?:the|a|an)\s*$", before, re.I):   # "the Who": a name, no pronoun
        return None
    start = match.start() + articles[-1].start()
    if len(stems(question[:start])) < 2:
        return None
    description = Description(before[start:].strip(" ,"), stems(before),
                              " ".join(match.group(1).replace("?", " ").split()), within=True, clause_text=before)
    if len(description.clause) < 2 or not description.asked_words:
        return None
    return description


# a particle or preposition a question's own verb may end with ("rise to prominence", "break up", "play for")
_PARTICLES = {"to", "for", "in", "into", "on", "up", "out", "off", "from", "with", "at", "as", "of", "by"}
_LOWER_WORD = re.compile(r"\s+([a-z][a-z'-]*)$")


# names written apart only by a nickname in quotes are one: Martin Patterson "Pat" Hingle
_NICKNAME_GAP = re.compile(r"[\s\"“”']*")


def _whole_names(text: str) -> list[str]:
    """The names `text` writes, a nickname in quotes inside one kept with it."""
    names: list[str] = []
    end = -1
    for match in NAME.finditer(text):
        if names and _NICKNAME_GAP.fullmatch(text, end, match.start()):
            names[-1] = text[text.rfind(names[-1], 0, end):match.end()]
        else:
            names.append(match.group())
        end = match.end()
    return names


def _name_stems(name: str) -> tuple[str, ...]:
    """The stems of a name's words, in order ("Pat" Hingle -> ("pat", "hingle")); split as
    `stems` splits, one piece at a time, so "Cher-ee" gives ("cher", "ee") in that order, not in
    a set's order, which varies from one run to the next."""
    return tuple(w for piece in re.findall(r"[a-z0-9]+", name.lower()) for w in stems(piece))


def _main_verb_start(text: str, participle: bool) -> int | None:
    """Where the question's own verb starts at the end of a description that runs to the
    question's end after an auxiliary: "... worked for as a software engineer| headquartered",
    "... sang "All Join Hands"| rise to prominence", "... formed in 1990| break up". After a form
    of "be" that verb is a participle, the last word; after "did" or "has" it is the last
    lower-case word with a particle before or after it and the verb it follows. None when the
    description ends with no lower-case word (a name: nothing to split off)."""
    text = text.rstrip(" ?")
    words: list[re.Match] = []
    rest = text
    while len(words) < (1 if participle else 3) and (word := _LOWER_WORD.search(rest)):
        words.append(word)
        rest = rest[:word.start()]
        # stop after the verb: "headquartered", "hold"; go on past a particle ("up", "for") and
        # past an object after a particle ("prominence" in "rise to prominence")
        if len(words) == 1 and word.group(1) not in _PARTICLES and not (
                (before := _LOWER_WORD.search(rest)) and before.group(1) in _PARTICLES):
            break
        if len(words) >= 2 and word.group(1) not in _PARTICLES:
            break
    if not words or not rest.strip():
        return None
    return words[-1].start()


def _innermost_relation(question: str) -> re.Match | None:
    """The last relation of the chain: "the author of X" in "the parent of the author of X"."""
    match, pos = None, 0
    while found := _OF_CHAIN.search(question, pos):
        match, pos = found, found.start(1) + 1
    return match


def asked_query(answer: str, description: Description) -> str:
    """What to search for: the described one with what is asked ("Shirley Temple government position held")."""
    words = [w for w in re.findall(r"[\w'-]+", description.asked) if stems(w) & description.asked_words]
    return " ".join([answer, *words])


def asked_of(question: str, answer: str) -> str | None:
    """The question asked of `answer` itself, once it is known to be the one the question
    describes: "What government position was held by Shirley Temple?" for "... held by the woman
    who portrayed Corliss Archer in the film Kiss and Tell?", "WINNER was formed by who?", "Who was
    the captain of USS New Jersey?". A one-hop question a small model reads far better than the
    two-hop one with the first hop ruled out in words. None when the question has no description
    or relation to put the answer in place of."""
    description = described(question)
    if description is not None:
        if description.within:
            return f"{answer} {description.asked}?"
        if description.text in question:
            start = question.index(description.text)
            rest = question[start + len(description.text):]
            if rest.strip(" ,?"):            # the question's own verb: ", born?" -> " born?"
                rest = " " + rest.lstrip(" ,")
            return f"{question[:start]}{answer}{rest}"
    if (landmark := landmark_asked(question)) is not None:
        return f"{landmark.asked} {answer}?"
    relation = relation_asked(question)
    at = re.search(rf"\b{re.escape(relation)}\s+of\s+", question, re.I) if relation else None
    return f"{question[:at.end()]}{answer}?" if at else None


_INTERROGATIVE = re.compile(r"\b(?:what|which|when|where|who|whom|whose|how)\b", re.I)
_WORDS = re.compile(r"[\w'’.-]*\w")
NEAR_ASKING = 3         # words either side of the question's last interrogative that say what it asks
# the kind of value asked ("what year", "how many"): says what the answer is, not what it is of
VALUE_KINDS = stems("year date day month many much number amount")


def asked_words(question: str) -> set[str]:
    """Stems of the words that say what the question asks: what a described question asks of
    its subject ("headquartered" in "Where is the company that ... headquartered?"), else the
    lower-case words near its last interrogative ("founded" in "... University which was
    founded in what year?") and, when the question opens with it, the question's own verb at
    its end ("In what year was the university founded?"). Names are what it is asked of, and
    "year" or "how many" the kind of answer, not what is asked."""
    if (description := described(question)) is not None:
        return description.asked_words - VALUE_KINDS
    asking = list(_INTERROGATIVE.finditer(question))
    if not asking:
        return set()
    last = asking[-1]
    before = _WORDS.findall(question[:last.start()])
    near = before[-NEAR_ASKING:] + _WORDS.findall(question[last.end():])[:NEAR_ASKING]
    if len(before) <= 1:                     # "When was ...", "In what year was ..."
        end = _WORDS.findall(question)[-2:]
        near += end if end[-1].lower() in _PARTICLES else end[-1:]      # "break up"
    return stems(" ".join(w for w in near if not w[0].isupper())) - IDENTITY - VALUE_KINDS


def described_names(description: Description, text: str, answer: str) -> list[str]:
    """The names `text` introduces with the words of the description ("the Italian physicist
    Carlo Rovelli" for "an Italian physicist"), other than the answer: who the described one is."""
    words, own = stems(description.text), stems(answer)
    found = [name for sentence in evidence_sentences(text) for name in introduced_names(sentence, words)]
    return list(dict.fromkeys(name for name in found if not stems(name) <= own))


def fits_description(answer: str, description: Description, texts: dict[int, str],
                     titles: dict[int, str] | None = None) -> int | None:
    """The source whose passage names `answer` with FITS of the description's clause, when no
    passage read gives the answer with the words of what is asked; None otherwise. The answer's
    own page (by `titles`) saying what is asked does not count: "Acme Corp is headquartered in
    Leeds" on Acme's page tells where the described company is, not that Acme is the answer."""
    answer_words = stems(answer)
    if not answer_words or is_yes_no(answer) or answer_words & description.asked_words:
        return None
    if answer_words <= stems(description.text):
        return None       # the description's own words ("first of 62 districts in the State Senate") name no one
    fitting = None
    for sid, text in texts.items():
        own_page = titles is not None and is_own_page(answer, titles.get(sid, ""))
        sentences = evidence_sentences(text)
        for i, sentence in enumerate(sentences):
            window = " ".join(sentences[i:i + 2])
            if answer_support(answer, window).score < STATED:
                continue
            if not own_page and _gives_asked(window, answer, description.asked_words):
                return None                  # a passage gives it with what is asked: it may be the answer
            # the description and the answer in one sentence: "... starring Shirley Temple as
            # Corliss Archer", not "... as Corliss Archer. She was Chief of Protocol."
            if (fitting is None and answer_support(answer, sentence).score >= STATED
                    and description.fitted_by(sentence)):
                fitting = sid
    return fitting


# "Who was the captain of ...", "What is the name of the fight song of ...": the relation asked,
# the words between the article and "of" right after the question's verb (past "the name of")
_RELATION = re.compile(r"^\s*(?:who|what|which)(?:\s+[\w'-]+){0,2}?\s+(?:is|was|are|were)\s+((?:(?:the|a|an)\s+"
                       r"(?:[\w'-]+\s+){0,2}?[\w'-]+\s+of\s+)+)", re.I)
_RELATION_WORDS = re.compile(r"(?:the|a|an)\s+((?:[\w'-]+\s+){0,2}?[\w'-]+)\s+of\s+", re.I)
OF_GAP_WORDS = 3        # lower-case words between "captain of" and the answer ("the battleship")
_DOUBLE_QUOTES = re.compile(r"[\"“”]")


def _gives_asked(passage: str, answer: str, asked: set[str]) -> bool:
    """The passage has half the words of what is asked, a noun also said by its verb before the
    answer ("born in Brooklyn" gives a birthplace)."""
    said = stems(passage) & asked
    first = re.findall(r"[\w'-]+", answer)[:1]
    if first and (at := re.search(rf"(?<![\w'-]){re.escape(first[0])}(?![\w'-])", passage, re.I)) and at.start():
        before = stems(passage[:at.start()])
        said |= {word for word in asked if _SAID_AS.get(word, set()) & before}
    return len(said) * 2 >= len(asked)


def _written(answer: str) -> str:
    """A pattern of `answer` as a page may write it: its words, apart by spaces, dots or hyphens
    ("J. Edward Snyder", "J Edward Snyder"); "" for an answer without words."""
    return r"[\s.-]+".join(re.escape(w) for w in re.findall(r"[\w'-]+", answer))


def relation_asked(question: str) -> str | None:
    """The relation a who/what question asks of what follows it ("captain"), or None. "The name
    of" asks nothing itself: the next relation is the one asked ("fight song")."""
    match = _RELATION.match(question)
    if match is None:
        return None
    for relation in _RELATION_WORDS.findall(match.group(1)):
        if not stems(relation) <= IDENTITY:
            return " ".join(relation.split())
    return None


def object_of_relation(answer: str, relation: str, texts: dict[int, str]) -> int | None:
    """The source that calls `answer` what the relation is of ("the captain of the battleship
    USS "New Jersey"" for "USS New Jersey"), or None. Only descriptive words may stand between
    ("the battleship"): "the chief executive of Nerdist Industries Chris Hardwick" names the
    chief executive after the thing."""
    target = _written(answer.lower())
    if not target or is_yes_no(answer) or stems(answer) & stems(relation):
        return None
    gap = rf"(?:[a-z][\w'-]*\s+){{0,{OF_GAP_WORDS}}}?"
    pattern = re.compile(rf"\b(?i:{re.escape(relation)})\s+of\s+{gap}(?i:{target})\b")
    for sid, text in texts.items():
        if pattern.search(" ".join(_DOUBLE_QUOTES.sub("", text).split())):
            return sid
    return None


# "What building is opposite the ...", "Which river flows near the ...": a thing asked by where it
# stands to a landmark the question describes (an article, then at least two words of its own)
_PLACE_RELATION = (r"opposite|across\s+from|next\s+to|adjacent\s+to|beside|behind|in\s+front\s+of|near|facing|"
                   r"(?:north|south|east|west)\s+of")
_LANDMARK = re.compile(rf"^\s*(?:what|which)\b(?:\s+[\w'-]+){{0,4}}?\s+(?:is|was|are|were|stands?|stood|lies|lay|"
                       rf"sits?|flows?|runs?)(?:\s+(?:located|situated|built|directly|just))*\s+({_PLACE_RELATION})\s+"
                       rf"((?:the|a|an)\s+[^?]+)", re.I)
# on a page about the answer, "it is ..." says what the answer is
_IT_IS = re.compile(r"\b[Ii]t\s+(?:is|was|has\s+been|remains|serves\s+as|served\s+as)\b")


@dataclass(frozen=True)
class Landmark:
    relation: str          # "opposite"
    text: str              # "the ceremonial meeting place of the Accession Council in the United Kingdom"
    asked: str             # "What building is opposite"


def landmark_asked(question: str) -> Landmark | None:
    """The described landmark a what/which question asks a place by, or None: "What building is
    opposite the ceremonial meeting place of the Accession Council?" -> opposite / "the ceremonial
    meeting place of the Accession Council". Not a landmark named by one word ("the Thames")."""
    match = _LANDMARK.match(question)
    if match is None or len(stems(match.group(2))) < 2:
        return None
    return Landmark(" ".join(match.group(1).split()), match.group(2).strip(" ,"),
                    " ".join(question[:match.end(1)].split()))


def landmark_query(answer: str, landmark: Landmark) -> str:
    """What to search once the answer is known to be the landmark: "building opposite St James's Palace"."""
    words = landmark.asked.split()[1:]
    return " ".join([*(w for w in words if w.lower() not in _BE), answer])


def is_landmark(answer: str, landmark: Landmark, texts: dict[int, str],
                titles: dict[int, str] | None = None) -> int | None:
    """The source with a sentence that says `answer` is something with FITS of the landmark's
    words, and not the relation asked ("St James's Palace is the ceremonial meeting place of the
    Accession Council"; on the answer's own page, by `titles`, also "it is the ..."), or None. A
    sentence with the relation ("Mark Masons' Hall stands opposite St James's Palace, the meeting
    place of ...") says where the answer stands, and one that only names the answer beside the
    landmark ("Located in the City of Westminster, it is the meeting place of ...") does not say
    it is the landmark."""
    own = stems(answer)
    words = stems(landmark.text) - own
    spaced = r"\s+".join(map(re.escape, landmark.relation.split()))
    relation = re.compile(rf"\b{spaced}\b", re.I)
    named = _written(answer)
    is_it = re.compile(rf"(?i:{named})\s*(?:\([^)]*\)\s*)?(?:,\s*)?(?:is|was|are|were|has\s+been|had\s+been|"
                       rf"remains|served\s+as|serves\s+as)\b")
    if not own or is_yes_no(answer) or len(words) < 2 or not named:
        return None
    for sid, text in texts.items():
        own_page = titles is not None and is_own_page(answer, titles.get(sid, ""))
        for sentence in evidence_sentences(text):
            if ((is_it.search(sentence.replace("’", "'")) or (own_page and _IT_IS.search(sentence)))
                    and not relation.search(sentence)
                    and len(stems(sentence) & words) >= FITS * len(words)):
                return sid
    return None
