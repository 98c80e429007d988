"""The findings of a short answer: sentences of the pages read, quoted, chosen in code.

Under its answer line a short answer shows what the sources say about what the question asks:
for each name the question asks about (names.subjects), the sentence of a page read that names
it and says most of the rest of the question (and the answer, where it does), copied exactly,
with the page it is on; and, when none of those states the answer, the sentence that does (the
last hop of a chain: the actress's page for the office she held). "Are both Delmer Daves and
Jean-Pierre Jeunet film directors?" gets "Delmer Daves was an American screenwriter, film
director and producer." [2] and Jeunet's counterpart; "... the woman who portrayed Corliss
Archer in the film Kiss and Tell?" gets the film's sentence that names her, then hers that
states the office. A question that names nothing gets the sentence that says most of its words.

Quoted, not written: the model used to write "2 to 6 short facts" here, and on the validation
split (devb50-v2, 1.5B) that call was 27 % of a short answer's model time (129 completion tokens
and 26 s per question) while 88 of its 145 sentences failed the support check and were removed
(22 of 50 reports kept any). A quote is supported by construction, and `kresearch check` can
re-verify it against the page's snapshot like any claim.

Only pages on the question's trail (verify.Evidence.on_trail) are quoted: a page about a
namesake is no evidence for the question. A sentence about one of the question's names on
another thing's page is quoted only on the way to the answer (`_on_chain`): one that fits the
question's description of someone other than the answer is another candidate, not evidence.
And a name the report already shows is not quoted again: one the answer's own quotes or the
comparison's facts name (`shown`), the sentence stating the answer names, or an earlier finding
names. A second sentence for it was most often a namesake's
("Carmel High School (Mundelein, Illinois)" beside "Kapaun Mt. Carmel Catholic High School"'s own
page in the comparison) or a general page ("The Young Hollywood Awards was an award presented
annually" under the 2014 show's page that states the host): on the tuning run dev51-100-s53, 9 of
the 12 findings citing a page that neither is a supporting page nor holds the answer.
"""
from __future__ import annotations

import re
from typing import Iterable, Iterator

from ..context import stems
from ..evidence import QUOTE_CHARS, Claim, as_shown, evidence_sentences, is_heading, is_yes_no, states_answer
from ..names import MONTHS, capitalised, mentions, name_runs, nationality_forms, nationality_of, page_name, subjects
from .verify import Evidence, choice_options

FINDINGS = 4        # quoted sentences at most
QUOTE_WORDS = 5     # shorter sentences are headings, captions or fragments
NAMELESS_SHARE = 0.4   # of a question naming nothing, the share of its words a finding must say
# A page's note on its namesakes ("For the Nobel Prize-winning author, see Halldór Laxness.",
# "This article is about the album."): it points to another page and states nothing.
_HATNOTE = re.compile(r"^\W*(?:for [^.;]{1,100}, see\b|this (?:article|page) is about\b|not to be confused with\b)",
                      re.IGNORECASE)


