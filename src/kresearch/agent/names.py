"""Names: what a question names, and whether a sentence, a page or its title names it too.

A name of the question is a run of capitalised words, joined by "of", "the", "de", "to" ...:
"Band of Skulls", "In the Realm of the Hackers", "Letters to Cleo", "Scout Tufankjian". A text
mentions a name when it has the name's one word, or two of the words of a longer name: "The
Skulls" does not mention "Band of Skulls", nor "Hackers (film)" "In the Realm of the Hackers",
nor the "Interamerican Scout Jamboree" Scout Tufankjian (measured: such homonyms were most of the citations that
passed a one-shared-word rule and pointed at neither a gold page nor one holding the answer).

The question's subjects are its names that are not nationality words: "American" in "Are
Freakonomics and In the Realm of the Hackers both American documentaries?" is what is asked
about the subjects, and every American film would mention it. An answer that is a country is
also stated by its nationality word ("Armenia" by "an Armenian-American photographer").
"""
from __future__ import annotations

import re

from .context import stems

# Nationality words -> the country they belong to (several words for one country).
NATIONS = {w: w for w in (
    "American Canadian Mexican Brazilian Chilean Peruvian Colombian Venezuelan Cuban Uruguayan Paraguayan "
    "Bolivian Ecuadorian Jamaican Haitian Irish French German Italian Spanish Portuguese Dutch Belgian Swiss "
    "Austrian Swedish Norwegian Danish Finnish Icelandic Polish Czech Slovak Hungarian Romanian Bulgarian Greek "
    "Turkish Russian Ukrainian Belarusian Serbian Croatian Slovenian Bosnian Albanian Macedonian Estonian "
    "Latvian Lithuanian Georgian Armenian Azerbaijani Israeli Iranian Iraqi Syrian Lebanese Jordanian Saudi "
    "Egyptian Moroccan Algerian Tunisian Libyan Nigerian Ghanaian Kenyan Ethiopian Zimbabwean Ugandan "
    "Tanzanian Senegalese Cameroonian Indian Pakistani Bangladeshi Nepalese Afghan Chinese Japanese Korean "
    "Taiwanese Vietnamese Thai Cambodian Filipino Indonesian Malaysian Singaporean Burmese Mongolian Kazakh "
    "Uzbek Australian Soviet Yugoslav Czechoslovak").split()}
NATIONS |= {"English": "British", "Scottish": "British", "Welsh": "British", "British": "British",
            "Argentine": "Argentine", "Argentinian": "Argentine", "Argentinean": "Argentine",
            "Flemish": "Belgian", "Persian": "Iranian", "Philippine": "Filipino"}
NATION = re.compile(r"\b(" + "|".join(sorted(NATIONS, key=len, reverse=True)) + r")\b(-born)?")
NATION_STEMS = {s for word in NATIONS for s in stems(word)}
MONTHS = "january february march april may june july august september october november december".split()
_MONTH_STEMS = {s for month in MONTHS for s in stems(month)}
_COMPASS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western"}
# Countries whose nationality word does not begin with the country's name less its last letter
# (the rule that gives Armenia -> Armenian, Italy -> Italian, Canada -> Canadian), or too short for it
_NATIONALITY_OF = {
    "France": "French", "Spain": "Spanish", "Poland": "Polish", "Ireland": "Irish", "Denmark": "Danish",
    "Netherlands": "Dutch", "Holland": "Dutch", "Switzerland": "Swiss", "Finland": "Finnish", "Wales": "Welsh",
    "Philippines": "Filipino", "United States": "American", "America": "American", "USA": "American",
    "Britain": "British", "Great Britain": "British", "United Kingdom": "British", "UK": "British",
    "Norway": "Norwegian", "Sweden": "Swedish", "Greece": "Greek", "Turkey": "Turkish", "England": "English",
    "Scotland": "Scottish", "Lebanon": "Lebanese", "Kazakhstan": "Kazakh", "Afghanistan": "Afghan",
    "Uzbekistan": "Uzbek", "Thailand": "Thai", "Czechia": "Czech", "Czech Republic": "Czech",
    "Portugal": "Portuguese", "Belgium": "Belgian", "Slovakia": "Slovak", "Saudi Arabia": "Saudi",
    "Soviet Union": "Soviet", "Yugoslavia": "Yugoslav", "Czechoslovakia": "Czechoslovak",
    "Iraq": "Iraqi", "Iran": "Iranian", "Cuba": "Cuban", "Peru": "Peruvian"}

