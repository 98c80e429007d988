"""The plan of a report: an outline of aspects, each a short query that names its subject.

The model proposes the aspects under a grammar (4 to 6 strings); code removes repeats and
aspects that only restate the question, and falls back to the question itself when nothing
usable is left, so research always has something to search. Then the outline is grounded in
what the web has (`grounded`): the specific subjects the question's first search found are
aspects too.
"""
from __future__ import annotations

import json
import re

from ...prompts import render, with_examples
from ...tools.extract import without_link_targets
from ..casing import capitalised_inside
from ..context import content_words, same_word, stem, stems
from ..names import page_name
from .angles import ANGLE_WORDS, angle_families

MIN_ASPECTS, MAX_ASPECTS = 4, 6      # what the model proposes
FOUND_ASPECTS = 3                    # subjects of pages the question's search found, added by code
MAX_OUTLINE = 8

# Words that give a report question (or an aspect) its shape or angle, not its subject
# ("compare the main techniques and their weaknesses", "Lisp origins"): left out of the topic an
# aspect's query is anchored to, and of the words a page must have to cover an aspect.
SHAPE_WORDS = set("""explain explains describe compare comparing comparison contrast discuss overview survey summarise
summarize analyse analyze give list outline main key major principal different various common types type kinds kind
approaches approach techniques technique methods method ways way causes cause effects effect advantages advantage
disadvantages disadvantage weaknesses weakness strengths strength pros cons differences difference similarities trade
offs tradeoffs history evolution how work works working goes go wrong right what why which use used using their its
they them there these those also between each other both report write tell about introduction guide state art
problems problem issues issue challenges challenge benefits benefit risks risk role roles profile trace according
can could may might must should let lets does do did arise several one many well known origin origins characteristics
characteristic features feature mechanisms mechanism family basics fundamentals background definition concept concepts
principle principles properties aspects aspect distinctive significance impact impacts consequence consequences
came come comes went became decide decides beyond more most than happen happens happened development
differ differs differed such through make makes made
""".split())


def topic_words(question: str, limit: int = 3, *, whole: bool = False) -> list[str]:
    """The first content words that name the question's subject, in order, one per stem: from
    its subject (`subject_text`) unless `whole`. A name is never cut: past `limit`, the rest of a
    capitalised name the last word began goes on ("united states air force", not "... air")."""
    out: list[str] = []
    seen: set[str] = set()
    text = subject_text(question) if not whole else _WHERE.sub(" ", question)
    named = written_as_names(question)
    variants = compared_variants(text)
    previous_capital = False
    for word in _TERM.findall(text):
        low, capital = word.lower(), word[:1].isupper()
        if len(out) >= limit and not (capital and previous_capital):
            break
        previous_capital = capital
        # one per stem; a compound unless all its stems came ("private-key" after "public-key")
        if (is_subject_word(low) or is_name_word(word, named)) and low not in variants and not (
                stems(low) <= seen if "-" in low else stems(low) & seen):
            out.append(low)
            seen |= stems(low)
    return out


# "women's and men's lacrosse", "children's or adults' books": lower-case possessives joined as
# the variants of the noun after them
_COMPARED_POSSESSIVES = re.compile(r"\b([a-z][a-z-]*)['’]s?\s+(?:and|or|vs\.?|versus)\s+"
                                   r"([a-z][a-z-]*)['’]s?\s+[a-z]")


def compared_variants(text: str) -> set[str]:
    """Lower-case possessives the text joins as variants of the noun after them ("women", "men"
    in "the differences between women's and men's lacrosse"): the noun is the subject, and a
    page on men's tennis that shares the variants is not about it. A capital that only opens the
    text counts as lower case ("Women's and men's lacrosse: how do they differ?")."""
    text = text[:1].lower() + text[1:]
    return {word for match in _COMPARED_POSSESSIVES.finditer(text) for word in match.groups()}


def written_as_names(question: str) -> set[str]:
    """The words a question writes as (part of) a name (casing.capitalised_inside), a named
    place to look aside ("According to the Jargon File")."""
    return capitalised_inside(_WHERE.sub(" ", question))


def is_name_word(word: str, named: set[str]) -> bool:
    """A word written capitalised that the question writes as part of a name (`named`): a
    subject word even when its lower-case form gives only an angle -- "Common" in "Common Lisp"
    is the name, not "common kinds"."""
    return word[:1].isupper() and word.lower() in named


