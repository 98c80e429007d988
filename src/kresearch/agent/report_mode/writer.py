"""Writing a report: one model call per section from that aspect's quotes, a summary from the
kept sentences, and the Markdown assembled in code.

Every sentence comes back as {"text", "sources"} under a grammar that allows only the numbers
of the quotes shown, so a citation can never point at an unread page. Each cited sentence is
checked against the *union* of the texts it cites (a sentence may join two sources' facts):
supported at evidence.SUPPORTED or it is removed and counted. A sentence without sources is
kept only when it states no fact of its own (short, no numbers, no names beyond those the
section's kept sentences already carry): a connecting sentence, not an unchecked claim.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from ...sources import SourceRegistry
from ...tools.browser import split_sentences
from ..context import content_words, same_word, stem, stems
from ..evidence import (CITATION, SUPPORTED, Claim, is_fragment, is_instruction, numbers, support,
                        union_support)
from ..names import page_name
from ..report import complete_items, references
from . import coverage
from .angles import angle_families, answers_angle
from .coverage import Aspect
from .disagreements import Disagreement
from .outline import names_subject

CONNECTIVE_WORDS = 20
# a parenthesis or bracket, then a capital: the gloss a dictionary entry opens with ("(PKE) An
# encryption scheme ...", "[From the Usenet group alt.folklore.urban] To utter a posting ...")
_GLOSS = re.compile(r"(\([^()]{1,200}\)|\[[^\[\]]{1,200}\])\s+[A-Z]")
# fewer words than this is a stub a report cannot use, whatever a page says ("Nielsen, and J.",
# "A bug n.", "The SPARC 1."): evidence.CLAIM_WORDS (3) is the short answers' limit
STATEMENT_WORDS = 4
# fewer content words than this say nothing a source can be checked for: "It's his funeral."
# (one word, "funeral", found on any page that has it, scores 1.0)
MIN_SAID = 2
QUOTED_WORDS = 6          # a source sentence shorter than this is a date or a heading, not a statement
# Sentences a section may hold beyond its length so that each source covering its aspect is cited
# by its best sentence (measured by replaying stored runs: +3 cited 0.383 -> 0.406 key points;
# once every page read counted for every aspect it covers, +5 cited 0.492 -> 0.500, 768 -> 787
# words; more added nothing: the two-aspect-words rule is then what limits).
COVERING_EXTRA = 5
_NAME = re.compile(r"(?<!^)(?<![.!?] )\b[A-Z][a-zA-Z]+")
# A reference-list entry, not a statement: pages ("pp. 473", "1992, 490-507." at the end), "et al",
# an ISBN, an entry opening with a bracket ('["Memory Management and ...", Yuasa, 1992]') or with
# a quoted title and a comma ('"Collections and Garbage Collection", S.C.'), or a cross-reference
# ("See also samurai, dark-side hacker, and hacker ethic.").
_REFERENCE = re.compile(r"\bpp?\.\s*\d|\bet al\b|\bISBN\b|^\W*\[|^\W*See\b|"
                        r"^\W*[\"\u201c][^\"\u201d]{1,75}\s[^\"\u201d]{1,75}[\"\u201d],|"
                        r"\b(?:1[5-9]|20)\d\d\b,?\s*\d+\s*[-\u2013]\s*\d+\W*$")


def sentences_schema(source_ids: list[int], low: int, high: int) -> dict:
    sources = {"type": "array", "items": {"enum": sorted(source_ids)}, "minItems": 0, "maxItems": 3} \
        if source_ids else {"type": "array", "maxItems": 0}
    return {"type": "object", "properties": {"sentences": {
        "type": "array", "minItems": low, "maxItems": high, "items": {
            "type": "object", "properties": {
                "text": {"type": "string", "minLength": 10, "maxLength": 300},
                "sources": sources},
            "required": ["text", "sources"]}}},
        "required": ["sentences"]}


def parse_sentences(text: str) -> list[tuple[str, list[int]]]:
    """(sentence, source numbers) from the writer's JSON; complete items of cut-off JSON too."""
    try:
        items = json.loads(text)["sentences"]
    except (ValueError, KeyError, TypeError):
        items = complete_items(text, "text")
    out = []
    for item in items if isinstance(items, list) else []:
        try:
            text = " ".join(str(item["text"]).split())
            ids = list(dict.fromkeys(int(n) for n in item.get("sources", [])))
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
        # an item may hold several sentences: each is checked on its own, with the item's sources
        plain = re.sub(r"\s+([.,;:!?])", r"\1", " ".join(CITATION.sub(" ", text).split()))
        for piece in _rejoined(split_sentences(plain)):
            piece = piece if not is_broken(piece) else _before_open_bracket(piece)
            if piece and not is_broken(piece):
                out.append((piece, ids))
    return out


