"""The weight-repacking decision (llm/repack.py): llama.cpp's AMX path crashes on some CPUs.

Decision logic with sample /proc/cpuinfo files and fake probes; the probe's crash detection
with real child processes that die of SIGSEGV; the loader and doctor with the real 0.5B model.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from kresearch.llm import repack

DATA = Path(__file__).parent / "data"
AMX_BUILD = "CPU : SSE3 = 1 | AVX2 = 1 | AVX512 = 1 | AMX_INT8 = 1 | LLAMAFILE = 1 | REPACK = 1 | "
PLAIN_BUILD = "CPU : SSE3 = 1 | AVX2 = 1 | LLAMAFILE = 1 | OPENMP = 1 | REPACK = 1 | "
SEGFAULT = [sys.executable, "-c", "import ctypes; ctypes.string_at(0)"]   # a real native crash


@pytest.fixture(autouse=True)
def fresh_memo():
    repack._verdicts.clear()
    yield
    repack._verdicts.clear()


def sample(name: str) -> str:
    return (DATA / f"cpuinfo-{name}.txt").read_text()


def test_cpu_flags_are_read_from_proc_cpuinfo_samples():
    model, flags = repack.cpu_info(sample("amx"))
    assert model.startswith("Intel(R) Xeon(R) Platinum 8481C")
    assert {"amx_tile", "amx_int8", "amx_bf16", "avx512f"} <= flags
    model, flags = repack.cpu_info(sample("epyc"))
    assert model == "AMD EPYC 7B13" and "avx2" in flags and not flags & set(repack.AMX_FLAGS)
    assert "asimd" in repack.cpu_info(sample("arm"))[1]       # ARM says Features
    assert repack.cpu_info("") == ("", set())


def test_build_info_says_whether_amx_kernels_were_compiled():
    assert repack.build_has_amx(AMX_BUILD)
    assert not repack.build_has_amx(PLAIN_BUILD)


@pytest.mark.parametrize("cpu, build, repacks, probes", [
    ("epyc", AMX_BUILD, True, False),     # no AMX on the CPU: nothing to fear
    ("arm", PLAIN_BUILD, True, False),
    ("amx", PLAIN_BUILD, True, False),    # AMX CPU, but the build has no AMX kernels
    ("amx", AMX_BUILD, False, True),      # both: a probe decides; off until it has
])
def test_auto_decides_from_cpu_flags_and_build(cpu, build, repacks, probes):
    decision = repack.decide("auto", repack.cpu_info(sample(cpu))[1], build)
    assert (decision.repack, decision.needs_probe) == (repacks, probes)
    assert decision.reason


def test_an_explicit_setting_is_honoured_on_any_machine():
    amx = repack.cpu_info(sample("amx"))[1]
    assert repack.decide("on", amx, AMX_BUILD).repack is True
    assert repack.decide("off", set(), PLAIN_BUILD).repack is False
    with pytest.raises(ValueError):
        repack.decide("maybe", set(), PLAIN_BUILD)


def fake_probe(ok: bool, calls: list):
    def run(model, with_repack, threads):
        calls.append((model, with_repack, threads))
        return repack.ProbeResult(ok, "fake: " + ("generated" if ok else "crashed with SIGSEGV"),
                                  signal="" if ok else "SIGSEGV")
    return run


def resolve(tmp_path, *, ok=True, calls=None, mode="auto", version="0.3.36", cpu="amx", build=AMX_BUILD):
    calls = [] if calls is None else calls
    return repack.resolve(mode, Path("m.gguf"), 2, tmp_path / "repack.json", cpuinfo=sample(cpu),
                          system_info=build, version=version, run_probe=fake_probe(ok, calls))


def test_a_crashing_probe_turns_repacking_off_and_the_verdict_is_cached(tmp_path):
    calls: list = []
    decision = resolve(tmp_path, ok=False, calls=calls)
    assert decision.repack is False and "crashed" in decision.reason
    assert calls == [(Path("m.gguf"), True, 2)]          # probed with repacking, same threads
    saved = json.loads((tmp_path / "repack.json").read_text())
    assert [v["ok"] for v in saved.values()] == [False]
    repack._verdicts.clear()                              # a new process: the file answers
    assert resolve(tmp_path, ok=True, calls=calls).repack is False
    assert len(calls) == 1


def test_a_clean_probe_keeps_repacking_and_a_new_build_probes_again(tmp_path):
    calls: list = []
    assert resolve(tmp_path, ok=True, calls=calls).repack is True
    assert resolve(tmp_path, ok=True, calls=calls).repack is True
    assert len(calls) == 1
    assert resolve(tmp_path, ok=False, calls=calls, version="0.3.37").repack is False   # rebuilt
    assert len(calls) == 2


def test_no_probe_without_amx_or_with_an_explicit_setting(tmp_path):
    calls: list = []
    assert resolve(tmp_path, calls=calls, cpu="epyc").repack is True
    assert resolve(tmp_path, calls=calls, mode="off").repack is False
    assert resolve(tmp_path, calls=calls, mode="on").repack is True
    assert calls == [] and not (tmp_path / "repack.json").exists()


def test_an_unreadable_verdict_file_means_probing_again(tmp_path):
    (tmp_path / "repack.json").write_text("{not json")
    calls: list = []
    assert resolve(tmp_path, ok=False, calls=calls).repack is False
    assert len(calls) == 1 and json.loads((tmp_path / "repack.json").read_text())


def test_the_probe_reports_a_native_crash_by_signal_name():
    result = repack.probe(Path("unused"), True, 1, command=SEGFAULT)
    assert not result.ok and result.signal == "SIGSEGV"
    assert "crashed" in result.detail and "SIGSEGV" in result.detail


def test_the_probe_reports_a_hang_and_a_failure():
    hang = repack.probe(Path("unused"), True, 1, timeout=1,
                        command=[sys.executable, "-c", "import time; time.sleep(30)"])
    assert not hang.ok and "did not finish" in hang.detail
    fail = repack.probe(Path("unused"), True, 1, command=[sys.executable, "-c", "raise SystemExit('no model')"])
    assert not fail.ok and not fail.signal and "no model" in fail.detail


def test_the_repack_setting_is_validated_and_shown(monkeypatch):
    from kresearch.config import load_settings
    from kresearch.errors import UsageError

    monkeypatch.setenv("KRESEARCH_REPACK", "off")
    settings, origin = load_settings({})
    assert settings.repack == "off" and origin["repack"] == "KRESEARCH_REPACK"
    monkeypatch.setenv("KRESEARCH_REPACK", "sometimes")
    with pytest.raises(UsageError, match="repack must be one of auto, on, off"):
        load_settings({})


def test_the_loader_sets_use_extra_bufts_only_while_loading():
    import llama_cpp

    from kresearch.llm.llamacpp import _repacking

    with _repacking(llama_cpp, False):
        assert llama_cpp.llama_cpp.llama_model_default_params().use_extra_bufts is False
    assert llama_cpp.llama_cpp.llama_model_default_params().use_extra_bufts is True


# -- the real model -----------------------------------------------------------------------------

@pytest.mark.model
def test_the_real_model_generates_with_the_decided_parameters(test_model_path, tmp_path):
    """On whatever machine runs this: decide as a run would, load, generate."""
    from kresearch.llm.llamacpp import LlamaCppLLM

    llm = LlamaCppLLM(test_model_path, n_ctx=1024, seed=1, repack_verdicts=tmp_path / "repack.json")
    assert llm.repack.reason and not llm.repack.needs_probe
    out = llm.complete([{"role": "user", "content": "Say hello."}], max_tokens=8, temperature=0.0)
    assert out.completion_tokens > 0 and out.text.strip()


@pytest.mark.model
def test_greedy_output_is_the_same_with_and_without_repacking(test_model_path):
    """Where repacking is safe on this machine (never load the crashing path in-process)."""
    from kresearch.llm.llamacpp import load_llama

    decision = repack.resolve("auto", test_model_path, 2, None)
    flags = (True, False) if decision.repack else (False,)
    results = [repack.probe(test_model_path, flag, 2, tokens=12) for flag in flags]
    assert all(r.ok for r in results), [r.detail for r in results]
    texts = []
    for flag in flags:

        llama = load_llama(test_model_path, repack=flag, n_ctx=256, n_threads=2, seed=0)
        out = llama.create_completion("The capital of France is", max_tokens=8, temperature=0.0)
        texts.append(out["choices"][0]["text"])
        del llama
    assert len(set(texts)) == 1 and texts[0].strip()


@pytest.mark.model
def test_doctor_reports_a_native_crash_in_one_line_with_the_fix(test_model_path, monkeypatch):
    from kresearch import doctor

    ok = doctor.check_inference(str(test_model_path), "auto")
    assert ok.status == doctor.OK and "tok/s" in ok.detail
    monkeypatch.setattr(repack, "probe_command", lambda *a, **k: SEGFAULT)
    crashed = doctor.check_inference(str(test_model_path), "on")
    assert crashed.status == doctor.FAIL and "SIGSEGV" in crashed.detail
    assert "KRESEARCH_REPACK=off" in crashed.fix and "\n" not in crashed.detail + crashed.fix
    crashed = doctor.check_inference(str(test_model_path), "off")
    assert "GGML_NATIVE=OFF" in crashed.fix