def subject_pairs(question: str) -> list[tuple[str, str]]:
    """The question's subject (`topic_words`) as stems of each two words in a row: ("automatic",
    "garbage"), ("garbage", "collection") -- what a sentence names when it speaks of the subject."""
    words = [stem(w) for w in topic_words(question)]
    return list(zip(words, words[1:]))


def subject_names(question: str) -> list[str]:
    """The question's subject words that it writes as names (`written_as_names`): what tells
    its subject from others of its category -- "scheme" in "the Scheme programming language",
    where "programming language" is shared by every language. Empty when the subject has no
    name ("automatic garbage collection") or the question's capitals say nothing."""
    named = written_as_names(question)
    return [w for w in topic_words(question) if w in named]


def entry_names(question: str) -> list[str]:
    """The names a reference work may file the question's subject under, most specific first:
    its name when it has one (`subject_names`: "battle pusan perimeter"), else each run of two
    or more of its subject words the question writes together, longest first ("automatic
    garbage collection", "garbage collection"; not "memory programs" from "virtual memory let
    programs"), else its first subject word ("compilers" of "how compilers work and what their
    phases are"). A single word is never one when words written together are: "virtual" is not
    the subject of "virtual memory"."""
    if names := subject_names(question):
        return [" ".join(names)]
    topic = topic_words(question)
    low = " ".join(re.findall(r"[a-z0-9][a-z0-9'-]*", question.lower()))
    runs = [topic[i:i + n] for n in range(len(topic), 1, -1) for i in range(len(topic) - n + 1)]
    together = [" ".join(run) for run in runs if re.search(rf"\b{re.escape(' '.join(run))}\b", low)]
    return together or topic[:1]


def angle_of(aspect: str, question: str) -> list[str]:
    """The question's subject words when the subject has a name (`subject_names`) and the aspect
    names nothing but an angle on it ("Where it came from", "History", "Scheme programming
    language" for a question on Scheme): such an aspect is about the subject as a whole, and the
    name tells the pages on it from those on its category. Empty when the aspect has a word of
    its own ("How it differs from Common Lisp", "memory leaks"), names some of the things a
    subject made of several names is ("Compare TCP with UDP" for a question on TCP, UDP and IP),
    or the subject has no name: its words are then all a page can be judged by, and the aspect's
    query has them (on the held-out questions, none of which names its subject, judging such
    aspects by the subject's words cost two key points)."""
    names = {s for w in subject_names(question) for s in stems(w)}
    if not names:
        return []
    topic = topic_words(question)
    named = written_as_names(question)
    subject = {s for w in topic for s in stems(w)}
    own = {s for w in _TERM.findall(aspect) if is_subject_word(w.lower()) or is_name_word(w, named)
           for s in stems(w.lower())}
    some_names = own & names and not names <= own
    return topic if not some_names and all(any(same_word(s, t) for t in subject) for s in own) else []


# A word, or a hyphenated compound kept whole: "public-key", "just-in-time", "byte-code" name
# one thing, and a part of one may be a shape word ("key") or a stop word ("in").
_TERM = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")


def is_subject_word(word: str) -> bool:
    """A lower-case word (or compound) that can name a subject: a content word, not a shape
    word; a compound when one of its parts is a content word."""
    if "-" in word:           # "trade-offs", "well-known" are shapes too
        return bool(content_words(word) - SHAPE_WORDS)
    return word in content_words(word) and word not in SHAPE_WORDS


def names_subject(question: str, text: str) -> bool:
    """The text names the question's subject: one of its subject words (`topic_words`), a
    hyphenated name as written or with spaces ("copy-on-write", "copy on write"). Lenient on
    purpose: a report whose cited pages all fail even this is about something else -- the web
    searched had nothing on the subject, and the nearest pages shared only its common words
    ("copy protection" for "copy-on-write")."""
    topic = topic_words(question)
    if not topic:
        return True
    low = " ".join(text.lower().split())
    have = stems(low)
    return any(re.search(r"\b" + r"[\s-]".join(map(re.escape, word.split("-"))) + r"\b", low)
               if "-" in word else stems(word) & have for word in topic)


def names_subject_strictly(question: str, text: str) -> bool:
    """The text names the question's subject by its name when it has one (every word of
    `subject_names`, in any form: "Selma is a 2014 American historical drama film …" has "space"
    of "James Webb Space Telescope" from no page on it), else as `names_subject` does."""
    names = subject_names(question)
    if not names:
        return names_subject(question, text)
    have = stems(text)
    return all(any(same_word(stem(name), h) for h in have) for name in names)


