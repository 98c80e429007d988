"""Exact resume: an interrupted or limited run continues from its journal's last whole step.

The journal records every model output in full, and a digest of every observation. Resuming
runs the question again with the same loop, but the model's outputs for the steps the journal
holds are given back in order (`Replay.output`) while the tools run for real -- from the cache,
so it takes seconds -- which rebuilds exactly the history, sources, notes, plan and answer
candidates the run had. When a tool's observation differs from the journal's (the cache was
cleared and the page changed), the recorded outputs no longer fit: the model takes over from
that step. A journal cut off mid-line (kill -9) ends at its last whole record.

Replayed: the research calls (steps, resamples, the first reading's draft, a report's outline
and its aspects' terms),
up to where a limit forced an answer, the run stopped, or it was interrupted. A report's
sections and summary are written anew from the rebuilt state (a short answer needs no model
call after research).

With `writing=True` (benchmarks/report_rewrite.py) the whole run is replayed, its sections and
summary too: the report is rebuilt by this code from the model outputs the run had, without a
model call -- so what the code does after the model writes (the support check, the quoted
fill-ins, the assembly) can be measured on stored runs in seconds.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..llm.base import Completion

JOURNAL_VERSION = 2
REPLAYED = ("step", "resample", "draft", "each", "each part", "outline", "terms")
WRITING = ("section", "summary")
ENDS_RESEARCH = ("limit", "stop", "finish")     # journal events after which nothing is replayed


@dataclass
class Recorded:
    purpose: str
    step: int
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str = "stop"


@dataclass
class Replay:
    source: dict                                        # {"trace": id, "step": last step replayed}
    outputs: list[Recorded] = field(default_factory=list)
    observations: list[str] = field(default_factory=list)   # observation digests (sha1), in order
    ended: str = ""                                     # why the replay stopped early, if it did
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)   # sections replay in threads

    def output(self, purpose: str, step: int, prompt_tokens: int = 0) -> Completion | None:
        """The recorded output of this call, when it is the next one the journal holds. A section
        or summary is the pending one of its step whose prompt was as long (`prompt_tokens`; 0:
        not compared) -- sections written at once are journalled in the order they finished --
        and none such means it was shown other quotes (the outline changed): it and what
        follows are written anew."""
        with self._lock:
            if not self.outputs:
                return None
            nxt = self.outputs[0]
            if purpose in WRITING and prompt_tokens:
                nxt = next((o for o in self.outputs if (o.purpose, o.step) == (purpose, step)
                            and o.prompt_tokens in (0, prompt_tokens)), None)
                if nxt is None:
                    self._end(f"the {purpose} call at step {step} was shown another prompt than the journal's")
                    return None
            elif (nxt.purpose, nxt.step) != (purpose, step):
                self._end(f"the run asked for a {purpose} call at step {step} where the journal has a "
                          f"{nxt.purpose} call at step {nxt.step}")
                return None
            self.outputs.remove(nxt)
        return Completion(text=nxt.text, prompt_tokens=nxt.prompt_tokens, prompt_tokens_evaluated=0,
                          completion_tokens=nxt.completion_tokens, seconds=0.0, finish_reason=nxt.finish_reason)

    def expects(self, purpose: str) -> bool:
        """A recorded call of this purpose is still pending (so its prompt is worth measuring)."""
        return any(o.purpose == purpose for o in self.outputs)

    def observed(self, step: int, digest: dict) -> str:
        """Compare a tool's observation with the journal's; a difference ends the replay (the
        reason is returned once)."""
        if not self.outputs or not self.observations:
            return ""
        if self.observations.pop(0) != digest.get("sha1"):
            return self._end(f"a tool gave another result at step {step} than the journal records")
        return ""

    def _end(self, reason: str) -> str:
        self.outputs.clear()
        self.ended = reason
        return reason


def replay_from_journal(records: list[dict], path: Path, writing: bool = False) -> Replay:
    """The model outputs and observations to replay from a journal (read_trace records); with
    `writing`, all of the run's (see above)."""
    outputs: list[Recorded] = []
    observations: list[str] = []
    purposes = REPLAYED + WRITING if writing else REPLAYED
    for record in records:
        event = record.get("event")
        if event in (("finish",) if writing else ENDS_RESEARCH):
            break
        if event == "observation":
            observations.append(str((record.get("text") or {}).get("sha1", "")))
        elif event == "llm" and record.get("purpose") in purposes and isinstance(record.get("output"), str):
            outputs.append(Recorded(purpose=record["purpose"], step=int(record.get("step", 0)),
                                    text=record["output"], prompt_tokens=int(record.get("prompt_tokens") or 0),
                                    completion_tokens=int(record.get("completion_tokens") or 0),
                                    finish_reason=str(record.get("finish_reason") or "stop")))
    last = max((o.step for o in outputs), default=0)
    return Replay(source={"trace": path.stem, "step": last, "calls": len(outputs)}, outputs=outputs,
                  observations=observations)