# The first-level regions of a few countries, by the country: a page places a thing in its region
# ("a private research university in Pittsburgh, Pennsylvania") and never says the country. Left
# out: names that are also a country or commonly something else ("Georgia", "Victoria").
_REGIONS = {
    "United States": "Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Hawaii "
                     "Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan "
                     "Minnesota Mississippi Missouri Montana Nebraska Nevada New_Hampshire New_Jersey New_Mexico "
                     "New_York North_Carolina North_Dakota Ohio Oklahoma Oregon Pennsylvania Rhode_Island "
                     "South_Carolina South_Dakota Tennessee Texas Utah Vermont Virginia Washington West_Virginia "
                     "Wisconsin Wyoming",
    "Canada": "Alberta British_Columbia Manitoba New_Brunswick Newfoundland Nova_Scotia Ontario Quebec Saskatchewan",
    "Australia": "New_South_Wales Queensland South_Australia Tasmania Western_Australia",
    "United Kingdom": "England Scotland Wales Northern_Ireland",
}
_COUNTRY_OF_REGION = {region.replace("_", " "): country for country, regions in _REGIONS.items()
                      for region in regions.split()}
# "Pittsburgh, Pennsylvania", "Guildford, Surrey, England": a region after a place and a comma
_PLACED_IN = re.compile(r",\s+(" + "|".join(sorted(_COUNTRY_OF_REGION, key=len, reverse=True)) + r")\b")


def countries_placed(text: str) -> list[str]:
    """The countries of the regions `text` places something in: ["United States"] for "a
    university in Pittsburgh, Pennsylvania"."""
    return list(dict.fromkeys(_COUNTRY_OF_REGION[m.group(1)] for m in _PLACED_IN.finditer(text)))


# capital letters, accented ones included ("Öresund", "Łódź")
UPPER = "[" + "".join(chr(c) for c in range(0x250) if chr(c).isupper()) + "]"
# A run of capitalised words, with the small words names keep inside ("Band of Skulls",
# "Tristan und Isolde", "Ariane et Barbe-bleue") and the stop of a short abbreviation ("Kapaun Mt.
# Carmel", "St. Louis"); not opening with a word that only asks or joins ("Both Bishop Carroll
# ... and ...", "Did Kapaun ...": the name starts after it).
_INSIDE_NAMES = "of|the|de|la|le|von|van|der|den|for|in|on|to|a|&|und|et|y|du|des|di|da|del|dos|das|el|al|zu"
_NOT_A_NAME_START = (r"(?!(?:Both|Either|Neither|Did|Does|Do|Is|Are|Was|Were|Has|Have|Had|Could|Would|"
                     r"Should|Which|What|Who|Whom|Whose|When|Where|How|Why)\b)")
_WORD = (rf"(?:(?:Mt|St|Ste|Ft|Dr|Jr|Sr|Mr|Mrs|Ms|Gen|Col|Lt|Sgt|Capt|Rev|Prof|{UPPER})\.(?=\s+{UPPER})"
         rf"|{UPPER}[\w'-]*)")
# A house number or an ordinal before a name is part of it ("888 7th Avenue", "200 West Street");
# a year is not ("the 1925 Birthday Honours" are a year's honours), nor a day ("16 January").
_MONTHS = "|".join(m.title() for m in MONTHS)
_NUMBERED = (rf"(?<![\w.,/:-])(?!(?:1\d|20)\d\d\b)\d{{1,4}}(?:st|nd|rd|th)?\s+(?:\d{{1,4}}(?:st|nd|rd|th)\s+)?"
             rf"(?!(?:{_MONTHS})\b)(?={UPPER})")
# A title in quotes is one name, its short lower-case words too ("Crime and Punishment", "Gone
# with the Wind"): split at "and", the link check sent the run to search "Crime" and "Punishment".
_QUOTED_TITLE = rf"(?<=[\"“]){_WORD}(?:\s+(?:{_WORD}|[a-z]{{1,4}}))*(?=[,.!?]?[\"”])"
# a small word joins no month ("California on April 2" is a place and a date, not one name)
NAME = re.compile(rf"{_QUOTED_TITLE}|{_NOT_A_NAME_START}(?:{_NUMBERED})?{_WORD}"
                  rf"(?:\s+(?:(?:{_INSIDE_NAMES})\s+)+(?!(?:{_MONTHS})\b){_WORD}|\s+{_WORD})*")