# Where to look is not what the question is about: "According to the Jargon File, what is a hacker"
_WHERE = re.compile(r"\baccording to\b[^,:;?]*[,:;]?", re.I)


def subject_text(question: str) -> str:
    """The words of a question that name its subject, without a named place to look: the head
    before its colon when it lists parts after one ("Explain how a processor cache works: how it
    decides where a block ..." -- "block" is a part's word, not the subject), else its first part
    when it asks several ("[According to the Jargon File,] what is a hacker, how do hackers ..."),
    else all of it."""
    text = _WHERE.sub(" ", question)
    head, colon, _ = text.partition(": ")
    if colon and any(w in content_words(w) and w not in SHAPE_WORDS for w in re.findall(r"[a-z0-9]+", head.lower())):
        return head
    parts = question_parts(text)
    return parts[0] if parts else text


def anchored_query(aspect: str, question: str) -> str:
    """The aspect as a search query: with the question's subject added when it names less than
    two of its words ("weaknesses of collection techniques" -> "... automatic garbage collection")."""
    topic = topic_words(question)
    if not topic or sum(content_words(word) <= content_words(aspect) for word in topic) >= min(2, len(topic)):
        return aspect
    return f"{aspect} {' '.join(topic)}"


# Where a question turns to its next part: a wh-word or an instruction after a comma or
# semicolon ("..., how it decides ...", "..., and compare TCP with UDP"); a comma before anything
# else is a list inside one part ("TCP, UDP, IP and ICMP").
_NEXT_PART = re.compile(r"[,;]\s+(?:(?:and|or|then|also)\s+)?(?=(?:how|what|why|when|where|which|who|whose|whether|"
                        r"compare|contrast|describe|explain|discuss|list|name|give|trace|summari[sz]e|show)\b)", re.I)
MAX_PARTS = 4


def question_parts(question: str) -> list[str]:
    """The parts a question asks for, in its own words, when it lists them: the clauses after
    its colon ("Explain how a cache works: how it decides where a block may be stored, what
    happens when the processor writes data, and how ... keep their caches in agreement"; the
    words before the colon name the subject, which the question's own search covers), and the
    clauses it joins with a comma and a wh-word or an instruction ("..., compare the main
    techniques and their weaknesses, and describe what goes wrong ..."). A report must answer
    each; a small model's outline often trades them for headings of its own. A question of one
    part has none."""
    text = " ".join(question.split()).strip(" ?.!")
    pieces: list[str] = []
    for sentence in re.split(r"(?<=[.?!])\s+", text):
        head, colon, tail = sentence.partition(": ")
        if colon:     # after a colon every comma may start a part: "the forces involved, the main engagements";
            # with no comma, "and" before a wh-word does: "the main types of cache and how a cache decides ..."
            # (in a list, "who played bass and what became of them" is one part)
            listed = re.split(r"[,;]\s+", tail)
            pieces += listed if len(listed) > 1 else re.split(
                r"\s+and\s+(?=(?:how|what|why|when|where|which|who|whose)\b)", tail)
        else:
            pieces += _NEXT_PART.split(head)
    parts: list[str] = []
    for piece in pieces:
        piece = _LEAD.sub("", piece.strip(" ,;.?!"))
        if re.match(r"according to\b", piece, re.I):
            continue                                  # where to look ("According to the Jargon File"), not what
        if content_words(piece):
            piece = _TELL.sub("", piece) or piece     # a heading: "What goes wrong ...", not "Describe what goes wrong ..."
            parts.append(piece[:1].upper() + piece[1:])
    return parts[:MAX_PARTS] if len(parts) >= 2 else []


_LEAD = re.compile(r"^(?:(?:and|or|then|also|such as|as well as)\s+)+", re.I)


def compared_things(question: str) -> list[str]:
    """The things a question of one part compares, by the names it writes (`written_as_names`):
    "Compare Perl and Python as scripting languages" -> ["Perl", "Python"]; "What are the
    differences between Git, Mercurial and Subversion?" -> all three. Each is an aspect of the
    report, so each gets its own section beside the comparison; a small model's outline gave
    "Perl vs Python: Causes". None for a question that lists its parts (they are the aspects),
    compares nothing, or names fewer than two things."""
    if question_parts(question) or not _COMPARING.search(question):
        return []
    named = written_as_names(question)
    runs: list[tuple[int, int, str]] = []
    for m in _NAME_RUN.finditer(question):
        start, text = m.start(), m.group()
        if not start or re.search(r"[.?!:]\s*$", question[:start]):      # "Compare Perl": a sentence's first word
            first, _, text = text.partition(" ")
            start += len(first) + 1
        if text and all(w.lower() in named for w in _TERM.findall(text)):
            runs.append((start, m.end(), text))
    things: list[str] = []
    for (_, end, text), (start, _, following) in zip(runs, runs[1:]):
        if _JOINED.fullmatch(question[end:start]):
            things += [t for t in (text, following) if t not in things]
    return things if len(things) >= 2 else []


