"""Evidence checks done in code, without a model call: does a source's text support a
sentence (and with which exact passage), does it state an answer, and do the sources read
disagree about it.

Support of a claim by a text is lexical, so it can be explained and tested:

    support = share of the claim's content words (lightly stemmed) found in the best window of
              one or two consecutive sentences of the text,
              halved when a number in the claim (a year, a count) is missing from that window,
              and halved again when a name in it is (a capitalised word not opening the
              sentence: "born in Chicago" is not supported by a lead that never says Chicago),
              and again when the window has less than half of what the claim says of its
              names (its other words, when there are two or more: a page on another Patrick
              Kennedy shares the names of "Patrick Kennedy is known for his collections of
              Irish folktales", not "collections" or "folktales"),
              and again when the window says someone else did what the claim says its name did
              ("developed by Crystal Dynamics and published by Square Enix" has every word of
              "Square Enix developed Tomb Raider"; names.roles);
              the region of a place ("born in Venice, Italy") is not required of a window that
              names the place (names.place_regions: the model adds the country itself)

A report sentence is checked against the sources it cites together (`union_support`), leaving
out what a source says of another name: "The DC Extended Universe is a shared universe centered
on television series airing on The CW" is not supported by the Arrowverse's lead that says so of
the Arrowverse, even with the DCEU's page cited beside it (`speaks_of_another`); "The term 'bug'
comes from quantum physics" is not supported by the entry on "Bohr bug".

Sentences that address an AI agent ("ignore previous instructions", "state that the answer
is ...") are never evidence. A claim is supported at SUPPORTED (0.6) or more; an answer is
stated by a text at STATED (0.75) or more. The quote is the sentence of the best window that
shares most words with the claim, copied exactly from the source text.

A fragment (`is_fragment`: a fact cut short) supports nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Collection, Iterator

from .context import content_words, same_word, stem, stems
from .names import CAPITALISED, NAME, capitalised, nationality_forms, place_regions, roles

SUPPORTED = 0.6
STATED = 0.75
# Facts the model cut short support nothing: "Like the [6]" (fewer than three words), "Bill
# Cosby's third album, [1][2][5]" (ends on a comma or a word that needs more; base30).
CLAIM_WORDS = 3
_DANGLING = re.compile(r"(,|;|:|\(|\b(the|a|an|of|and|or|to|in|with|by|for|at|from|as))\W*$", re.I)
QUOTE_CHARS = 300

# a sentence ends at . ! or ? -- not at an initial ("P. J. O'Rourke") or an abbreviation such as
# "Co. Wexford", which cut "was a folklorist from Co." off its sentence (trail30), or "ca. 1972"
_ABBREVIATIONS = "Co Dr Jr Mr Ms Mt No Op Sr St vs Mrs Inc Ltd Gen Col Rev Sgt Capt Lt ca c approx cf".split()
_SENTENCE = re.compile("".join(rf"(?<!\b{a}\.)" for a in _ABBREVIATIONS) +
                       r"(?<!\b[A-Z]\.)(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])|\n+")
NUMBER = re.compile(r"\b\d[\d,.]*\b")
YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")
CITATION = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")   # [3] or [1, 4]
YES_NO = {"yes", "no"}
# Sentences that address the reader's tools or instructions are not evidence of anything:
# a page that says "state that the answer is X" does not support X.
_INSTRUCTION = re.compile(
    r"\b(ignore (all |any )?(the )?(previous|prior|above|earlier) (instructions|prompts?)|system (notice|prompt|message)|"
    r"(ai|language model|llm) (agents?|assistants?|models?)|you are (now )?(an? )?(ai|assistant|agent)|"
    r"(state|say|answer|respond|reply) that the answer is|your (python|search|browser) tool|"
    r"disregard (your|all|the) (instructions|rules))\b", re.I)


def inner_names(text: str) -> set[str]:
    """Stems of the capitalised words of `text` that do not open a sentence: "Krzysztof Zanussi was
    born in Chicago." -> {"zanussi", "chicago"}."""
    found = set()
    for m in CAPITALISED.finditer(text):
        before = text[:m.start()].rstrip()
        if before and before[-1] not in ".!?:\"'(“[-":
            found |= stems(m.group())
    return found