CAPITALISED = re.compile(rf"\b{UPPER}[\w'-]+")
_NUMBERS_OF_NAMES = re.compile(_NUMBERED)


def page_name(title: str, qualifier: bool = False) -> str:
    """ "Lit (band) - Offline Encyclopedia" -> "Lit" (with `qualifier`: "Lit (band)"): the page's
    name without the site."""
    name = re.split(r"\s+[-|\u2013\u2014]\s+", title)[0].strip()
    return name if qualifier else " ".join(re.sub(r"\([^)]*\)", " ", name).split())


def capitalised(text: str) -> set[str]:
    """Stems of every capitalised word of `text`, a sentence's first word included (stop words
    such as "The" or "Which" are not content words, so they drop out), and of the numbers a name
    starts with ("888", "7th" of "888 7th Avenue")."""
    found = (*CAPITALISED.finditer(text), *_NUMBERS_OF_NAMES.finditer(text))
    return set().union(*(stems(m.group()) for m in found))


def name_runs(text: str) -> list[str]:
    """The runs of capitalised words of `text`: "Antonio Vivaldi wrote a set of sonatas, Op. 5" ->
    ["Antonio Vivaldi", "Op"]."""
    return [m.group() for m in NAME.finditer(text)]


def introduced_names(sentence: str, words: set[str], window: int = 6) -> list[str]:
    """The names `sentence` describes with two of `words` (stems; years count as words) in the
    few words just before them or in an apposition after them: "a short book by the Italian
    physicist Carlo Rovelli" introduces "Carlo Rovelli" for the words of "... written by an
    Italian physicist ...?"; "a version of "Nebo Zovyot", a 1959 Soviet science fiction film"
    introduces "Nebo Zovyot" for "... what 1959 Soviet feature?"."""
    def described(tokens: list[str]) -> int:
        return len({w for token in tokens for w in stems(token) | set(re.findall(r"\d{3,4}", token))} & words)

    found = []
    for m in NAME.finditer(sentence):
        after = sentence[m.end():]
        apposition = after.split()[1:window + 1] if re.match(r"[\"”']?\s*,\s+(a|an|the)\b", after) else []
        if described(sentence[:m.start()].split()[-window:]) >= 2 or described(apposition) >= 2:
            found.append(m.group())
    return found


# "born in Venice, Italy", "a band from Baltimore, Maryland": a place and the region it is in
_PLACE_IN = re.compile(rf"\b(?:in|at|from|near)\s+({UPPER}[\w'-]+(?:\s+{UPPER}[\w'-]+)?),\s+"
                       rf"({UPPER}[\w'-]+(?:\s+{UPPER}[\w'-]+)?)(?=\s*(?:[.;:)!?]|,\s+[a-z]|\s+(?!and\b|or\b)[a-z]|$))")


def place_regions(text: str) -> list[tuple[frozenset[str], frozenset[str]]]:
    """Each place of `text` given with its region, as (place stems, region stems): "Vivaldi was
    born in Venice, Italy." -> [({venice}, {italy})]. A page that says "Born in Venice" says
    where; the model adds the country from what it knows. Not a list: "in Venice, Rome and
    Paris" names three places."""
    return [(frozenset(stems(m.group(1))), frozenset(stems(m.group(2)))) for m in _PLACE_IN.finditer(text)]


# who did what: "developed by Crystal Dynamics", "Square Enix published"
_DONE_BY = re.compile(rf"\b([a-z]+ed)\s+by\s+(?:the\s+)?({NAME.pattern})")
_DID = re.compile(rf"({NAME.pattern})\s+([a-z]+ed)\b")


def done_by(text: str) -> list[tuple[str, str]]:
    """(verb, name as written) for each doer `text` names: "developed by Crystal Dynamics and
    published by Square Enix" -> [("developed", "Crystal Dynamics"), ("published", "Square Enix")]."""
    return [m.groups() for m in _DONE_BY.finditer(text)] + [m.groups()[::-1] for m in _DID.finditer(text)]