def with_things(things: list[str], aspects: list[str], high: int = MAX_ASPECTS) -> list[str]:
    """The compared things first, then the model's aspects that are not just one of them again:
    "Perl regular expressions" stays beside "Perl" (with_parts would take it for a repeat)."""
    names = [content_words(thing) for thing in things]
    return (things + [a for a in aspects if content_words(a) not in names])[:max(high, len(things))]


def compared_query(thing: str, things: list[str], question: str) -> str:
    """A compared thing's search query: its name and the question's subject words that name none
    of the others ("Perl scripting languages" for "Compare Perl and Python as scripting languages"), so
    its search finds pages on it, not on the comparison."""
    others = {s for other in things if other != thing for s in stems(other)}
    own = stems(thing)
    extra = [w for w in topic_words(question, 4) if not stems(w) & (others | own) and not _VERSUS.fullmatch(w)]
    return " ".join([thing, *extra])


_COMPARING = re.compile(r"\b(?:compar\w*|contrast\w*|differ\w*|versus|vs)\b", re.I)
_NAME_RUN = re.compile(r"\b[A-Z][\w+#-]*(?:\s+[A-Z][\w+#-]*)*")
_JOINED = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or|with|to|vs\.?|versus)\s)\s*(?:the\s+)?", re.I)
_TELL = re.compile(r"^(?:explain|describe|discuss|list|name|give|show|outline|trace|summari[sz]e)\s+(?=\S+\s+\S)", re.I)


def _part_words(part: str, question: str) -> list[tuple[str, bool]]:
    """The words of a part of the question, each with whether the question writes it as part of
    a name (`is_name_word`); never the part's first, capitalised as a heading's."""
    named = written_as_names(question)
    return [(word, bool(index) and is_name_word(word, named)) for index, word in enumerate(_TERM.findall(part))]


def part_query(part: str, question: str) -> str:
    """A question's part as a search query: its subject words in order (the wh-words and
    instructions dilute a search), with the question's subject when the part has little of it
    ("how it decides where a block of memory may be stored" -> "block memory stored processor cache")."""
    content = [(w, name) for w, name in _part_words(part, question)
               if w.lower() in content_words(w) or "-" in w and content_words(w)]
    # "the main techniques": its angle; "how it differs from Common Lisp": a name
    words = [w for w, name in content if is_subject_word(w.lower()) or name] or [w for w, _ in content]
    seen: set[str] = set()
    unique = [w for w in anchored_query(" ".join(words), question).split()
              if not (w.lower() in seen or seen.add(w.lower()))]                 # each word once
    return " ".join(unique)


def repeats(words: set[str], seen: list[set[str]]) -> bool:
    """The words are most (80 %) of an earlier aspect's, or it of theirs: a near repeat."""
    return any(len(words & other) >= 0.8 * min(len(words), len(other)) for other in seen if other)


_SHAPE_STEMS = {stem(w) for w in SHAPE_WORDS}


def same_angle(aspect: str, other: str, question: str) -> bool:
    """The two aspects ask the same of the same subject: they share an angle (`angles.ANGLES`) and name
    the same things besides -- or one names nothing besides (its subject is the question's: "What
    is distinctive about it") and the other nothing the question does not ("Lisp features").
    "History of Common Lisp" is not "Where Lisp came from" on a question about Lisp."""
    if not angle_families(aspect) & angle_families(other):
        return False
    mine, theirs = _named_besides(aspect), _named_besides(other)
    if not mine or not theirs:
        return (mine or theirs) <= stems(question)
    return mine == theirs


def _named_besides(text: str) -> set[str]:
    """The aspect's words that are neither an angle nor a report's shape ("main", "how", "their");
    a shape word still counts when it is part of a name (`_name_words`: "Common" in "Common Lisp
    history"). Angle words never count, capitalised or not ("The Origins of Lisp")."""
    return (stems(_VERSUS.sub(" ", text)) - _SHAPE_STEMS | _name_words(text)) - ANGLE_WORDS