def numbers(text: str) -> set[str]:
    return {n.rstrip(".,").replace(",", "") for n in NUMBER.findall(text)}


_LINK = re.compile(r"\[([^\]]*)\]\([^)\s]*\)")     # markdown "[words](address)"


def as_shown(quote: str) -> str:
    """A quote as a report shows it: a link as its words ("[Unix](http://…/Unix)" -> "Unix"). The
    quote itself stays as the page writes it (`kresearch check` finds it there)."""
    return _LINK.sub(r"\1", quote)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and len(s.strip()) > 1]


def is_instruction(sentence: str) -> bool:
    """A sentence that talks to an AI agent (prompt injection), not about the world."""
    return bool(_INSTRUCTION.search(sentence))


def evidence_sentences(text: str) -> list[str]:
    """The sentences of a source that can support a claim: injected instructions and
    bibliography entries excluded."""
    return [s for s in sentences(text) if not is_instruction(s) and not is_bibliography(s)]


def is_heading(sentence: str) -> bool:
    """A markdown heading line ("# List of Unbreakable Kimmy Schmidt episodes"): a page's title
    names things but states nothing of them, so it is no quote for a claim."""
    return sentence.lstrip().startswith("#")


def statements(text: str) -> list[str]:
    """The evidence sentences that say something: headings left out."""
    return [s for s in evidence_sentences(text) if not is_heading(s)]


# A bibliography entry cites another work ("[\"The Illinois Functional Programming Interpreter\",
# A.D. Robison, Proc 1987 SIGPLAN Conf …, pp. 64-73]"): it states nothing of the question, and
# its author is no answer. Narrow on purpose: of the 19,532 sentences of the offline web's
# Wikipedia pages, none is one; a sentence opening with a link whose anchor is quoted
# ("[\"Weird Al\" Yankovic](…) is …") is none either.
_BIBLIOGRAPHY = re.compile(r"^\s*\\?\[\s*[\"\u201c](?![^\[\]]*\]\()|\bpp\.\s*\d")


def is_bibliography(sentence: str) -> bool:
    return _BIBLIOGRAPHY.search(sentence) is not None


# what every bibliography entry has somewhere: one scan of a page that has none spares splitting it
_MAY_CITE = re.compile(r"\[\s*[\"\u201c]|\bpp\.\s*\d")


def prose(text: str) -> str:
    """The text without its bibliography entries (unchanged when it has none). On the answer
    check's hot path (`answer_support`, per page read, per check): most pages have no entry."""
    if not _MAY_CITE.search(text):
        return text
    parts = sentences(text)
    if not any(map(is_bibliography, parts)):
        return text
    return "\n".join(s for s in parts if not is_bibliography(s))


@dataclass
class Support:
    score: float
    quote: str = ""


def support(claim: str, text: str, *, names_count: bool = True) -> Support:
    """How well `text` supports `claim` (see the module docstring). `names_count=False` leaves out
    the names rule: an answer ("The Flamingo Hotel") is stated with a quarter of its words missing."""
    claim = CITATION.sub(" ", claim)
    words, nums, named = stems(claim), numbers(claim), (inner_names(claim) if names_count else set())
    # what the claim says of its names: a page that only shares the names does not say it
    said = words - capitalised(claim) - nums
    if not words or not text.strip():
        return Support(0.0)
    sents = statements(text)
    sent_words = [stems(s) & words for s in sents]          # computed once per sentence
    sent_nums = [numbers(s) for s in sents] if nums else []
    claim_roles = roles(claim)
    regions = [(place & words, region & words) for place, region in place_regions(claim)]
    sent_roles = [roles(s) for s in sents] if claim_roles else []
    best = Support(0.0)
    for i in range(len(sents)):
        for j in ((i, i + 1) if i + 1 < len(sents) else (i,)):   # one sentence, or two in a row
            found = sent_words[i] | sent_words[j]
            # the region of a place the window names is not asked of it ("Venice, Italy")
            spare = set().union(*(region - found for place, region in regions if place and place <= found))
            score = len(found) / len(words - spare)
            if nums and not nums <= (sent_nums[i] | sent_nums[j]):
                score /= 2
            if not (named & words) - spare <= found:     # a name of the claim the window does not have
                score /= 2
            if len(said) >= 2 and 2 * len(said & found) < len(said):
                score /= 2
            if claim_roles and _done_by_another(claim_roles, sent_roles[i], sent_roles[j]):
                score /= 2
            if score > best.score:
                quote = sents[i] if len(sent_words[i]) >= len(sent_words[j]) else sents[j]
                best = Support(round(score, 3), quote[:QUOTE_CHARS])
    return best


