"""An answer that is an acronym is given with the name it stands for, when a page read spells it out.

"SARS", "IBHOF", "NBC": the 1.5B model often answers with the short form a page uses after
defining it once, and a reader (or a grader comparing words) may not know it. The page that
defines it says "International Boxing Hall of Fame (IBHOF)"; the answer becomes that, with the
acronym kept in brackets, so nothing the model found is lost and the words are the page's own.
Seen on three questions of the stored runs (one tuning, two validation); the name is taken only
when the initials of the words before the brackets spell the acronym (small words -- of, the,
and, for -- may count or not: "Hall of Fame" is HOF or HF).
"""
from __future__ import annotations

import re

_ACRONYM = re.compile(r"[A-Z][A-Z&]{1,7}")
_SMALL = {"of", "the", "and", "for", "in", "on", "at", "to", "de", "du", "la", "le", "&", "a", "an"}
_WORD = re.compile(r"[^\W_]+(?:['&][^\W_]+)*|&")
LOOK_BACK = 160          # characters before "(ACRONYM)" that may hold the name


def spelled_out(answer: str, texts: list[str]) -> str:
    """`answer` as "Full Name (ACRONYM)" when one of `texts` defines it so; else unchanged."""
    acronym = answer.strip()
    if not _ACRONYM.fullmatch(acronym):
        return answer
    letters = acronym.replace("&", "").lower()
    for text in texts:
        for match in re.finditer(r"\(\s*" + re.escape(acronym) + r"\s*[,;)]", text):
            before = max(0, match.start() - LOOK_BACK)
            words = list(_WORD.finditer(text, before, match.start()))
            start = _name_start([w.group() for w in words], letters)
            if start is not None:
                name = " ".join(text[words[start].start():match.start()].split())
                return f"{name[:1].upper()}{name[1:]} ({acronym})"
    return answer


def _name_start(words: list[str], letters: str) -> int | None:
    """Where the shortest run of the last words starts whose initials spell `letters` (small
    words counting or not; not starting with one); None when none does."""
    for start in range(len(words) - 1, -1, -1):
        run = words[start:]
        if run[0].lower() not in _SMALL and _spells(run, letters):
            return start
        if len(run) > 2 * len(letters) + 2:
            break
    return None


def _spells(run: list[str], letters: str) -> bool:
    """Every word of `run` gives its initial to the next letter, in order, but small words may
    give none; all letters are used."""
    if not run:
        return not letters
    word, rest = run[0], run[1:]
    if letters and word.lower()[0] == letters[0] and _spells(rest, letters[1:]):
        return True
    return word.lower() in _SMALL and _spells(rest, letters)


def spells(name: str, acronym: str) -> bool:
    """The initials of the name's words spell the acronym ("Anabolic-androgenic steroid" spells
    "AAS"; small words may count or not)."""
    return bool(_ACRONYM.fullmatch(acronym)) and _spells(re.findall(r"[^\W_]+", name), acronym.replace("&", "").lower())


def acronyms(text: str) -> list[str]:
    """The acronyms a text writes: "What, known as AAS, is ...?" -> ["AAS"]."""
    return re.findall(rf"\b{_ACRONYM.pattern}\b", text)