def _before_open_bracket(piece: str) -> str:
    """A sentence cut short inside a bracket ends before it: "RISC designs use uniform
    instruction encoding (e.g. the op-code is always in" -> "RISC designs use uniform
    instruction encoding." The aside is lost, the statement is whole. "" for any other piece,
    and for a head shorter than a statement ("CISC designs support (")."""
    at = piece.rfind("(")
    head = piece[:at].rstrip(" ,;:-") if at >= 0 and ")" not in piece[at:] else ""
    return head + "." if len(re.findall(r"\w+", head)) >= QUOTED_WORDS else ""


def _rejoined(pieces: list[str]) -> list[str]:
    """Pieces split at a full stop that ends no sentence -- a number or an abbreviation before a
    lower-case word ("The SPARC 1. processor architecture ...", "(e.g. the op-code ...") or an
    initial before a name ("for the Mayfly by M. Swanson") -- joined again: alone, the first is
    a stub a page's words support ("The SPARC 1.", "Concurrent Scheme was developed by M.")."""
    joined: list[str] = []
    for piece in pieces:
        if joined and (piece[:1].islower() or _INITIAL.search(joined[-1])):
            joined[-1] = f"{joined[-1]} {piece}"
        else:
            joined.append(piece)
    return joined


# a piece ending in an initial: "by M.", "P. J." -- a capital alone before the full stop
_INITIAL = re.compile(r"(?:^|[\s(])[A-Z]\.$")


# an article or a comma before a lone letter at the end: a word or an "i.e." cut short ("With Fine
# Gael being the g.", "by paging out some other page, i."), or an abbreviation that introduces
# what follows ("any constant, e.g.")
_CUT_WORD = re.compile(r"\b(?i:the|an?)\s+[a-z]\W*$|\b(?i:e\.g|i\.e|cf|viz)\.$|,\s*[a-z]\.$")


def is_broken(sentence: str) -> bool:
    """A sentence not worth checking: cut short (no end, a dangling last word or a cut one, fewer
    than STATEMENT_WORDS words or MIN_SAID content words, a bracket left open: "uniform
    instruction encoding (e.g.", or one closed that never opened: "Emacs Lisp), the symbols …"),
    a question (a report states), starting mid-sentence (lower case, or a bracket: "(ARM),
    developer of …"; a gloss before the sentence is no such bracket:
    "(From "Tapeworm" in ...) A program that ..." is how a dictionary entry starts), or a loop
    (most of its words repeated)."""
    words = re.findall(r"\w+", sentence.lower())
    starts_mid = not (sentence[:1].isupper() or sentence[:1].isdigit() or sentence[:1] in "\"\u201c"
                      or _GLOSS.match(sentence))
    return (sentence[-1:] not in ".!\"')\u201d\u2019" or is_fragment(sentence) or len(words) < STATEMENT_WORDS
            or bool(_CUT_WORD.search(sentence)) or len(stems(sentence)) < MIN_SAID
            or starts_mid or _unbalanced(sentence) or len(set(words)) < 0.6 * len(words))


_LIST_MARK = re.compile(r"(?:^|\s)\w{1,2}\)")      # "1) mark the live objects, 2) sweep ..."


def _unbalanced(sentence: str) -> bool:
    """A bracket left open, or one closed that never opened (list markers aside)."""
    unmarked = _LIST_MARK.sub(" ", sentence)
    return sentence.count("(") > sentence.count(")") or unmarked.count(")") > unmarked.count("(")