def _name_words(text: str) -> set[str]:
    """Stems of the words an aspect writes as (part of) a name: capitalised after its first word,
    and its first word when a capitalised word follows ("Common Lisp history"). An aspect in
    title case ("Lisp Family History") is thus never the same as another: a repeat kept, rather
    than "History of Common Lisp" taken for "Where Lisp came from"."""
    words = re.findall(r"[\w'-]+", text)
    capital = [w[:1].isupper() for w in words]
    named = [w for i, w in enumerate(words) if capital[i] and (i > 0 or (len(words) > 1 and capital[1]))]
    return stems(" ".join(named))


def with_parts(parts: list[str], aspects: list[str], question: str, high: int = MAX_ASPECTS) -> list[str]:
    """The question's own parts first, then the model's aspects that are not one of them again
    (nor the question itself, parse_outline's fallback, nor the same angle on the same subject),
    at most `high`."""
    out, seen = list(parts), [stems(p) for p in parts]
    asked = stems(question)
    for aspect in aspects:
        words = stems(aspect)
        if ((parts and words == asked) or repeats(words, seen)
                or any(same_angle(aspect, earlier, question) for earlier in out)):
            continue
        out.append(aspect)
        seen.append(words)
    return out[:max(high, len(parts))]


def outline_schema(low: int = MIN_ASPECTS, high: int = MAX_ASPECTS) -> dict:
    return {"type": "object", "properties": {"aspects": {
        "type": "array", "minItems": low, "maxItems": high,
        "items": {"type": "string", "minLength": 3, "maxLength": 90}}},
        "required": ["aspects"]}


def echoes(aspect: str, question: str, instructions: str) -> bool:
    """The aspect repeats the outline request's own words, not a subject: "What are the main
    parts, approaches, causes or points of comparison the question asks" (a 1.5B model copied
    it). Its words beyond the question's (`_own_words`) are two or more, and all but a quarter
    of them words of the instructions."""
    own, told = _own_words(aspect, question), _told(instructions)
    return len(own) >= 2 and len(own & told) >= 0.75 * len(own)


def lists_instructions(aspects: list[str], question: str, instructions: str) -> list[str]:
    """The aspects that add one word to the question, a word of the instructions, when two or more
    do: the model walked down the request's list ("Perl vs Python: Approaches", "Perl vs Python:
    Causes" for "Compare Perl and Python"). One alone may be an angle the question has ("comparison
    with Common Lisp" for a question on Scheme)."""
    told = _told(instructions)
    listed = [a for a in aspects if len(own := _own_words(a, question)) == 1 and own <= told]
    return listed if len(listed) >= 2 else []


def _own_words(aspect: str, question: str) -> set[str]:
    """The aspect's words beyond the question's; "vs" joins names and says nothing."""
    return content_words(_VERSUS.sub(" ", aspect)) - content_words(question)


def _told(instructions: str) -> set[str]:
    """The words of the instructions, their quoted examples aside (which may be any question's subject)."""
    return content_words(re.sub(r'"[^"]*"', " ", instructions))


_VERSUS = re.compile(r"\b(?:vs|versus)\b\.?", re.I)


def parse_outline(text: str, question: str, high: int = MAX_ASPECTS, instructions: str = "") -> list[str]:
    """The aspects of the model's outline, cleaned; [question] when none is usable.
    `instructions`: the outline request without the question, whose words an aspect must not echo."""
    try:
        raw = json.loads(text).get("aspects", [])
    except (ValueError, AttributeError):
        raw = re.findall(r'"((?:[^"\\]|\\.){3,90})"', text)[1:]   # cut-off JSON: the strings after "aspects"
    aspects: list[str] = []
    seen: list[set[str]] = []
    asked = content_words(question)
    for item in raw if isinstance(raw, list) else []:
        aspect = " ".join(str(item).split()).strip(" .?")
        words = content_words(aspect)
        if not words or words == asked or (instructions and echoes(aspect, question, instructions)):
            continue
        if repeats(words, seen):
            continue                                          # a near repeat of an earlier aspect
        aspects.append(aspect)
        seen.append(words)
    if instructions:
        listed = lists_instructions(aspects, question, instructions)
        aspects = [a for a in aspects if a not in listed]
    return aspects[:high] or [" ".join(question.split())]


# a link as the browser gives it in a page's text (Markdown): [insertion sort](https://…/insertion_sort)
LINK = re.compile(r"\[([^\]]{2,80})\]\((https?://[^)\s]+)\)")
LINKED_PAGES = 4


def _restated(words: set[str], asked: set[str]) -> bool:
    """Every word is one of the question's, judged by prefix (the crude stems of "garbage
    collect" and "garbage collection" differ)."""
    return all(any(q.startswith(w) or w.startswith(q) for q in asked) for w in words)


