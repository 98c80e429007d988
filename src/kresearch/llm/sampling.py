"""Grammar-checked sampling: sample freely, check the one token, constrain only on rejection.

llama-cpp-python puts the grammar first in its sampler chain, so every generated token pays
for matching all ~152k vocabulary entries against the grammar: 122 ms per token against 92
unconstrained (1.5B model, 2 CPU cores, `benchmarks/sampling_speed.py`). The model writes what the
grammar allows almost every time, so we do what llama.cpp's own `common_sampler` does:
sample from the unconstrained chain, test only the chosen token against the grammar, and run
the full grammar pass only when that token is rejected. The output still always matches
the grammar; only the work changes.

`install(llama)` swaps this sampler in for grammar-constrained calls of one `Llama`
(llama-cpp-python 0.3.x builds a fresh sampler per call through `Llama._init_sampler`).
"""
from __future__ import annotations

import ctypes
import math

import numpy as np

_TOKEN_DATA = np.dtype([("id", np.intc), ("logit", np.single), ("p", np.single)], align=True)


class GrammarCheckedSampler:
    """One generation's sampler: an unconstrained top-k/top-p/temperature chain plus a grammar
    consulted token by token. Same `sample(ctx, idx)` interface as llama-cpp-python's."""

    def __init__(self, llama, grammar, *, top_k: int, top_p: float, min_p: float, typical_p: float,
                 temp: float):
        import llama_cpp
        from llama_cpp import _internals

        self._lib = llama_cpp
        self.chain = _internals.LlamaSampler()
        if temp <= 0.0:
            self.chain.add_greedy()
        else:
            self.chain.add_top_k(top_k)
            self.chain.add_typical(typical_p, 1)
            self.chain.add_top_p(top_p, 1)
            self.chain.add_min_p(min_p, 1)
            self.chain.add_temp(temp)
            self.chain.add_dist(llama._seed)
        self.grammar = llama_cpp.llama_sampler_init_grammar(
            llama._model.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8"))
        if not self.grammar:
            raise ValueError("llama.cpp could not parse the grammar")
        self.n_vocab = llama._n_vocab
        self._one = (llama_cpp.llama_token_data * 1)()
        self._all = None      # full candidate buffer, allocated on the first rejection
        self.rejections = 0   # how often the full grammar pass was needed (for tests and tuning)

    def _allowed(self, token: int) -> bool:
        lib = self._lib
        self._one[0].id, self._one[0].logit, self._one[0].p = token, 1.0, 0.0
        arr = lib.llama_token_data_array(data=ctypes.cast(self._one, lib.llama_token_data_p), size=1,
                                         selected=-1, sorted=False)
        lib.llama_sampler_apply(self.grammar, ctypes.byref(arr))
        return not math.isinf(self._one[0].logit)

    def _constrained(self, ctx, idx: int) -> int:
        """The slow path: grammar over every candidate, then the chain over what is left."""
        lib = self._lib
        if self._all is None:
            self._all = (lib.llama_token_data * self.n_vocab)()
        view = np.frombuffer(self._all, dtype=_TOKEN_DATA)
        logits = np.ctypeslib.as_array(lib.llama_get_logits_ith(ctx.ctx, idx), shape=(self.n_vocab,))
        view["id"] = np.arange(self.n_vocab, dtype=np.intc)
        view["logit"] = logits
        view["p"] = 0.0
        arr = lib.llama_token_data_array(data=ctypes.cast(self._all, lib.llama_token_data_p),
                                         size=self.n_vocab, selected=-1, sorted=False)
        lib.llama_sampler_apply(self.grammar, ctypes.byref(arr))
        lib.llama_sampler_apply(self.chain.sampler, ctypes.byref(arr))
        token = int(arr.data[arr.selected].id)
        lib.llama_sampler_accept(self.chain.sampler, token)
        return token

    def sample(self, ctx, idx: int) -> int:
        token = self.chain.sample(ctx, idx)   # applies and accepts the unconstrained chain
        if not self._allowed(token):
            self.rejections += 1
            token = self._constrained(ctx, idx)
        self._lib.llama_sampler_accept(self.grammar, token)
        return token

    def close(self) -> None:
        if getattr(self, "grammar", None):   # also safe on a half-built sampler
            self._lib.llama_sampler_free(self.grammar)
            self.grammar = None
        if getattr(self, "chain", None) is not None:
            self.chain.close()

    def __del__(self):
        self.close()


def install(llama) -> None:
    """Use GrammarCheckedSampler for this Llama's grammar-constrained calls; every other call
    (no grammar, mirostat, logits processors, penalties) keeps the library's own sampler."""
    original = llama._init_sampler

    def init_sampler(**kw):
        plain = (kw.get("grammar") is None or kw.get("logits_processor") is not None
                 or kw.get("mirostat_mode", 0) != 0 or kw.get("repeat_penalty", 1.0) != 1.0
                 or kw.get("frequency_penalty", 0.0) or kw.get("presence_penalty", 0.0))
        if plain:
            return original(**kw)
        return GrammarCheckedSampler(llama, kw["grammar"], top_k=kw.get("top_k", 40), top_p=kw.get("top_p", 0.95),
                                     min_p=kw.get("min_p", 0.05), typical_p=kw.get("typical_p", 1.0),
                                     temp=kw.get("temp", 0.8))

    llama._init_sampler = init_sampler