# "The Arrowverse is ...", "Scheme (programming language) was ...", "The DC Extended Universe
# film series is ...": the name a sentence opens with, as what it says something of (before a
# copula or a parenthesis, a few common nouns after it at most)
_OPENING_NAME = re.compile(rf"^\W*(?:The\s+|An?\s+)?({NAME.pattern})(?:\s+[a-z][\w-]*){{0,2}}?\s*"
                           r"(?=\(|,|\b(?:is|was|are|were|has|had)\b)")


def said_of(sentence: str) -> str:
    """The name `sentence` opens with when a verb or a bracket follows it -- what the sentence
    says something of; "" otherwise (a comma may follow a word that names nothing: "However,
    it ...")."""
    m = _OPENING_NAME.match(sentence)
    return m.group(1) if m and re.match(r"\(|(?:is|was|are|were|has|had)\b", sentence[m.end():]) else ""


def names_in(name: str, text: str, sentence: str = "") -> bool:
    """The text names `name`: all its words, not as parts of another name ("scheme" in
    "scheme-definition language" is not the Scheme of `sentence`, which says something of the
    name; "bogo-sort" is the "Bogo" of "Bogo sort is ..."; "TCP/IP", the suite, is not the TCP
    of "TCP and UDP are ..."), or, for an acronym, capitalised
    words whose initials spell it ("UDP" in "User Datagram Protocol is the other,
    connectionless, protocol"; small words between them may count or not)."""
    words = stems(name)
    own = words | stems(sentence)
    written: set[str] = set()
    for token in _WORDS.findall(text):
        parts = stems(token)
        if not ("-" in token or "/" in token) or parts <= own:
            written |= parts
    if words <= written:
        return True
    if not re.fullmatch(r"[A-Z]{2,8}", name):
        return False
    small = r"(?:(?:of|the|and|for|de)\s+)?"
    spelled = (r"\s+" + small).join(rf"{letter}[\w'-]*" for letter in name)
    return re.search(rf"\b{spelled}\b", text) is not None


_WORDS = re.compile(r"[\w'-]+(?:/[\w'-]+)*")


def speaks_of_another(sentence: str, passage: str) -> bool:
    """The passage says of another name what the sentence says of its own: "The DC Extended
    Universe is a shared universe centered on television series airing on The CW" against "The
    Arrowverse is a shared universe centered on television series airing on The CW" -- a passage
    copied under another subject. Both open with a name, neither name holds the other (nor
    spells out its acronym: "UDP", "User Datagram Protocol"), and the passage does not name the
    sentence's subject anywhere."""
    mine, theirs = _OPENING_NAME.match(sentence), _OPENING_NAME.match(passage)
    if not (mine and theirs):
        return False
    ours, other = stems(mine.group(1)), stems(theirs.group(1))
    return bool(ours - other and other - ours and not names_in(mine.group(1), passage, sentence))