def fill_from_quotes(section: "Section", aspect: Aspect, texts: dict[int, str], want: int, most: int = 0,
                     titles: dict[int, str] | None = None) -> None:
    """Top a section that kept fewer than `want` sentences up with sentences of the aspect's
    quotes, verbatim and in quotation marks (so the reader sees they are the source's words):
    statements (QUOTED_WORDS or more) that name the aspect's words, those naming most first, not
    already said, and not entries of a reference list. A quote that does not name what its page
    is about is led by the page's name (`titles`): a dictionary entry defines its headword
    without repeating it ("reference counting: “A garbage collection technique that ...”")."""
    have = {w for text, _ in section.sentences for w in re.findall(r"[a-z0-9]+", text.lower())}
    aspect_words = stems(" ".join([aspect.query or aspect.title, *aspect.terms]))   # its terms: the entries' words
    # a sentence written the way the aspect's angle is answered counts one word more: "Invented by
    # John McCarthy at MIT" before "Emacs Lisp packages have been written" for "Where Lisp came from"
    angles = angle_families(aspect.title)
    candidates = []
    for order, (sid, quote) in enumerate(aspect.quotes + coverage.more_quotes(aspect, texts, titles=titles)):
        # a page's first statement speaks of its subject, named or not ("A program that ...")
        headword = set() if quote.startswith("…") else stems(page_name((titles or {}).get(sid, "")))
        for index, sentence in enumerate(_rejoined(split_sentences(quote.strip("… ")))):
            words = set(re.findall(r"[a-z0-9]+", sentence.lower()))
            said = stems(sentence)
            if len(words) >= QUOTED_WORDS:
                said, headword = said | headword, set()
            about = sum(coverage.has_word(w, said) for w in aspect_words)     # in any form: "bugs" is "bug"
            # a quoted sentence must say something about the aspect, in a sentence's length
            if (not about or len(words) < QUOTED_WORDS or is_broken(sentence) or is_instruction(sentence)
                    or _REFERENCE.search(sentence) or len(words & have) > 0.6 * len(words)):
                continue
            candidates.append(_Candidate(-about - answers_angle(sentence, angles), order, index, sentence, sid, about))
    ranked = sorted(candidates)
    chosen = ranked[: max(0, want - len(section.sentences))]
    # then each covering source the section does not cite yet, by its best sentence if that says
    # two of the aspect's words (not a passing mention) -- one, on a page whose name says one
    # ("Bohr bug: “A repeatable bug ...”" for "kinds of software bugs") -- up to `most` sentences
    named = {sid for sid, title in (titles or {}).items()
             if any(coverage.has_word(w, stems(page_name(title))) for w in aspect_words)}
    # in the order the aspect ranks its sources (the page named for it, its search's best, the
    # entries on its terms), not by how many of its words a sentence repeats: the entry on
    # "race condition" before a page that says "processes share resources" once more
    for candidate in sorted(candidates, key=lambda c: (c.order, c.rank, c.index)):
        cited = set(section.cited) | {c.sid for c in chosen}
        if len(section.sentences) + len(chosen) >= most:
            break
        if candidate.sid not in cited and candidate.about >= (1 if candidate.sid in named else 2):
            chosen.append(candidate)
    for c in chosen:
        section.sentences.append((_labelled(c.sentence, (titles or {}).get(c.sid, ""), texts.get(c.sid, "")), [c.sid]))
        section.quoted += 1
        section.claims.append(Claim(text=c.sentence, sources=[c.sid], dropped=[], score=1.0, quote=c.sentence,
                                    quote_source=c.sid))


class _Candidate(NamedTuple):
    """A quoted sentence a section may be topped up with; sorted, the best first."""
    rank: int               # minus (the aspect's words it names + 1 if it answers the aspect's angle)
    order: int              # its quote's place among the aspect's quotes
    index: int              # its place in the quote
    sentence: str
    sid: int
    about: int              # the aspect's words it names


