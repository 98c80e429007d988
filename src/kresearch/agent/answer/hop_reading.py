"""The hop reading: the one-hop question asked of the thing the link check leads to.

When an answer is off the question's trail (the link check) or is no answer at all (vague), the
check names the thing the page about the question leads to -- the bridge: "Clint Eastwood" for
"Pat Hingle was a close friend of an actor who achieved success in what Western TV series?".
The loop searches its name; then, once per run, the question is asked of that thing by name
("Clint Eastwood achieved success in what Western TV series?", described.asked_of) over the best
passages of the pages read, the bridge's own page among them, in one short call, the bridge said
not to be the answer. Its answer settles the question when the checks pass for the question as
asked; otherwise it is a candidate for the floor and research goes on.

The 1.5B model had had the bridge's page in front of it and answered the first hop's neighbour
("Dr. Kildare"), and research then wandered off (devb101-200-s59). It runs after the first
reading's draft and after an answer proposed during research alike.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..context import stems
from ..events import Notice
from ..names import page_name
from . import last_reading
from .compare import own_pages
from .described import asked_of
from .floor import Candidate
from .verify import Verdict, settles
from .wording import without_restated

if TYPE_CHECKING:
    from ..loop import Agent

HOP_PAGES = 2                 # pages read for the one-hop question
LEADS_ON = ("link", "vague")  # checks that name the thing the page about the question leads to


def bridge_to_read(verdict: Verdict, answer: str, state) -> str | None:
    """The thing to read the hop of, once per run: the first bridge a link or vague check named,
    not the answer itself ("the question asks it of Buck-Tick" names the answer, which is no hop
    further). `state` is the Agent's run state (loop._State)."""
    if state.hop_read or verdict.check not in LEADS_ON or not verdict.bridges or verdict.bridges[0] == answer:
        return None
    return verdict.bridges[0]


def read_the_hop(agent: Agent, question: str, bridge: str, state, step: int):
    """Ask the question of the bridge by name (see the module docstring); sets state.answer when
    its answer settles the question."""
    state.hop_read = True
    pages = {sid: (agent.sources.get(sid).title, doc.text) for sid, doc in agent.toolbox.docs.items()}
    own = bridge_page(bridge, pages)
    if own is None:
        return
    bridge = page_name(pages[own][0]) or bridge      # "Vonnegut" -> "Kurt Vonnegut"
    asked = asked_of(question, bridge)
    if not asked:
        return
    passages = last_reading.best_passages(asked, pages, limit=HOP_PAGES)
    if own not in {p.source for p in passages}:
        passages = [*last_reading.best_passages(asked, {own: pages[own]}, limit=1), *passages][:HOP_PAGES]
    # the bridge itself is said not to be the answer: asked "What building is opposite St
    # James's Palace?", the 1.5B model answered "St James's Palace" (probe60-a)
    request = last_reading.request(asked, passages, {bridge: last_reading.DESCRIBED})
    messages = [{"role": "system", "content": last_reading.SYSTEM}, {"role": "user", "content": request}]
    reply = agent._call(messages, last_reading.schema(), last_reading.MAX_TOKENS, "hop reading", step, 0.0)
    answer, quote = last_reading.parse(reply.text)
    answer = without_restated(agent._question, answer)
    if not stems(answer) or stems(answer) <= stems(bridge):    # told it is not, the model still gave it
        return
    evidence = agent._evidence(answer)
    evidence.answer = answer = agent.verifier.decide(evidence, step)
    verdict = settles(evidence)
    agent.trace.write("hop_reading", step=step, asked=asked, answer=answer, quote=quote,
                      sources=[p.source for p in passages], settled=verdict.passed, check=verdict.check)
    state.candidates.append(Candidate(answer, step, "proposed"))
    if not verdict.passed:
        yield Notice(f"hop reading: {asked} {answer} (not settled: {verdict.check}; research goes on)")
        return
    agent.verifier.log.append({"step": step, "answer": answer, "check": "passed",
                               "message": f"settled by reading {bridge}'s page"})
    yield Notice(f"hop reading: {asked} {answer} (settles it)")
    state.answer = answer


def bridge_page(name: str, pages: dict[int, tuple[str, str]]) -> int | None:
    """The page read that is the thing's own (compare.own_pages), or else a person's whose name
    ends with it: a page calls a person by surname ("Vonnegut"), the search finds "Kurt
    Vonnegut" (a name of capitalised words only, not "Armageddon in Retrospect")."""
    own = own_pages(name, pages)
    if own:
        return own[0][0]
    return next((sid for sid, (title, _) in pages.items()
                 if (full := page_name(title)).endswith(f" {name}") and all(w[:1].isupper() for w in full.split())),
                None)