def union_support(sentence: str, texts: list[str], report_subject: Collection[tuple[str, str]] = ()) -> Support:
    """Support of a sentence by the sources it cites taken together: the best passage of each,
    joined, scored as one text (a sentence may join a fact of one source to a fact of another),
    or the best single source when that scores higher. A sentence that says what a name is or
    was (`said_of`) is supported only when a cited source names it; what a source says of
    another name (`speaks_of_another`) supports nothing of the sentence's, alone or joined.
    `report_subject`: the report's subject as pairs of word stems (outline.subject_pairs: "garbage",
    "collection"); a sentence that writes a pair in a row says something of the subject, so what
    it cites must have both words -- the entry
    on memory management ("Techniques include swapping, paging and virtual memory") does not
    support "The main collection techniques used in garbage collection include swapping …"."""
    subject = said_of(sentence)
    if subject and not any(names_in(subject, text, sentence) for text in texts):
        return Support(0.0)          # "Scheme is a declarative paradigm ..." citing pages that never name Scheme
    # "… used in garbage collection …" or "Display hacks are a type of malware …" citing a page that
    # never says garbage, or malware: the cited pages' words, read once for both checks
    subject_words, category = _subject_words(sentence, report_subject), _category_words(sentence)
    if subject_words or category:
        read = stems(" ".join(texts))
        if not (category <= read and all(any(same_word(w, h) for h in read) for w in subject_words)):
            return Support(0.0)
    alone = [_of_its_own_subject(sentence, text) for text in texts]
    best = max(alone, key=lambda s: s.score, default=Support(0.0))
    if len(texts) < 2:
        return best
    joined = support(sentence, "\n".join(s.quote for s in alone if s.quote))
    return joined if joined.score > best.score else best


# "Display hacks are a type of malware that ...": the category a sentence files its subject under
_CATEGORY = re.compile(r"\b(?:is|are|was|were)\s+(?:(?:a|an|one)\s+)?(?:[\w-]+\s+)?"
                       r"(?:types?|kinds?|forms?|class(?:es)?|sorts?|categor(?:y|ies))\s+of\s+(?:(?:the|an?)\s+)?"
                       r"([\w-]+(?:\s+[\w-]+)?)", re.IGNORECASE)


def _subject_words(sentence: str, subject: Collection[tuple[str, str]]) -> set[str]:
    """The words of each pair of `subject` the sentence writes in a row: what it names of the
    report's subject, which what it cites must have (as `same_word`)."""
    written = [stem(w) for w in re.findall(r"[\w'-]+", sentence.lower())]
    said = set(zip(written, written[1:]))
    return {word for pair in subject if pair in said for word in pair}


def _category_words(sentence: str) -> set[str]:
    """The category the sentence files its subject under ("a type of malware": the two words
    after "of" but for function words), all of which what it cites must have: the rest of a
    page's words can carry a sentence past the support threshold, but a small model adds the
    category from memory, and that is the claim."""
    m = _CATEGORY.search(sentence)
    return stems(m.group(1)) if m else set()


# "The term 'bug' comes from ...": a sentence about a word
_ABOUT_A_WORD = re.compile(r"^\W*(?:the\s+)?(?:term|word|name|expression|phrase)\s+"
                           r"[\"'\u2018\u201c]([^\"'\u2019\u201d]{1,60})[\"'\u2019\u201d]", re.IGNORECASE)
_HEADING = re.compile(r"\A\s*#\s+(.+)")


def _of_its_own_subject(sentence: str, text: str) -> Support:
    """`support`, leaving out the text's sentences that say it of another name; a sentence about
    a word ("The term 'bug' comes from quantum physics") only from the entry on that word or from
    sentences that name the word as a word -- the entry on "Bohr bug" says where "Bohr bug"
    comes from, not where "bug" does."""
    word = _ABOUT_A_WORD.match(sentence)
    if word and not ((heading := _HEADING.match(text)) and stems(heading.group(1)) == stems(word.group(1))):
        as_word = re.compile(rf"[\"'\u2018\u201c]{re.escape(word.group(1))}[\"'\u2019\u201d]", re.IGNORECASE)
        text = "\n".join(s for s in sentences(text) if as_word.search(s))
    text = _said_of_it(named_subject(sentence), text, _opening_phrase(sentence))
    found = support(sentence, text)
    if not speaks_of_another(sentence, found.quote):
        return found
    return support(sentence, "\n".join(s for s in sentences(text) if not speaks_of_another(sentence, s)))