def _labelled(sentence: str, title: str, text: str = "") -> str:
    """The quote in quotation marks, led by its page's name when the quote does not name it."""
    name = page_name(title)
    quoted = f"\u201c{sentence}\u201d"
    # a dictionary's gloss names an alias, not what the entry is on: "(Or "virtual machine
    # manager") A program that allows …" is the entry on "hypervisor"
    said = _LEADING_GLOSS.sub("", sentence)
    if not name or not content_words(name) or names_page(name, said):
        return quoted
    return f"{as_written(name, text)}: {quoted}"


def names_page(name: str, sentence: str) -> bool:
    """The sentence writes the page's name: its words in a row, in any form ("Lisp machines" for
    "lisp machine", "bogo sort" for "bogo-sort"). Its words apart name something else: a
    definition of the compiler-compiler ("A utility to generate … a parser, interpreter or
    compiler …") does not name "compiler compiler"."""
    wanted = [stem(w) for w in re.findall(r"[a-z0-9]+", name.lower())]
    written = [stem(w) for w in re.findall(r"[a-z0-9]+", sentence.lower())]
    n = len(wanted)
    return bool(n) and any(all(same_word(a, b) for a, b in zip(written[i:i + n], wanted))
                           for i in range(len(written) - n + 1))


_LEADING_GLOSS = re.compile(r"^\s*" + _GLOSS.pattern.replace(r"\s+[A-Z]", r"\s+(?=[A-Z])"))


def as_written(name: str, text: str) -> str:
    """A page's name as its text writes it with capitals ("StrongARM", "TCP/IP", "GC" for the
    dictionary titles "strongarm", "tcp/ip", "gc"), else with a capital first letter."""
    forms = Counter(m.group() for m in re.finditer(rf"(?<![\w/*+-]){re.escape(name)}(?![\w/*+-])", text, re.IGNORECASE)
                    if m.group() != m.group().lower())
    return forms.most_common(1)[0][0] if forms else f"{name[:1].upper()}{name[1:]}"


SAID_ABOVE = "What the sources read say of it is said in the sections above."
NEAR_REPEAT = 0.7          # share of two sentences' words (of all either has) that makes one a rewording


@dataclass(frozen=True)
class Said:
    """What a sentence says, for finding repeats: its words (a quote without its label, a
    definition without the headword `_headed` put before it), and those that name or count
    something (capitalised or a number)."""
    words: frozenset[str]
    names: frozenset[str]

    @classmethod
    def of(cls, text: str) -> Said:
        said = text.split("\u201c", 1)[1] if "\u201c" in text else _HEADWORD.sub("", text, count=1)
        tokens = re.findall(r"[A-Za-z0-9]+", said)
        return cls(frozenset(t.lower() for t in tokens),
                   frozenset(t.lower() for t in tokens if t[0].isupper() or t[0].isdigit()))

    def repeats(self, other: Said) -> bool:
        """The same words, or nearly, differing in no name or number ("free software" for
        "open-source code" is a rewording; "Quicksort ..." and "Mergesort ..." are two facts)."""
        if not self.words or not other.words:
            return False
        differ = self.words ^ other.words
        return (len(self.words & other.words) >= NEAR_REPEAT * len(self.words | other.words)
                and not differ & (self.names | other.names))


