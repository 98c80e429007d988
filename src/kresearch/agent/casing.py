"""A question typed without capitals, written with the names the pages write.

Both policies read names from the question's capitals: the report tells a named subject from
its category by them (report_mode/outline.written_as_names: "Scheme" in "the Scheme programming
language", which pages on an angle of it must name), and the short answer finds the things the
question is about by them (names.subjects). A user who types "give an overview of unix: where it
came from" writes no capitals, and the report then judged pages by "came" and "spread" alone
("Frequency hopping spread spectrum" became the summary). The pages the question's first search
read know which of its words are names: they write "Unix" capitalised in the middle of their
sentences, and "spread" in lower case. `as_pages_write` gives the question back with those
words as the pages write them, so the name rules hold for it too.
"""
from __future__ import annotations

import re
from collections import Counter

from .context import content_words
from .evidence import is_heading

MIN_SEEN = 3          # mid-sentence uses of a word, over the pages read, before it is judged
NAME_SHARE = 0.75     # ... and the share of them capitalised that makes it a name
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#]*")
# an address, also one cut from its "http:/" at a line's end ("/www.python.org"): no writing
# of its words
_URL = re.compile(r"\w+://\S+|(?<![\w.])/*www\.\S+")
_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+|\n\s*\n")


def as_pages_write(question: str, texts: list[str]) -> str:
    """The question with each word the pages write as a name in its written form
    ("give an overview of unix" -> "give an overview of Unix"); the question itself when it
    writes names of its own (its capitals are the user's word) or the pages show none.
    A question in title case or capitals says nothing by its capitals and is read in lower case."""
    if writes_names(question):
        return question
    words = {w.lower() for w in _WORD.findall(question) if content_words(w.lower())}
    asked = {w.lower() for w in _WORD.findall(question)}
    forms = _mid_sentence_forms(words, asked, texts)
    named = {w: _name_form(seen) for w, seen in forms.items()}
    named = {w: form for w, form in named.items() if form}
    named.update({w: form for w, form in _written_runs(question, texts).items() if w not in named})
    titles = _titles_written(question, texts)
    named.update({t.lower(): t for title in titles for t in title
                  if content_words(t.lower()) and t.lower() not in named})
    if not named:
        return question
    # the words between the named ones in lower case, unless the question is all lower case already
    lowered = question if question == question.lower() else question[:1] + question[1:].lower()
    written = _WORD.sub(lambda m: named.get(m.group().lower(), m.group()) if m.start() else m.group(), lowered)
    # a title's first word is part of its name where the question writes the title whole ("in the
    # realm of the hackers" -> "In the Realm of the Hackers"), and only there: "in" elsewhere stays
    for title in titles:
        if not content_words(title[0].lower()):
            whole = re.compile(r"(?<![\w'])" + r"\W+".join(map(re.escape, title)) + r"(?![\w'])", re.I)
            written = whole.sub(lambda m: title[0] + m.group()[len(title[0]):] if m.start() else m.group(), written)
    return written


def writes_names(question: str) -> bool:
    """The question capitalises a word where no sentence starts ("who directed Ed Wood?")."""
    return bool(capitalised_inside(question))


def capitalised_inside(text: str) -> set[str]:
    """The content words `text` capitalises where no sentence starts ("Scheme", "Common Lisp",
    "RISC"), lower-cased. None for a text in title case or all capitals, whose capitals say
    nothing; none for one written in lower case."""
    inside = re.findall(r"(?<![.!?:]\s)(?<!^)\b[A-Za-z][\w-]*", " ".join(text.split()))
    small = [w for w in inside if not content_words(w)]             # "of", "the", "and"
    if text.isupper() or sum(w[:1].isupper() for w in small) > len(small) / 2:
        return set()                                                # "Give An Overview Of The ..."
    return {w.lower() for w in inside if w[:1].isupper() and w.lower() in content_words(w)}


def _mid_sentence_forms(words: set[str], asked: set[str], texts: list[str]) -> dict[str, Counter]:
    """How the pages write each of `words` where no sentence starts, leaving out headings,
    lines in title case, whose capitals say nothing, and addresses."""
    seen: dict[str, Counter] = {w: Counter() for w in words}
    for tokens in sentence_words(texts):
        if sum(t[:1].isupper() for t in tokens) * 2 <= len(tokens):      # not a title-case line
            for i, token in enumerate(tokens[1:], 1):
                if token.lower() not in seen:
                    continue
                # "Records" in "Virgin Records" is part of another name, not a name the question
                # writes: a capital inside a run with other words than the question's says nothing
                inside = token[:1].isupper() and tokens[i - 1][:1].isupper() and not _run(tokens, i) <= asked
                if not inside:
                    seen[token.lower()][token] += 1
    return seen


def sentence_words(texts: list[str]):
    """The words of each sentence of the texts, addresses left out; not headings, nor lines of
    fewer than four words (titles, captions)."""
    for text in texts:
        for sentence in _SENTENCE_END.split(_URL.sub(" ", text)):
            tokens = _WORD.findall(sentence.lstrip(">*-–• \t"))
            if not is_heading(sentence) and len(tokens) >= 4:
                yield tokens