def roles(text: str) -> dict[str, list[frozenset[str]]]:
    """Who `text` says did what, by verb: "Tomb Raider was developed by Crystal Dynamics and
    published by Square Enix" -> {"developed": [{crystal, dynamic}], "published": [{square, enix}]};
    "Square Enix developed Tomb Raider" -> {"developed": [{square, enix}]}."""
    found: dict[str, list[frozenset[str]]] = {}
    for verb, name in done_by(text):
        if (agent := frozenset(stems(name))) and agent not in found.setdefault(verb, []):
            found[verb].append(agent)
    return found


def question_names(question: str) -> list[frozenset[str]]:
    """Each name of the question as the stems of its words (stop words such as "Which" or "The"
    drop out): "Which band has more members, Band of Skulls or Live?" -> [{band, skull}, {live}]."""
    found = (frozenset(stems(run)) for run in name_runs(question))
    return list(dict.fromkeys(name for name in found if name))


def names_written(question: str) -> list[frozenset[str]]:
    """The question's names, nationality words left out (unless they are all it names)."""
    named = question_names(question)
    return [name for name in named if not name <= NATION_STEMS] or named


def subjects(question: str) -> list[frozenset[str]]:
    """What the question is about: its names (`names_written`), a place's region and a month left
    out (unless they are all it names): "the mass killing at Oakland, California on April 2,
    2012" is about Oakland -- a page titled "Northern California PGA Championship" is not about
    the question, nor is "California" the subject an echoing answer asks of, and "April" is a date."""
    named = names_written(question)
    regions = {region for _, region in place_regions(question)}
    return [name for name in named if name not in regions and not name <= _MONTH_STEMS] or named


def subject_names(question: str) -> list[str]:
    """The question's subjects as it writes them, each a thing to look up: ["Oakland"] for the
    question above; no nationality ("a former Soviet statesman", "a South Korean boy group")."""
    asked = [name for name in subjects(question) if not name <= NATION_STEMS | _COMPASS]
    return list(dict.fromkeys(run for run in name_runs(question) if frozenset(stems(run)) in asked))


def anchored(query: str, question: str) -> str:
    """A sub-question that names nothing ("Which mine yielded the sample?", "What is the name of
    the adventure?") finds pages about anything when searched as it stands: it is part of its
    question, so it is searched with the question's names ("... Temagami-Lorrain Mine Burwash
    Mine"). One that names something (a subject, or the bridge the model found) stands; a
    nationality names nothing ("What is the name of the Soviet feature?")."""
    if any(not name <= NATION_STEMS for name in question_names(query)):
        return query
    quoted = re.findall(r"[\"“]([^\"”]{3,80})[\"”]", question)
    names = [run for run in name_runs(question) if stems(run) and not any(run in q for q in quoted)]
    return " ".join([query, *quoted, *names])


def mentions(name: frozenset[str], words: set[str]) -> bool:
    """`words` (stems) mention the name: its one word, or two of the words of a longer name.
    Match names against names where a generic word would pass: a title's capitalised words
    ("The Skulls (Canadian band)" is not "Band of Skulls"), a claim's."""
    return len(name & words) >= min(2, len(name))


def mentions_any(names: list[frozenset[str]], words: set[str]) -> bool:
    return any(mentions(name, words) for name in names)


def nationality_of(country: str) -> str | None:
    """The nationality word of a country: "Armenia" -> "Armenian", "France" -> "French"."""
    if country in _NATIONALITY_OF:
        return _NATIONALITY_OF[country]
    if len(country) < 5 or not country[0].isupper():
        return None
    return next((word for word in sorted(NATIONS, key=len) if word.startswith(country[:-1])), None)


def nationality_forms(answer: str) -> list[str]:
    """An answer that is a country, as its nationality word: "Armenia" -> ["Armenian"] (pages
    say "an Armenian-American photographer", not "of Armenia"); [] for any other answer."""
    country = re.sub(r"^the\s+", "", answer.strip().rstrip("."), flags=re.I)
    word = nationality_of(country) if country in _NATIONALITY_OF or re.fullmatch(r"[A-Z][a-z]+", country) else None
    return [word] if word else []