@dataclass
class Section:
    title: str
    sentences: list[tuple[str, list[int]]] = field(default_factory=list)   # kept: text, citations
    claims: list[Claim] = field(default_factory=list)                      # every cited sentence checked
    removed: int = 0                                                       # unsupported or unchecked
    quoted: int = 0                                                        # source sentences added verbatim
    note: str = ""                                                         # why it is empty, if it is

    @property
    def cited(self) -> list[int]:
        return list(dict.fromkeys(n for _, ids in self.sentences for n in ids))

    def drop_repeats(self, written: list[Said], remember: bool = True) -> None:
        """Remove sentences an earlier section already has (the same words in any order), and
        merge this section's own repeats into one sentence citing all their sources: the same
        words, or the same statement worded a little otherwise (`Said.repeats`: FOLDOC carries
        many of the Jargon File's entries with a word changed, and a reader saw each twice in a
        row). A rewording in a later section stays: it may cite the page the earlier one does
        not (replayed on the 16 report questions, dropping those lost two key points' pages).
        With `remember`, add the kept ones to `written`."""
        kept: list[tuple[str, list[int]]] = []
        mine: list[Said] = []
        earlier = 0
        for text, ids in self.sentences:
            said = Said.of(text)
            if any(said.words == other.words for other in written):
                self.removed += 1
                earlier += 1
                continue
            same = next((i for i, other in enumerate(mine) if said.repeats(other)), None)
            if same is not None:
                first, cited = kept[same]
                kept[same] = (first, list(dict.fromkeys([*cited, *ids])))
                self.removed += 1
                continue
            mine.append(said)
            kept.append((text, ids))
        self.sentences = kept
        if earlier and not kept:
            self.note = SAID_ABOVE
        elif kept and self.note == SAID_ABOVE:
            self.note = ""
        if remember:
            written.extend(mine)

    def markdown(self) -> str:
        return " ".join(text + "".join(f" [{n}]" for n in ids) for text, ids in self.sentences)

    def as_json(self) -> dict:
        return {"title": self.title, "text": self.markdown(), "sources": self.cited,
                "removed_sentences": self.removed, "quoted_sentences": self.quoted, "note": self.note}


def check_sentences(title: str, written: list[tuple[str, list[int]]], texts: dict[int, str],
                    allowed: set[int], titles: dict[int, str] | None = None,
                    subject: list[tuple[str, str]] = ()) -> Section:
    """Keep the sentences their cited sources support (together; `subject`: the report's subject,
    evidence.union_support), and connecting sentences. A
    kept sentence that copies a dictionary's definition, which never names its headword ("A
    type of cache in which data from any address can be stored ..."), is led by that headword
    (`titles`: the page names) as a quote is: the reader is told what it defines."""
    titles = titles or {}
    section = Section(title)
    pending_connectives: list[str] = []
    for sentence, ids in written:
        ids = [n for n in ids if n in allowed and n in texts]
        if not ids:
            pending_connectives.append(sentence)
            continue
        found = union_support(sentence, [texts[n] for n in ids], subject)
        alone = {n: support(sentence, texts[n]).score for n in ids}
        # a cited source that shares nothing with the sentence is dropped from its citations
        keep = [n for n in ids if alone[n] > 0] if found.score >= SUPPORTED else []
        best = max(ids, key=lambda n: alone[n])
        section.claims.append(Claim(text=sentence, sources=keep, dropped=[n for n in ids if n not in keep],
                                    score=found.score, quote=found.quote if keep else "",
                                    quote_source=best if keep else None))
        if keep:
            section.sentences.append((_headed(sentence, texts[best], titles.get(best, "")), keep))
        else:
            section.removed += 1
    names = {w for text, _ in section.sentences for w in _NAME.findall(text)}
    for sentence in pending_connectives:
        if is_connective(sentence, names):
            section.sentences.append((sentence, []))    # position is lost: connectives go last
        else:
            section.removed += 1
    return section


# a definition with no subject: an article, at most four words, and no verb of being or having
# ("A type of cache in which ...", "The way in which the number of steps ... varies", "One of the
# oldest object-oriented conferences ...")
_HEADLESS = re.compile(r"(?:\\?<[^>]{1,30}>\s*|\([^()]{1,60}\)\s*)*(?:An?|The|One of the)\s+(?!(?:[\w'-]+\s+){0,3}?"
                       r"(?:is|are|was|were|has|have|had)\b)", re.IGNORECASE)