# Sentence openers that refer back or quantify, and name nothing: "It has ...", "There are ...",
# "Many algorithms are ..."
_REFERS_BACK = set("it its he his she her they their them this these that those there here one".split())
_NAMES_NOTHING = _REFERS_BACK | set("many most some several all both each every few other others "
                                    "another such any no however".split())


def named_subject(sentence: str) -> str:
    """`said_of`, when it is a name: "" for "It has ...", "There are ...", "Many algorithms are ..."."""
    subject = said_of(sentence)
    return "" if not subject or subject.split()[0].lower() in _NAMES_NOTHING else subject


def page_subject(sentence: str, text: str) -> set[str]:
    """Stems of the page's own name (its heading) when `sentence`, one of the page's, names no
    subject of its own ("He has been a TD since 2007", "The battle ended ..."): what it speaks
    of; empty when it opens with a name ("Leo Varadkar has been ...") or the page has no heading."""
    heading = _HEADING.match(text)
    return stems(heading.group(1)) if heading and not named_subject(sentence) else set()


def _said_of_it(subject: str, text: str, phrase: str = "") -> str:
    """The sentences of `text` that can say something of `subject` (the name a claim says
    something of, `named_subject`): a page headed by another name ("# q") says its sentences
    with no subject of their own ("A very high level language by Per Bothner ...") of that
    headword, not of Scheme, which it names further down. Kept: the sentences naming the
    subject or opening with a name of their own (`speaks_of_another` judges those), and the
    ones that refer back ("It ...") or go on from them (a line of a sentence cut by the page's
    line breaks, not a new paragraph). Unchanged when the claim opens with no name, the page
    has no heading, or its heading is headed by the subject (`_headed_by`; `phrase`: the claim's
    words up to its verb, "Shared memory" where the name is "Shared"). A sentence that
    names the subject only as an example ("Memory in a parallel computer, usually RAM, which
    ...") is the headword's."""
    heading = _HEADING.match(text)
    if not subject or not heading or _headed_by(subject, heading.group(1), phrase):
        return text
    kept: list[str] = []
    ours = False                    # the sentence before was said of the subject
    for sent, new_paragraph, previous in _sentences_in_paragraphs(text[heading.end():]):
        opener = re.match(r"\W*([\w'-]+)", sent)
        first = opener.group(1) if opener else ""
        ended = new_paragraph or previous.rstrip(" *_)]\"'").endswith((".", "!", "?", ":"))
        goes_on = first[:1].islower() or not ended
        if names_in(subject, _EXAMPLE.sub(" ", sent)):
            ours = True
        elif names_in(subject, sent):
            ours = False            # named only as an example of what the sentence speaks of
        elif named_subject(sent):
            ours = True             # another name's sentence: kept for speaks_of_another
        elif not (goes_on or first.lower() in _REFERS_BACK):
            ours = False            # no subject of its own: the headword's
        if ours:
            kept.append(sent)
    return "\n".join(kept)


def _headed_by(subject: str, heading: str, phrase: str = "") -> bool:
    """The heading names the subject as what it is about: all its words, and its last word (its
    head) one of the claim's words up to its verb (`phrase`, or the subject): "Common Lisp" is a
    Lisp; "lisp machine" is a machine, whose entry's "A line of workstations made by Symbolics,
    Inc. from the mid-1970s" is not said of Lisp. An acronym's words spelled out count ("TCP",
    "Transmission Control Protocol")."""
    if not names_in(subject, heading):
        return False
    if re.fullmatch(r"[A-Z]{2,8}", subject) and not stems(subject) & stems(heading):
        return True
    words = re.findall(r"[\w'-]+", re.sub(r"\s*\([^)]*\)\s*$", "", heading).lower())
    return bool(words) and any(same_word(stem(words[-1]), s) for s in stems(f"{subject} {phrase}"))


def _opening_phrase(sentence: str) -> str:
    """The words a sentence opens with up to its verb or bracket, when it opens with a name
    (`said_of`): "Shared memory" of "Shared memory is memory in ...", whose name is "Shared"."""
    m = _OPENING_NAME.match(sentence)
    return sentence[m.start(1):m.end()].strip(" ,") if m and said_of(sentence) else ""