def quoted_findings(ev: Evidence, trail: set[int], shown: Iterable[tuple[int, str]] = (),
                    limit: int = FINDINGS) -> list[Claim]:
    """One quoted sentence per subject of the question (in the question's order; one in all for a
    question naming nothing), from the pages in `trail`; none for a subject no page read says
    anything of the question about, nor for one the report already shows: a sentence of `shown`
    ((source, sentence) pairs: the answer's quotes, the comparison's facts), the sentence stating
    the answer or an earlier finding names it, or is on a page about it."""
    asked = stems(ev.question)
    answer = set() if is_yes_no(ev.answer) or not ev.answer.strip() else stems(ev.answer)
    found: list[Claim] = []
    shown = list(shown)
    used: set[str] = {clip(sentence) for _, sentence in shown}
    stated = any(sid in trail for sid in ev.stating())
    # each page's name, without and with its qualifier: "Ed Wood", "Ed Wood (film)"
    pages = {sid: (page_name(ev.titles.get(sid, "")), page_name(ev.titles.get(sid, ""), qualifier=True))
             for sid in ({*trail} | {sid for sid, _ in shown})}
    # the last hop of the question's chain: quoted where the first name it shows comes, else after
    # the names' findings unless one of them or a sentence shown states the answer
    stating = _stating(ev, trail, asked, used) if answer else None
    # the pages that state the answer, and the names they are about: a finding on another page
    # must lead to them (see _on_chain)
    answer_pages = {sid for sid in ev.stating() if sid in trail} if answer else set()
    answer_names = [frozenset(stems(page_name(ev.titles.get(sid, "")))) for sid in answer_pages]

    def shows(name: frozenset[str], sid: int, sentence: str) -> bool:
        """The sentence names it, or is on a page about it ("2014 Young Hollywood Awards" for "the
        16th Annual Young Hollywood Awards")."""
        return mentions(name, capitalised(sentence) | capitalised(pages[sid][0]))

    for name in asked_names(ev.question) or [frozenset()]:
        if len(found) >= limit:
            break
        if name and any(shows(name, sid, sentence) for sid, sentence in shown):
            continue
        if name and stating is not None and shows(name, *stating):
            found.append(_quoted(*stating))
            used.add(found[-1].quote)
            shown.append(stating)
            stating = None
            continue
        best = None
        led: set[int] = set()
        for sid, position, sentence in _quotable(ev, trail, used):
            named_as, qualified = pages[sid]
            title = stems(named_as)
            own_page = _own_page(name, named_as)
            # a title with the name alone is the thing the name means; "Ed Wood (film)" is a namesake's
            plain = own_page and "(" not in qualified
            words = stems(sentence)
            if words <= title or _names_site(sentence, ev.titles.get(sid, "")):   # title line, site chrome
                continue
            # a page's first sentence is about what its title names ("Edward Davis Wood Jr. ... was
            # an American filmmaker" on the page "Ed Wood")
            lead = sid not in led
            led.add(sid)
            # what it says of the question besides the name, the answer's words counting double
            said = len(words & (asked - name)) + 2 * len(words & answer)
            # names against names; a question naming nothing has only its answer to name, when
            # a page on the trail states it (else the sentence that says most of the question)
            named = (mentions(name, capitalised(sentence)) or (own_page and lead) if name
                     else (not stated or states_answer(ev.answer, sentence)))
            # On the subject's own page a sentence that names it will do, so its lead does
            # ("Neil Jordan is an Irish novelist ..." for "Are both ... and Neil Jordan
            # American?"), and so does one that says something of the question ("The band
            # consists of three members"). Elsewhere it must name it -- "The Skulls were a
            # punk rock band" does not name "Band of Skulls" -- and say more than the name.
            # A question naming nothing has no name to hold a sentence to: it must say a good share
            # of the question ("Is drinking coffee associated with lower all-cause mortality ...?"
            # was backed by hardware "infant mortality": 2 of its 10 words).
            enough = ((named or said > 0) if own_page else
                      (named and said >= (2 if name else max(2, NAMELESS_SHARE * len(asked)))
                       and _on_chain(sid, sentence, ev.answer, answer_pages, answer_names)))
            if not enough:
                continue
            key = (own_page, said, plain, -position, -sid)
            if best is None or key > best[0]:
                best = (key, sid, sentence)
        if best is not None:
            found.append(_quoted(*best[1:]))
            used.add(found[-1].quote)
            shown.append(best[1:])
    if (stating is not None and clip(stating[1]) not in used and len(found) < limit
            and not any(states_answer(ev.answer, sentence) for _, sentence in shown)):
        found.append(_quoted(*stating))
    return found


def _on_chain(sid: int, sentence: str, answer: str, answer_pages: set[int], answer_names: list[frozenset[str]]
              ) -> bool:
    """A sentence about a name the question gives, on a page not its own, backs the answer only on
    the way to it: it states the answer, is on a page that does, or names what such a page is
    about ("Shirley Temple as Corliss Archer" on the film's page, her page stating her office).
    "David Urban ... worked on the 2016 Donald Trump presidential campaign" fits the question's
    description of the lobbyist asked about but is another one's page: it was quoted under
    "April 1, 1949", Paul Manafort's birth date. No page stating the answer: nothing to lead to."""
    if not answer_pages or sid in answer_pages or states_answer(answer, sentence):
        return True
    said = capitalised(sentence)
    return any(name and mentions(name, said) for name in answer_names)


def _own_page(name: frozenset[str], page: str) -> bool:
    """The page named `page` is the name's own: "Kiss and Tell (1945 film)" is the page of "Kiss and
    Tell"; "The Skulls" is not of "Band of Skulls", nor "Popular science" of the magazine "Popular
    Science": the title writes the name."""
    return bool(name) and stems(page) <= name and mentions(name, capitalised(page))


def _names_site(sentence: str, title: str) -> bool:
    """The sentence names the site the page is on ("From Wikipedia, the free encyclopedia" on
    "Ed Wood - Wikipedia"): the site's words around the page, not the page's."""
    parts = re.split(r"\s+[-|\u2013\u2014]\s+", title)
    site = stems(parts[-1]) if len(parts) > 1 else set()
    return bool(site) and site <= stems(sentence)