def _headed(sentence: str, text: str, title: str) -> str:
    """The sentence led by its page's name ("Fully associative cache: a type of cache ...")
    when it opens as the page's first statement does (an article and the same two words), that
    statement is a definition with no subject of its own (`_HEADLESS`: "\\<storage> A type of
    cache in which ..."; not "A cache block is ..."), and the sentence does not name the page.
    The first statement may follow an expansion of the name ("SR": "Synchronizing Resources. A
    language for concurrent programming.")."""
    name = page_name(title)
    if (not name or not content_words(name) or names_page(name, sentence)
            or not _HEADLESS.match(sentence)):
        return sentence
    mine = _opening(sentence)
    first = _page_sentences(text)[:2]
    if len(first) == 2 and _is_expansion(first[0]):
        first = first[1:]
    if len(mine) < 2 or not any(_HEADLESS.match(f) and _opening(f) == mine for f in first[:1]):
        return sentence
    return f"{as_written(name, text)}: {sentence[:1].lower()}{sentence[1:]}"


def _is_expansion(sentence: str) -> bool:
    """A name spelled out before an entry's first statement ("\\<language> Synchronizing
    Resources."): a few words, every one capitalised."""
    words = re.findall(r"[\w'-]+", re.sub(r"\\?<[^>]{1,30}>", "", sentence))
    return 0 < len(words) <= 6 and all(w[:1].isupper() for w in words)


# the headword `_headed` puts before a definition: "Fully associative cache: a type of ..."
_HEADWORD = re.compile(r"^[^:\u201c]{1,60}: (?=[a-z])")


def _page_sentences(text: str) -> list[str]:
    """A page's sentences as a quote shows them (`coverage.prose`), its line breaks undone."""
    return split_sentences(" ".join(coverage.prose(text).split()))


def _opening(sentence: str) -> list[str]:
    """The first two words after a definition's article (and gloss)."""
    return re.findall(r"[a-z0-9]+", _HEADLESS.sub("", sentence, count=1).lower())[:2]


def is_connective(sentence: str, known_names: set[str]) -> bool:
    """A sentence that states no fact of its own: short, no number, no new name."""
    return (len(sentence.split()) <= CONNECTIVE_WORDS and not numbers(sentence)
            and set(_NAME.findall(sentence)) <= known_names)


def summary_points(sections: list[Section], question: str, low: int, limit: int) -> list[tuple[str, list[int]]]:
    """What the summary is written from: the sections' cited sentences in turn (each one's
    first, then each one's second ...: the first sections' alone made summaries that repeat the
    first section), those that name the question's subject or their own section's first (a
    summary answers the question, and a section may hold a sentence on neither: "StrongARM is a
    collaborative project ..." in a report on processor caches); the others only when those are
    fewer than `low`."""
    cited = [[(text, ids, s.title) for text, ids in s.sentences if ids] for s in sections]
    ranked = [row[i] for i in range(max(map(len, cited), default=0)) for row in cited if i < len(row)]
    on_topic = [(text, ids) for text, ids, title in ranked
                if names_subject(question, text) or coverage.names_aspect(title, text)]
    if len(on_topic) < low:
        on_topic += [(text, ids) for text, ids, _ in ranked if (text, ids) not in on_topic]
    return on_topic[:limit]


def top_up_summary(summary: Section, points: list[tuple[str, list[int]]], low: int) -> None:
    """Fill a summary that kept fewer than `low` sentences with the sections' own cited
    sentences (`points`, one from each section in turn), those written for the section before
    verbatim quotes, none the summary already says. They were checked in their section, so
    they bring no new claim."""
    # written sentences before quotes; none that leans on a sentence the summary does not have
    # ("This means they would never be reclaimed ...")
    ordered = sorted((p for p in points if not _leans_back(p[0])), key=lambda p: _is_quote(p[0]))
    said = [Said.of(text) for text, _ in summary.sentences]
    for text, ids in ordered:
        if len(summary.sentences) >= low:
            break
        this = Said.of(text)
        if not any(this.repeats(other) for other in said):
            said.append(this)
            summary.sentences.append((text, ids))