# "Memory in a parallel computer, usually RAM, which can be accessed by ...": a name given as an
# example of what the sentence speaks of, to the next punctuation; what follows is said of the
# memory, not of RAM
_EXAMPLE = re.compile(r"(?:\b(?:usually|typically|often|mostly|normally|generally|such as|for example|for instance|"
                      r"including|especially|notably)\b|\be\.g\.)[^,;:.()]*", re.IGNORECASE)


def _sentences_in_paragraphs(text: str) -> Iterator[tuple[str, bool, str]]:
    """Each sentence of `text` (`sentences`), whether it opens a paragraph (after a blank line),
    and the sentence before it."""
    previous = ""
    for paragraph in re.split(r"\n\s*\n", text):
        for number, sent in enumerate(sentences(paragraph)):
            yield sent, number == 0, previous
            previous = sent


def _done_by_another(claimed: dict, *window: dict) -> bool:
    """The window names who did what the claim says, and it is not the claim's name."""
    for verb, agents in claimed.items():
        doers = [doer for found in window for doer in found.get(verb, [])]
        if doers and any(not any(agent & doer for doer in doers) for agent in agents):
            return True
    return False


def is_yes_no(answer: str) -> bool:
    return answer.strip().lower().rstrip(".!") in YES_NO


# A name written with one capital letter ("C", "R", "C++", "F#"): it has no content word to match,
# so it is looked for as written -- a whole token, not an initial ("C. S. Lewis"), never "A" or "I",
# which any sentence may open with
_LETTER_NAME = re.compile(r"[B-HJ-Z](?:\+\+|#)?")


def is_letter_name(answer: str) -> bool:
    return bool(_LETTER_NAME.fullmatch(answer.strip()))


def _letter_name_support(name: str, text: str) -> Support:
    written = re.compile(rf"(?<![\w+#.&-]){re.escape(name)}(?![\w+#&-])(?!\.\s*[A-Z]\b)")
    quote = next((s for s in statements(text) if written.search(s)), None)
    return Support(1.0, quote[:QUOTE_CHARS]) if quote else Support(0.0)


def answer_support(answer: str, text: str) -> Support:
    """How well the text states the answer: `support` without the names rule (an answer "The
    Flamingo Hotel" is stated with a quarter of its words missing), a country also counting
    as its nationality word ("Armenia" by "an Armenian-American photographer"), a letter name
    as written ("C" by "C became immensely popular"); a bibliography entry states nothing
    (`prose`)."""
    text = prose(text)
    if is_letter_name(answer):
        return _letter_name_support(answer.strip(), text)
    found = (support(form, text, names_count=False) for form in [answer, *nationality_forms(answer)])
    return max(found, key=lambda s: s.score)


def states_answer(answer: str, text: str) -> bool:
    """The text states the answer (all but a quarter of its content words in one passage, and
    its numbers exactly). Never true for yes/no answers, which no text spells out."""
    if is_yes_no(answer) or not (content_words(answer) or is_letter_name(answer)):
        return False
    return answer_support(answer, text).score >= STATED


# ------------------------------------------------------------------ claims: a report's sentences, the findings' quotes

@dataclass
class Claim:
    text: str                     # the sentence, without its citation marks
    sources: list[int]            # citations kept (supported)
    dropped: list[int]            # citations removed because the source does not support it
    score: float                  # best support score over the cited sources
    quote: str                    # exact passage of the best supporting source
    quote_source: int | None
    on_topic: bool = True         # about the question (see `about`); off-topic claims are removed
    of_answer: bool = False       # the answer line's own citation (a passage stating the answer)

    @property
    def supported(self) -> bool:
        return bool(self.sources)

    @property
    def kept(self) -> bool:
        """In the report: supported by a cited source and about the question."""
        return self.supported and self.on_topic

    def as_json(self) -> dict:
        return {"text": self.text, "sources": self.sources, "dropped_sources": self.dropped,
                "supported": self.supported, "on_topic": self.on_topic, "score": self.score,
                "quote": self.quote, "quote_source": self.quote_source, "answer": self.of_answer}