def _stating(ev: Evidence, trail: set[int], asked: set[str], used: set[str]) -> tuple[int, str] | None:
    """The sentence of a page on the trail that states the answer and says most of the question
    besides: the last hop of the question's chain ("... she served as Chief of Protocol of the
    United States"), which the sentences about its names do not reach."""
    best = None
    for sid, position, sentence in _quotable(ev, trail, used):
        if states_answer(ev.answer, sentence):
            key = (len(stems(sentence) & asked), -position, -sid)
            if best is None or key > best[0]:
                best = (key, sid, sentence)
    return best[1:] if best is not None else None


def _quotable(ev: Evidence, trail: set[int], used: set[str]) -> Iterator[tuple[int, int, str]]:
    """(source, position, sentence) for each sentence of the pages in `trail` that may be quoted:
    not quoted yet, not a heading, fragment or note on namesakes, never an instruction to agents."""
    for sid in sorted(trail):
        for position, sentence in enumerate(evidence_sentences(ev.opened.get(sid, ""))):
            if (not is_heading(sentence) and len(sentence.split()) >= QUOTE_WORDS and not _HATNOTE.match(sentence)
                    and clip(sentence) not in used):
                yield sid, position, sentence


def _quoted(sid: int, sentence: str) -> Claim:
    """A finding: the sentence as quoted (`quote`), shown with " …" where it was clipped."""
    quote = clip(sentence)
    text = as_shown(quote) if len(quote) == len(" ".join(sentence.split())) else as_shown(quote) + " …"
    return Claim(text=text, sources=[sid], dropped=[], score=1.0, quote=quote, quote_source=sid)


def asked_names(question: str) -> list[frozenset[str]]:
    """The question's subjects (names.subjects) less the names that say what is asked of them: a
    country ("both from the United States?"), a month ("the January 2, 2012 game"), one in the
    interrogative phrase ("what larger Hall of Fame?": the kind of answer asked), and in a
    choice between two options, any name but theirs ("Disney" in "Which film director is an
    advisor for Disney, Rick Ray or John Lasseter?" is what is asked of them)."""
    options = [frozenset(stems(option)) for option in choice_options(question)]
    if options:
        return [name for name in options if name]
    attributes = {frozenset(stems(run)) for run in name_runs(question)
                  if nationality_forms(run) or nationality_of(run) or run.lower() in MONTHS}
    kinds = {frozenset(stems(run)) for run in name_runs(_asked_phrase(question))}
    return [name for name in subjects(question) if name not in attributes and name not in kinds]


# "what larger Hall of Fame?", "which Nevada city?", "What NIFL Premier Intermediate League team did
# ...": the interrogative, a name and at most one noun after it, then the end or the verb
_AUX = r"(?:is|are|was|were|did|does|do|has|have|had|can|could|will|would)\b"
# (capitalised only where the question starts: "What Are Little Girls Made Of?" is a title; one
# word between, no article, preposition or verb: "the city in which the National Archives ...
# is located" relates, "What retailer in ABQ Uptown is ..." asks of ABQ Uptown)
_ASKED_PHRASE = re.compile(rf"(?:^\W*(?:What|Which)|\b(?:what|which))\s+(?:(?!(?:the|a|an|in|of|on|at|for|by|from|with)\s|{_AUX})"
                           r"[a-z][\w'-]*\s+)?"
                           r"((?:[A-Z][\w'’.-]*(?:\s+(?:of|the|and|for|de)\s+|\s+))*[A-Z][\w'’.-]*)"
                           rf"(?:\s+[a-z][\w'-]*)?(?=\s*[?,;:]|\s+{_AUX}|\s*$)")


def _asked_phrase(question: str) -> str:
    """The words of the question's interrogative phrase after "what"/"which" ("larger Hall of
    Fame" for "... recognized by what larger Hall of Fame?"): the names in it say what kind of
    answer is asked, and are no subject to quote a finding for ("In 1977 George Randazzo created
    the Italian American Boxing Hall of Fame" had been quoted, another hall's page)."""
    found = _ASKED_PHRASE.search(question)
    return found.group(1) if found else ""


def clip(sentence: str) -> str:
    """The sentence on one line (its spacing joined), or its first QUOTE_CHARS characters cut at
    a word."""
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= QUOTE_CHARS else sentence[:QUOTE_CHARS].rsplit(" ", 1)[0]


def findings_markdown(claims: list[Claim]) -> str:
    return "\n".join(f'- "{c.text}" [{c.sources[0]}]' for c in claims)