def _written_runs(question: str, texts: list[str]) -> dict[str, str]:
    """The words of the question that the pages write as one capitalised run, two words or more,
    in the question's order ("john lasseter" -> "John Lasseter", "ken st andre" -> "Ken St
    Andre"): a name of several words is that name wherever the pages write it so, though its
    surname alone is seen too rarely for `_name_form` to judge; unless they write the words as a
    common phrase too (`_written_as_name`)."""
    phrases = _phrases(question, longest=5)
    runs: list[tuple[str, ...]] = []
    for tokens in sentence_words(texts):
        i = 1                                  # a sentence's first word is capitalised anyway
        while i < len(tokens):
            j = i
            while j < len(tokens) and tokens[j][:1].isupper():
                j += 1
            run = tokens[i:j]
            if len(run) >= 2 and " ".join(t.lower() for t in run) in phrases:
                runs.append(tuple(run))
            i = j + 1
    found: dict[str, str] = {}
    as_name = {run: _written_as_name(list(run), texts) for run in set(runs)}    # each judged once
    for run in runs:
        if as_name[run]:
            found.update({t.lower(): t for t in run if content_words(t.lower())})
    return found


def _phrases(question: str, longest: int) -> set[str]:
    """The question's runs of two to `longest` words in a row, in lower case."""
    words = [w.lower() for w in _WORD.findall(question)]
    return {" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 2, min(i + longest, len(words)) + 1)}


_HEADING = re.compile(r"^#+\s*(.+?)\s*(?:\([^()]*\))?\s*$", re.M)


def _titles_written(question: str, texts: list[str]) -> list[list[str]]:
    """The pages' titles (their heading lines), as words, that the question writes whole, two words
    or more, in its order, with a capital past the title's first word ("ian mcewan" -> "Ian
    McEwan", "in the realm of the hackers" -> "In the Realm of the Hackers"): a name the pages
    write mid-sentence too rarely to judge, often only at the start of its own page's sentences.
    Not a title in title case ("The Records Of The Band"), whose capitals say nothing."""
    phrases = _phrases(question, longest=8)
    found: list[list[str]] = []
    for text in texts:
        for title in _HEADING.findall(text):
            tokens = _WORD.findall(title)
            small = [t for t in tokens[1:] if not content_words(t.lower())]
            if (len(tokens) < 2 or " ".join(t.lower() for t in tokens) not in phrases
                    or not any(t[:1].isupper() for t in tokens[1:]) or any(t[:1].isupper() for t in small)
                    or not _written_as_name(tokens, texts)):
                continue
            found.append(tokens)
    return found


def _written_as_name(tokens: list[str], texts: list[str]) -> bool:
    """The pages do not write the title's words as a common phrase: of their uses where no
    sentence starts, NAME_SHARE or more capitalised. "Science Fantasy", a magazine's title, is
    "a science fantasy series" on the page of the series asked about: capitalised, the phrase
    made the magazine a subject of the question, and the report quoted its page."""
    phrase = re.compile(r"(?<![\w-])" + r"\s+".join(map(re.escape, tokens)) + r"(?![\w-])", re.I)
    capitalised = lower = 0
    for text in map(lambda t: _URL.sub(" ", t), texts):
        for m in phrase.finditer(text):
            before = text[:m.start()].rstrip(" \t\"“'*")
            if not before or before[-1] in ".!?:#\n([>":
                continue                                  # a sentence, heading or title starts here
            written = m.group()
            capitalised += written != written.lower()
            lower += written == written.lower()
    return lower == 0 or capitalised >= NAME_SHARE * (capitalised + lower)


def _run(tokens: list[str], i: int) -> set[str]:
    """The words (lower case) of the run of capitalised tokens that token i is in."""
    lo = hi = i
    while lo > 1 and tokens[lo - 1][:1].isupper():
        lo -= 1
    while hi + 1 < len(tokens) and tokens[hi + 1][:1].isupper():
        hi += 1
    return {t.lower() for t in tokens[lo:hi + 1]}


def _name_form(seen: Counter) -> str | None:
    """The capitalised form most used, when the pages mostly capitalise the word."""
    total = sum(seen.values())
    capitalised = Counter({form: n for form, n in seen.items() if form[:1].isupper()})
    if total < MIN_SEEN or sum(capitalised.values()) < NAME_SHARE * total:
        return None
    return capitalised.most_common(1)[0][0]


def answer_as_written(answer: str, texts: list[str]) -> str:
    """An answer the model wrote in lower case, as the pages write it where no sentence starts
    ("margaret landon" -> "Margaret Landon": copied from a question typed in lower case); the
    answer itself when it has capitals, or the pages write it in lower case ("orange")."""
    if answer != answer.lower() or not content_words(answer) or not answer.strip():
        return answer
    forms: Counter = Counter()
    pattern = re.compile(r"(?<![\w-])" + r"\s+".join(map(re.escape, answer.split())) + r"(?![\w-])", re.I)
    for text in texts:
        for m in pattern.finditer(text):
            before, after = text[:m.start()].rstrip(), text[m.end():m.end() + 2]
            # where no sentence or heading starts, and not inside a longer name ("Orange County")
            if (before and before[-1] not in ".!?:#\n\"'([*>" and not before.split()[-1][:1].isupper()
                    and not re.match(r"\s[A-Z]", after)):
                forms[" ".join(m.group().split())] += 1
    capitalised = Counter({form: n for form, n in forms.items() if form[:1].isupper()})
    if not capitalised or sum(capitalised.values()) < NAME_SHARE * sum(forms.values()):
        return answer
    return capitalised.most_common(1)[0][0]