def _names_topic(words: set[str], topic: set[str]) -> bool:
    """A word of `words` is a topic word, or one with it inside ("quicksort" for "sort")."""
    return any(w == t or (len(t) >= 4 and (w.startswith(t) or w.endswith(t))) for w in words for t in topic)


def links_to_follow(pages: list[tuple[str, str]], question: str, read: set[str],
                    limit: int = LINKED_PAGES) -> list[tuple[str, str]]:
    """The links of the pages the question's search found (title and text, in rank order) that
    name a kind of the question's subject, as a researcher follows an overview page to its
    parts: "[insertion sort](…)" on the page "sorting" for "Compare the well-known sorting
    algorithms", "[Battle of Taegu](…)" on the Pusan Perimeter page. The anchor must carry a
    word of the question's subject -- of its name, when the question writes one ("[Scheme
    86]", not "[logic programming]", for "the Scheme programming language") -- and not only
    restate it; pages already read (`read`, URLs) are not followed again. Returns (anchor,
    URL), at most `limit`, in page order."""
    topic = {stem for w in subject_names(question) or topic_words(question) for stem in stems(w)}
    asked = stems(question)
    out: list[tuple[str, str]] = []
    seen = set(read)
    for _, text in pages:
        for anchor, url in LINK.findall(text):
            anchor = " ".join(anchor.replace("\\", " ").split())     # Markdown escapes, line breaks
            words = stems(anchor)
            if url in seen or not words or not _names_topic(words, topic):
                continue
            if _restated(words, asked):
                continue                                # the question's subject again ("sorting")
            seen.add(url)
            out.append((anchor, url))
            if len(out) == limit:
                return out
    return out


ASPECT_LINKS = 3
ABOUT_ASPECT = 0.5        # a sentence with half of an aspect's query words (two at least) is about it


def aspect_links(pages: list[tuple[str, str]], aspect: str, query: str, question: str, read: set[str],
                 limit: int = ASPECT_LINKS) -> list[tuple[str, str]]:
    """The links a researcher follows from the pages that cover an aspect: first those whose
    anchor names one of the aspect's own words (not its angle, not the question's subject):
    "[write-back](…)" on "cache" for "What happens when the processor writes data"; then the
    links inside the sentences most about the aspect (`query`: its words with the question's
    subject): "... processes which share a finite set of resources ... leading to potential
    [deadlock](…)" for "What problems arise when processes share resources". Pages read
    (`read`, URLs) are not followed again. At most `limit`."""
    subject = {s for w in topic_words(question) for s in stems(w)}
    own = {s for w in content_words(aspect) - SHAPE_WORDS for s in stems(w)
           if not any(same_word(s, t) for t in subject)}
    wanted = {s for w in content_words(query) - SHAPE_WORDS for s in stems(w)}     # once, not per sentence
    named: list[tuple[str, str]] = []
    in_sentences: list[tuple[float, int, tuple[str, str]]] = []
    for _, text in pages:
        for sentence in _link_sentences(text):
            links = LINK.findall(sentence)
            if not links:
                continue
            about = _about(wanted, stems(LINK.sub(r"\1", sentence)))
            for anchor, url in links:
                anchor = " ".join(anchor.replace("\\", " ").split())
                if any(same_word(w, o) for w in stems(anchor) for o in own):
                    named.append((anchor, url))
                elif about >= ABOUT_ASPECT:
                    in_sentences.append((-about, len(in_sentences), (anchor, url)))
    out: list[tuple[str, str]] = []
    seen = set(read)
    for anchor, url in named + [link for _, _, link in sorted(in_sentences)]:
        if url not in seen:
            seen.add(url)
            out.append((anchor, url))
    return out[:limit]


def _link_sentences(text: str) -> list[str]:
    """A page's sentences, with its Markdown links whole (a URL's dots end no sentence)."""
    out: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        out += re.split(r"(?<=[.!?])\s+(?=[A-Z\[])", " ".join(paragraph.split()))
    return out


def _about(wanted: set[str], have: set[str]) -> float:
    """The share of a query's words (`wanted`, stems, by prefix) among `have`; 0 with fewer than
    two of them (a sentence that only names the subject is about anything on its page)."""
    found = sum(any(same_word(w, h) for h in have) for w in wanted)
    return found / len(wanted) if found >= 2 else 0.0


