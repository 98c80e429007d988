"""One exception tree for the whole package.

    KResearchError                 exit 1 unless a subclass says otherwise
    ├── UsageError                 exit 2: bad flags, empty question, unknown backend ...
    │   └── ModelError             exit 2: model missing, not GGUF, cannot be downloaded ...
    ├── GenerationError            exit 1: the model backend failed mid-run
    │   └── ServerError            exit 4: the model server is unreachable, refuses the key, or keeps failing
    └── ToolError                  never stops a run: becomes an observation for the model
        ├── FetchError             page could not be fetched or read
        │   └── BlockedURLError    refused by the network policy (private address, scheme ...)
        ├── SearchError            search backend failed after retries
        └── SandboxError           the Python sandbox could not run at all

Messages are one line, phrased so that a user (or, for ToolError, the model) knows what
happened and what to do.
"""
from __future__ import annotations


class KResearchError(Exception):
    exit_code = 1


class UsageError(KResearchError):
    exit_code = 2


class ModelError(UsageError):
    pass


class GenerationError(KResearchError):
    pass


class ServerError(GenerationError):
    exit_code = 4


class ToolError(KResearchError):
    pass


class FetchError(ToolError):
    pass


class BlockedURLError(FetchError):
    pass


class SearchError(ToolError):
    pass


class SandboxError(ToolError):
    pass