def open_with_definition(summary: Section, names: list[str], texts: dict[int, str], titles: dict[int, str],
                         question: str = "") -> None:
    """Open the summary with what the report's subject is: the first statement of the subject's
    own entry (the page read whose name is one of `names`, outline.entry_names, tried in order:
    "scheme"; "automatic garbage collection", then "garbage collection"; with no qualifier the
    question does not write: "Scheme (programming language)", not "Python (song)"), quoted under
    that name, unless the summary says it already. A reader of an overview of Scheme expects to
    learn first that it is "a small, uniform Lisp dialect ...", which the model's summary
    ("Scheme uses applicative order reduction ...") may never say."""
    # its own entry: the same single letters too ("scheme->c" is a compiler, not Scheme's entry)
    entry = next((sid for name in names for sid, title in sorted(titles.items())
                  if sid in texts and coverage.is_entry_filed_under(name, title, question)), None)
    if entry is None:
        return
    # its first statement: a gloss or an expansion may come before it ("LISt Processing language.")
    first = next((sentence for sentence in _page_sentences(texts[entry])[:3]
                  if len(re.findall(r"\w+", sentence)) >= QUOTED_WORDS and not is_broken(sentence)
                  and not _REFERENCE.search(sentence)), "")
    if not first:
        return
    opening = _labelled(first, titles[entry], texts[entry])
    said = Said.of(opening)
    if any(said.repeats(Said.of(text)) or said.words <= Said.of(text).words for text, _ in summary.sentences):
        return
    summary.sentences.insert(0, (opening, [entry]))
    summary.quoted += 1
    summary.claims.insert(0, Claim(text=first, sources=[entry], dropped=[], score=1.0, quote=first, quote_source=entry))


def drop_dangling(summary: Section) -> None:
    """Remove the summary's sentences that point back at a sentence it does not have: one
    opening with "This"/"It"/... that does not follow a sentence citing one of its sources
    ("This is a form of passive UDP." after a sentence on flaming). A section's heading says
    what its "this" is; a summary gathers sentences from every section and has no such heading."""
    kept, previous = [], set()
    for text, ids in summary.sentences:
        if _leans_back(text) and not set(ids) & previous:
            summary.removed += 1
            continue
        kept.append((text, ids))
        previous = set(ids)
    summary.sentences = kept


def _is_quote(text: str) -> bool:
    return "\u201c" in text


_LEANS_BACK = {"this", "that", "these", "those", "it", "its", "they", "their", "them", "he", "his", "she", "her",
               "such", "there"}


def _leans_back(text: str) -> bool:
    """The sentence opens with a word that points at an earlier sentence."""
    first = re.match(r"\W*(\w+)", text)
    return bool(first) and first.group(1).lower() in _LEANS_BACK


def quotes_block(quotes: list[tuple[int, str]]) -> str:
    return "\n".join(f"[{sid}] \"{text}\"" for sid, text in quotes)


_STOPPED_BY = {"max_steps": "the step limit (--max-steps)", "max_time": "the time limit (--max-time)",
               "budget": "the token budget", "interrupted": "an interruption", "error": "an error"}


def partial_note(stopped_because: str, sections: list[Section], aspects: list[Aspect]) -> str:
    """What a limit left out, said where the report starts: the sections not written and the
    aspects with fewer than two sources -- or that every section was written and every aspect
    covered, when research only stopped short of reading more."""
    why = _STOPPED_BY.get(stopped_because, stopped_because.replace("_", " "))
    unwritten = [s.title for s in sections if s.note.startswith("Not written")]
    thin = [a.title for a in aspects if not a.covered]
    missing = []
    if unwritten:
        missing.append(f"{len(unwritten)} of {len(sections)} sections not written ({'; '.join(unwritten)})")
    if thin:
        missing.append(f"{len(thin)} of {len(aspects)} aspects with fewer than two sources ({'; '.join(thin)})")
    said = "; ".join(missing) if missing else "every section was written and every aspect has two sources or more"
    return f"Partial report: the run stopped at {why}: {said}."