def grounded(aspects: list[str], found: list[tuple[str, str]], question: str, linked: int = 0) -> list[str]:
    """The model's aspects and up to FOUND_ASPECTS subjects the question's first search found
    (`found`: title and text of each page read, in rank order): a page whose name is a subject
    of its own, not the question's restated, and whose text speaks of the question's subject
    ("reference counting" for a question on garbage collection) -- and names it, when the
    question writes a name (`subject_names`: "logic programming" speaks of programming
    languages, not of Scheme). A small model's outline tends to generic headings
    ("weaknesses", "collection techniques") that find nothing specific; the pages the web
    ranks first for the question name the specific parts; a page that names the question's name
    only further down ("expression", whose entry gets to Lisp in its fourth sentence) is about
    something broader. The
    first `linked` pages were reached by a link that names the subject (`links_to_follow`):
    that name already ties them to it, so their text need not repeat the question's words.
    A question that lists the things it is about ("how TCP, UDP, IP and ICMP divide the work")
    has its specific subjects already (`named_things`): pages that merely mention them
    ("flood", "tp/ix") are none of its parts, and add nothing."""
    if any(named_things(part) for part in question_parts(question) or [question]):
        return aspects[:MAX_OUTLINE]
    topic = content_words(" ".join(topic_words(question)))
    needed = min(2, len(topic))
    names = {stem for w in subject_names(question) for stem in stems(w)}
    asked = stems(question)
    seen = [words for words in map(content_words, aspects) if words]
    heads: set[str] = set()
    subjects: list[str] = []
    for rank, (title, text) in enumerate(found):
        name = page_name(title)
        words = content_words(name)
        head = " ".join(text.split())[:200].lower()
        # not the question's subject again ("garbage collect" for "garbage collection"), not
        # an abbreviation too short to search on its own ("gc"), not the same entry under
        # another name (the same opening text)
        restated = _restated(stems(name), asked)
        if (len(name) < 4 or not words or restated or head in heads
                or (rank >= linked and (len(topic & content_words(text)) < needed
                                        or (names and not names & stems(opening(text)))))):
            heads.add(head)
            continue
        heads.add(head)
        if repeats(words, seen):
            continue
        subjects.append(name)
        seen.append(words)
        if len(subjects) == FOUND_ASPECTS:
            break
    return aspects[:MAX_OUTLINE - len(subjects)] + subjects


OPENING_CHARS = 400