def is_fragment(sentence: str) -> bool:
    """A fact cut short: fewer than CLAIM_WORDS words, or it ends on a comma or a word such as "the"."""
    text = sentence.strip().rstrip(".!?").strip()
    return len(re.findall(r"\w+", text)) < CLAIM_WORDS or bool(_DANGLING.search(text))


# ------------------------------------------------------------------ conflicts

@dataclass
class Conflict:
    """Sources that give different values for the fact the answer rests on."""
    answer_value: str
    supporting: list[int]                        # sources stating the answer's value
    other_values: dict[str, list[int]]           # value -> sources stating it instead
    quotes: dict[int, str]                       # source -> the sentence that says it
    follows: str = ""                            # which side the answer follows, and why

    def as_json(self) -> dict:
        return {"answer_value": self.answer_value, "supporting": self.supporting,
                "other_values": self.other_values, "quotes": {str(k): v for k, v in self.quotes.items()},
                "follows": self.follows}


def stating_otherwise(texts: dict[int, str], skip: Collection[int], kind: re.Pattern,
                      value: str) -> Iterator[tuple[int, str, set[str]]]:
    """Each sentence of the sources not in `skip` that gives values of `kind` (YEAR or NUMBER)
    other than `value`, and not `value` itself: (source, sentence, those values)."""
    for sid, text in texts.items():
        if sid in skip:
            continue
        for sentence in evidence_sentences(text):
            if value in numbers(sentence):
                continue
            found = {v.rstrip(".,").replace(",", "") for v in kind.findall(sentence)} - {value}
            if found:
                yield sid, sentence, found


def find_conflict(question: str, answer: str, texts: dict[int, str]) -> Conflict | None:
    """For an answer that is or contains a number or year: a sentence in another source that
    is about the question (two of its words) and says nearly the same thing (60% of the
    supporting sentence's words, numbers aside) with a different value of the same kind is a
    conflict. Names are not compared: that would need
    more than word overlap. A number the question writes itself is part of a name it gives, not
    a value the answer found ("712" of "712 Fifth Avenue", for "Which tower is taller, 712 Fifth
    Avenue or ...?")."""
    asked = set(YEAR.findall(question)) | numbers(question)
    values = ([v for v in YEAR.findall(answer) if v not in asked]
              or [v for v in sorted(numbers(answer)) if v not in asked])
    if not values:
        return None
    value = values[0]
    kind = YEAR if YEAR.fullmatch(value) else NUMBER
    key = stems(question)
    support_sents: dict[int, str] = {}
    for sid, text in texts.items():
        for s in evidence_sentences(text):
            if value in numbers(s) and len(key & stems(s)) >= 2:
                support_sents.setdefault(sid, s)
    if not support_sents:
        return None
    templates = [{w for w in stems(s) if not w.isdigit()} for s in support_sents.values()]
    others: dict[str, list[int]] = {}
    quotes = {sid: s[:QUOTE_CHARS] for sid, s in support_sents.items()}
    for sid, s, found in stating_otherwise(texts, support_sents, kind, value):
        if sid in quotes:                        # one sentence per source
            continue
        words = stems(s)
        if len(key & words) >= 2 and any(len(t & words) >= max(2, 0.6 * len(t)) for t in templates):
            others.setdefault(sorted(found)[0], []).append(sid)
            quotes[sid] = s[:QUOTE_CHARS]
    if not others:
        return None
    conflict = Conflict(value, sorted(support_sents), others, quotes)
    against = max(len(ids) for ids in others.values())
    if len(conflict.supporting) > against:
        conflict.follows = (f"{value}: stated by {len(conflict.supporting)} of the sources read, "
                            f"against {against} for any other value")
    else:
        conflict.follows = (f"{value}: the sources are split (or most say otherwise); the answer follows "
                            f"the source the research relied on — treat it as uncertain")
    return conflict