def assemble(question: str, summary: Section, sections: list[Section], aspects: list[Aspect],
             registry: SourceRegistry, confidence: float, confidence_reason: str, stopped_because: str,
             disagreements: list[Disagreement] = (), off_subject: str = "") -> str:
    parts = [f"# {question.strip()}", ""]
    if stopped_because != "answered":
        parts += [f"> {partial_note(stopped_because, sections, aspects)}", ""]
    if not registry.all():
        # offline, a search engine that blocks, or a backend that is down all look like this
        parts += ["> Nothing was found: no search returned a single result. If the question is not that "
                  "obscure, the search backend may be unreachable (`kresearch doctor` checks it).", ""]
    if off_subject:
        parts += [f"> No source read and cited names {off_subject}: the web searched seems to have no page on it. "
                  "The sections below come from pages on other subjects that share some of the question's words; "
                  "they do not answer it.", ""]
    parts += ["## Summary", "", summary.markdown() or "(no summary: no section could be written from the "
                                                      "sources read)", ""]
    for section in sections:
        parts += [f"## {section.title[:1].upper()}{section.title[1:]}", ""]
        parts += [section.markdown() or f"_{section.note or 'Nothing the sources read support was written.'}_", ""]
    thin = [a for a in aspects if not a.covered]
    if thin or disagreements:
        parts += ["## Disagreements and open questions", ""]
        if disagreements:
            parts.append("Sources read that state a fact of this report with another value:")
            parts += [d.line() for d in disagreements]
            parts.append("")
        for aspect in thin:
            if aspect.partly:
                parts.append(f"- {aspect.title}: no source read covers it; its section cites the pages on the "
                             f"subject that come nearest {' '.join(f'[{n}]' for n in aspect.sources)}, which "
                             "may not answer it fully.")
            elif aspect.sources:
                parts.append(f"- {aspect.title}: only one source read covers it [{aspect.sources[0]}]; "
                             "treat what the report says of it as uncorroborated.")
            else:
                parts.append(f"- {aspect.title}: no source read covers it; the report says nothing of it.")
        parts.append("")
    parts += [f"_Confidence: {confidence:.2f} — {confidence_reason}._", ""]
    cited = cited_sources(summary, sections, disagreements)
    if cited:
        parts += ["## References", "", references([registry.get(n) for n in cited]), ""]
    other = [s for s in registry.opened() if s.id not in cited]
    if other:
        parts += ["## Also read", "", references(other), ""]
    return "\n".join(parts).rstrip() + "\n"


def cited_sources(summary: Section, sections: list[Section], disagreements: list[Disagreement] = ()) -> list[int]:
    """Every source the report cites: its sentences', then those a disagreement names."""
    named = [n for d in disagreements for n in d.sources]
    return list(dict.fromkeys([*(n for s in [summary, *sections] for n in s.cited), *named]))


OFF_SUBJECT_CONFIDENCE = 0.2


def report_confidence(sections: list[Section], summary: Section, aspects: list[Aspect],
                      disagreements: int = 0, off_subject: str = "") -> tuple[float, str]:
    """From what was checked: the share of cited sentences supported, the share of aspects
    covered by two or more sources, how many sites the cited sources come from, and how many
    of its facts another source read gives otherwise (-0.05 each, at most -0.15). When no cited
    source names the question's subject (`off_subject`: its words), at most
    OFF_SUBJECT_CONFIDENCE: supported sentences about something else answer nothing."""
    claims = [c for s in [summary, *sections] for c in s.claims]
    supported = sum(1 for c in claims if c.sources)
    covered = sum(1 for a in aspects if a.covered)
    sites = {site for a in aspects for site in a.sites}
    if not claims:
        return 0.0, "no cited sentence survived the check"
    if off_subject:
        return (min(OFF_SUBJECT_CONFIDENCE, 0.5 * supported / len(claims)),
                f"no source cited names {off_subject}")
    value = 0.5 * supported / len(claims) + 0.3 * covered / max(1, len(aspects)) + 0.2 * min(1.0, len(sites) / 3)
    value -= min(0.15, 0.05 * disagreements)
    reason = (f"{supported} of {len(claims)} cited sentences supported by what they cite, {covered} of "
              f"{len(aspects)} aspects covered by two or more sources, {len(sites)} site(s)")
    if disagreements:
        reason += f", {disagreements} fact(s) another source gives otherwise"
    return round(max(0.0, min(1.0, value)), 2), reason