def opening(text: str) -> str:
    """The start of a page's text, its title line and link addresses left out: where a page says
    what it is about."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return without_link_targets(body)[:OPENING_CHARS]


# -- the names an aspect is filed under ---------------------------------------------------------

# a name as an aspect writes it: capitalised words ("TCP", "Fine Gael", "Compiler")
_NAME = r"[A-Z][\w+#/.'-]*(?:\s+[A-Z][\w+#/.'-]*){0,3}"
# several named in a list ("TCP, UDP, IP and ICMP") or set against each other ("RISC vs CISC")
_NAMED = re.compile(rf"(?<![\w-])(?:{_NAME}(?:\s*,\s*{_NAME})+\s*,?\s+(?:and|or)\s+{_NAME}"
                    rf"|{_NAME}\s+(?:vs\.?|versus)\s+{_NAME})(?![\w-])")


def named_things(aspect: str) -> list[str]:
    """The things an aspect names as a list of three or more or sets against each other: "How
    TCP, UDP, IP and ICMP divide the work of moving data" -> TCP, UDP, IP, ICMP; "Compiler vs.
    Interpreter" -> Compiler, Interpreter. Each is a name the aspect is filed under: the entry
    on each covers it, though no page has the aspect's own words ("divide the work of moving").
    A leading word that names nothing ("How") is not part of the first name."""
    match = _NAMED.search(aspect)
    if not match:
        return []
    out: list[str] = []
    for item in re.split(r"\s*,\s*(?:(?:and|or)\s+)?|\s+(?:and|or|vs\.?|versus)\s+", match.group(0)):
        words = item.split()
        while words and not content_words(words[0]):
            words.pop(0)
        if words and " ".join(words) not in out:
            out.append(" ".join(words))
    return out if len(out) >= 2 else []


def part_names(part: str, question: str) -> list[str]:
    """The names a part of the question writes that are not its subject's: "Common Lisp" in
    "how it differs from Common Lisp" for a question on Scheme. A reader expects the entry on
    each, which the question's own search, full of its other words, does not find (the web
    lists "common lisp" below "common lisp in parallel"); the model's terms that repeat the
    question's words are dropped (`parse_terms`). Consecutive words the question writes as
    names are one name; the part's first word is capitalised as a heading's."""
    subject = {s for w in subject_names(question) for s in stems(w)}
    names: list[str] = []
    run: list[str] = []
    for word, name in _part_words(part, question) + [("", False)]:
        if name:
            run.append(word)
            continue
        # "Common Lisp" is another name than "Lisp"; "Lisp" alone is the subject's
        if run and not stems(" ".join(run).lower()) <= subject and " ".join(run) not in names:
            names.append(" ".join(run))
        run = []
    return names


MIN_TERMS, MAX_TERMS = 2, 4
TERM_ASPECTS = 4          # aspects (the question's parts first) the model names terms for: a call each


def term_examples() -> list[tuple[str, str, list[str]]]:
    """The worked examples shown to the model before it names an aspect's terms, as earlier
    turns of the conversation (prompts/terms_examples.md: question | part | term; term): a small
    model given one example inside the request copies it ("piston" for the forces in a battle)
    or restates the question; given two as turns, it names twice as many usable terms (64
    aspects of the development reports: 96 kept vs 50, benchmarks/RESULTS.md)."""
    examples = []
    for line in render("terms_examples").splitlines():
        question, aspect, terms = (field.strip() for field in line.split("|"))
        examples.append((question, aspect, [t.strip() for t in terms.split(";")]))
    return examples


def terms_messages(system: str, question: str, aspect: str) -> tuple[list[dict], str]:
    """The model's request for an aspect's terms, after the worked examples; and the words of
    the request and its examples, for parse_terms to drop copies of."""
    def ask(q: str, a: str) -> str:
        return render("terms", question=q, aspect=a, low=MIN_TERMS, high=MAX_TERMS)

    examples = term_examples()
    messages = with_examples(system, [(ask(q, a), json.dumps({"terms": terms})) for q, a, terms in examples],
                             ask(question, aspect))
    told = " ".join([ask("", ""), *(t for *_, terms in examples for t in terms)])
    return messages, told


def terms_schema(low: int = MIN_TERMS, high: int = MAX_TERMS) -> dict:
    return {"type": "object", "properties": {"terms": {
        "type": "array", "minItems": low, "maxItems": high,
        "items": {"type": "string", "minLength": 3, "maxLength": 40}}},
        "required": ["terms"]}


def terms_again(messages: list[dict], reply: str, kept: list[str]) -> list[dict] | None:
    """The request asked once more when the model's terms were all but dropped (fewer than
    MIN_TERMS kept): its reply stays in the conversation and the model is told that what it named
    the question already names, so it goes one level down -- "virus; worm; trojan horse" for
    "Famous examples" of a question on viruses, worms and Trojan horses, where a reader wants
    the famous ones named. None when enough were kept or nothing was dropped (asking again would
    bring the same)."""
    dropped = [t for t in raw_terms(reply) if t not in kept]
    if len(kept) >= MIN_TERMS or not dropped:
        return None
    ask = render("terms_again", named="; ".join(dropped), low=MIN_TERMS, high=MAX_TERMS)
    return [*messages, {"role": "assistant", "content": reply}, {"role": "user", "content": ask}]


def raw_terms(text: str) -> list[str]:
    """The strings the model gave as terms, as written (whitespace normalised)."""
    try:
        raw = json.loads(text).get("terms", [])
    except (ValueError, AttributeError):
        raw = re.findall(r'"((?:[^"\\]|\\.){3,40})"', text)[1:]   # cut-off JSON: the strings after "terms"
    return [" ".join(str(item).split()).strip(" .,;:") for item in (raw if isinstance(raw, list) else [])]


def parse_terms(text: str, question: str, taken: list[set[str]], instructions: str = "") -> list[str]:
    """The specific names the model gave for an aspect that a search can use: not the
    question's own words again ("virtual memory" for a question on virtual memory: its search
    has them), not a near repeat of an aspect or of a term already taken (`taken`: stems of each,
    extended with the terms kept), and not made of the request's own words (`instructions`,
    its example included): a small model with nothing to name copies them ("piston" for the
    forces in a battle, "named methods")."""
    asked = stems(question)
    told = stems(instructions) | asked       # "four-stroke cycle" copied for a question on four-day weeks
    out: list[str] = []
    for term in raw_terms(text):
        words = stems(term)
        copied = all(any(same_word(w, t) for t in told) for w in words)     # "bug stage" after "stages"
        if not words or _restated(words, asked) or repeats(words, taken) or copied:
            continue
        out.append(term)
        taken.append(words)
    return out
