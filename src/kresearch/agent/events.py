"""What a run produces: the events the loop yields while it works (rendered by the CLI, REPL
and batch mode) and the result it ends with. Shared by both policies; imports nothing of the
agent, so the policies can import it without a cycle."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class RunResult:
    question: str
    answer: str
    report: str
    confidence: float
    sources: list[dict]
    stopped_because: str              # answered | max_steps | max_time | budget | interrupted | error | server_error
    stats: dict
    trace: str
    claims: list[dict] = field(default_factory=list)        # each cited sentence, its support and quote
    verification: list[dict] = field(default_factory=list)  # each verify step and its outcome
    conflicts: list[dict] = field(default_factory=list)
    error: str | None = None
    mode: str = "answer"                                     # answer | report
    sections: list[dict] = field(default_factory=list)      # report mode: each section, its text and sources
    coverage: list[dict] = field(default_factory=list)      # report mode: each aspect, its sources, covered?
    resumed_from: dict | None = None                         # kresearch resume: the journal and its last step
    parts: list[dict] = field(default_factory=list)          # a question of several asks: each ask's result (compound.py)

    def as_json(self) -> dict:
        data = asdict(self)
        if data["error"] is None:
            del data["error"]
        if data["resumed_from"] is None:
            del data["resumed_from"]
        if self.mode != "report":
            del data["sections"], data["coverage"]
        if not self.parts:
            del data["parts"]
        return data


# -- events --------------------------------------------------------------------------------

@dataclass
class StepStarted:
    step: int
    max_steps: int


@dataclass
class ActionTaken:
    step: int
    action: str
    args: dict
    thought: str


@dataclass
class ToolFinished:
    step: int
    action: str
    summary: str
    seconds: float


@dataclass
class Notice:
    message: str


@dataclass
class Finished:
    result: RunResult


Event = StepStarted | ActionTaken | ToolFinished | Notice | Finished
