"""Scoring functions of benchmarks/run.py (loaded from its file path: benchmarks/ is no package)."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

RUN_PY = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("kresearch_bench_run", RUN_PY)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses/typing look modules up by name
    spec.loader.exec_module(module)
    return module


def test_normalize(bench) -> None:
    assert bench.normalize_answer("  The Beatles!  ") == "beatles"
    assert bench.normalize_answer("Sean Yseult.") == "sean yseult"
    assert bench.normalize_answer("An apple, a day") == "apple day"
    assert bench.normalize_answer("Theatre") == "theatre"  # articles only as whole words


def test_exact_match_and_f1(bench) -> None:
    assert bench.exact_match("the Sean Yseult", "Sean Yseult.") == 1.0
    assert bench.exact_match("Yseult", "Sean Yseult") == 0.0
    assert bench.f1_score("Yseult", "Sean Yseult") == pytest.approx(2 / 3)  # p=1, r=1/2
    assert bench.f1_score("Sean Yseult of White Zombie", "Sean Yseult") == pytest.approx(2 * 0.4 / 1.4)  # p=2/5, r=1
    assert bench.f1_score("", "Sean Yseult") == 0.0


def test_f1_yes_no_special_case(bench) -> None:
    assert bench.f1_score("yes", "yes") == 1.0
    assert bench.f1_score("no", "no it is not") == 0.0  # HotpotQA: a yes/no answer must match exactly
    assert bench.f1_score("yes it is", "yes") == 0.0
    assert bench.f1_score("noanswer", "noanswer") == 1.0


def test_lenient(bench) -> None:
    assert bench.lenient_match("It was Krzysztof Zanussi.", "Krzysztof Zanussi") == 1.0
    assert bench.lenient_match("Zanussi", "Krzysztof Zanussi") == 1.0  # gold contains prediction
    assert bench.lenient_match("not known", "no") == 0.0  # whole words only
    assert bench.lenient_match("", "Live") == 0.0
    assert bench.lenient_match("The", "Live") == 0.0  # normalises to empty


def test_best_over_gold_answers(bench) -> None:
    golds = ["1943", "January 7, 1943"]
    assert bench.best_over(bench.exact_match, "january 7 1943", golds) == 1.0
    assert bench.best_over(bench.f1_score, "1943", golds) == 1.0
    assert bench.best_over(bench.f1_score, "x", []) == 0.0


def test_slug_and_gold_pages(bench) -> None:
    assert bench.slug("Live (band)") == "Live_(band)"
    assert bench.slug("Beyoncé") == "Beyonc%C3%A9"
    titles = ["Live (band)", "Beyoncé"]
    assert bench.is_gold_page("http://127.0.0.1:8765/wiki/Live_(band)", titles)
    assert bench.is_gold_page("http://127.0.0.1:8765/wiki/Live_%28band%29", titles)  # other encoding
    assert bench.is_gold_page("http://127.0.0.1:8765/wiki/" + bench.slug("Beyoncé"), titles)
    assert not bench.is_gold_page("http://127.0.0.1:8765/wiki/Live", titles)
    assert not bench.is_gold_page("http://127.0.0.1:8765/foldoc/Live_(band)", titles)


def test_cited_precision_and_support_recall(bench) -> None:
    titles, golds = ["Sean Yseult", "Supagroup"], ["Sean Yseult."]
    sources = [
        {"id": 1, "url": "http://h/wiki/Sean_Yseult", "opened": True, "cited": True},      # gold page
        {"id": 2, "url": "http://h/wiki/White_Zombie", "opened": True, "cited": True},     # text has answer
        {"id": 3, "url": "http://h/wiki/Rob_Zombie", "opened": True, "cited": True},       # neither
        {"id": 4, "url": "http://h/wiki/Supagroup", "opened": False, "cited": False},      # seen, not opened
    ]
    pages = {"http://h/wiki/White_Zombie": "Bassist Sean Yseult joined in 1985.",
             "http://h/wiki/Rob_Zombie": "Rob Zombie is a musician."}
    assert bench.cited_precision_counts(sources, titles, golds, pages.get) == (2, 3)
    assert bench.support_recall(sources, titles) == 0.5
    assert bench.cited_precision_counts([], titles, golds, pages.get) == (0, 0)


def test_yes_no_answers_are_not_found_in_text(bench) -> None:
    assert not bench.text_supports("yes, no, maybe", ["yes"])
    assert bench.text_supports("The band Live formed in 1984.", ["Live"])


def test_percentile(bench) -> None:
    assert bench.percentile([], 50) is None
    assert bench.percentile([3.0], 90) == 3.0
    assert bench.percentile([1, 2, 3, 4], 50) == 2.5
    assert bench.percentile(list(range(1, 11)), 90) == pytest.approx(9.1)


def test_summarize_and_table(bench) -> None:
    q = {"id": "a", "answers": ["Live"], "supporting_titles": ["Live (band)"]}
    rec = {"id": "a", "answer": "Live", "error": None, "wall_seconds": 10.0, "stopped_because": "answered",
           "stats": {"steps": 4, "searches": 2, "pages_opened": 1, "prompt_tokens": 9000,
                     "prompt_tokens_evaluated": 3000, "completion_tokens": 300, "wall_seconds": 10.0},
           "sources": [{"id": 1, "url": "http://h/wiki/Live_(band)", "opened": True, "cited": True}]}
    bad = {"id": "b", "answer": "", "error": "timeout", "wall_seconds": 30.0, "stats": {}, "sources": []}
    qb = {"id": "b", "answers": ["x"], "supporting_titles": ["X"]}
    rows = [bench.score_record("agent", rec, q, lambda u: None), bench.score_record("agent", bad, qb, lambda u: None)]
    s = bench.summarize(rows)
    assert s["n"] == 2 and s["em"] == 0.5 and s["cited_precision"] == 1.0 and s["support_recall"] == 0.5
    assert s["errors"] == {"timeout": 1} and s["mean_steps"] == 4 and s["wall_median"] == 20.0
    table = bench.markdown_table({"agent": s})
    assert table.splitlines()[2].startswith("| agent | 2 | 0.500 |")


def test_parse_json_output(bench) -> None:
    assert bench.parse_json_output('{"answer": "x"}\n') == {"answer": "x"}
    assert bench.parse_json_output('noise\n{"answer": "x"}') == {"answer": "x"}
    assert bench.parse_json_output("Traceback ...") is None
    assert bench.parse_json_output("") is None


def test_calibration_buckets_and_brier(bench) -> None:
    rows = [{"confidence": 0.9, "lenient": 1.0}, {"confidence": 0.8, "lenient": 1.0},
            {"confidence": 0.4, "lenient": 0.0}, {"confidence": 0.1, "lenient": 0.0}, {"lenient": 1.0}]
    cal = bench.calibration(rows)
    assert [b["n"] for b in cal["buckets"]] == [1, 1, 2]
    assert [b["accuracy"] for b in cal["buckets"]] == [0.0, 0.0, 1.0]
    assert abs(cal["brier"] - (0.01 + 0.04 + 0.16 + 0.01) / 4) < 1e-9
    assert bench.calibration([{"lenient": 1.0}]) == {}


def test_efficiency_ratio(bench) -> None:
    speed = {"prefill_tokens_per_s": 100.0, "decode_tokens_per_s": 10.0}
    rows = [{"prompt_tokens_evaluated": 1000, "completion_tokens": 100, "wall_seconds": 22.0},   # needs 20 s
            {"prompt_tokens_evaluated": 500, "completion_tokens": 50, "wall_seconds": 10.0},     # needs 10 s
            {"prompt_tokens_evaluated": None, "completion_tokens": 1, "wall_seconds": 5.0}]
    eff = bench.efficiency(rows, speed)
    assert abs(eff["aggregate"] - 32 / 30) < 1e-9 and eff["median"] == (1.1 + 1.0) / 2
    assert bench.efficiency(rows, None) == {}


def test_depth_priced_efficiency(bench, tmp_path) -> None:
    import json

    curve = {"prefill_fit": [10.0, 0.01], "decode_fit": [80.0, 0.0]}     # ms/token = a + b * depth
    calls = [{"event": "llm", "prompt_tokens": 1000, "prompt_tokens_evaluated": 200, "completion_tokens": 10},
             {"event": "llm", "prompt_tokens": 1200, "prompt_tokens_evaluated": 100, "completion_tokens": 20}]
    # call 1: 200 tokens at depth 900 (19 ms) + 10 x 80 ms; call 2: 100 at depth 1150 (21.5 ms) + 20 x 80 ms
    need = bench.needed_seconds(calls, curve)
    assert need == pytest.approx((200 * 19 + 800 + 100 * 21.5 + 1600) / 1000)
    trace = tmp_path / "t.jsonl"
    trace.write_text("".join(json.dumps(c) + "\n" for c in [{"event": "start"}, *calls]))
    rows = [{"trace": str(trace), "wall_seconds": 2 * need}, {"trace": str(tmp_path / "missing"), "wall_seconds": 9}]
    eff = bench.depth_efficiency(rows, curve)
    assert eff["median"] == pytest.approx(2.0) and eff["aggregate"] == pytest.approx(2.0)
    assert bench.depth_efficiency(rows, None) == {}
    assert bench._line_fit([0, 1000, 2000], [10, 20, 30]) == [10.0, 0.01]


@pytest.mark.model
def test_speed_curve_on_the_real_model(bench, test_model_path) -> None:
    llm = bench.load_llm(str(test_model_path))
    curve = bench.measure_speed_curve(llm, depths=(0, 300), chunk=64, gen_tokens=4)
    assert curve["depths"] == [0, 300]
    assert all(v > 0 for v in curve["prefill_ms_per_token"] + curve["decode_ms_per_token"])
    assert len(curve["prefill_fit"]) == 2 and llm.n_tokens == 0       # the cache is left empty


def test_recheck_applies_this_checkout_s_citation_rules_to_a_stored_run() -> None:
    spec = importlib.util.spec_from_file_location("kresearch_bench_recheck", RUN_PY.parent / "recheck.py")
    recheck = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recheck)
    titles = {1: "Kiss and Tell (1945 film)", 2: "Shirley Temple", 3: "Jane Withers"}
    texts = {1: "Kiss and Tell is a 1945 American comedy film starring Shirley Temple as Corliss Archer.",
             2: "Shirley Temple also served as Chief of Protocol of the United States.",
             3: "Jane Withers, who never portrayed Corliss Archer, served as Chief of Protocol of the United States."}
    record = {"question": "What government position was held by the woman who portrayed Corliss Archer in Kiss and Tell?",
              "answer": "Chief of Protocol of the United States", "confidence": 0.3,
              "sources": [{"id": i, "url": f"http://x/{i}", "title": t, "opened": True} for i, t in titles.items()],
              "claims": [{"text": "Jane Withers served as Chief of Protocol of the United States.", "sources": [3],
                          "dropped_sources": []}]}
    # the stored claims are not reused: the findings are quoted again, from the question's trail
    assert recheck.recheck(record, texts, trail=True) == {1, 2}       # Withers' page: off the trail
    assert recheck.recheck(record, texts, trail=False) == {1, 3}      # her sentence says more of the question
    # a likely answer also cites the passage stating it (connected pages only)
    assert recheck.recheck({**record, "confidence": 0.6}, texts, trail=True) == {1, 2}


def test_two_builds_of_the_agent_alternate_and_are_compared_per_question(bench, tmp_path) -> None:
    # each "build" is a real subprocess that prints a JSON result; the run log says who went first
    order = tmp_path / "order.log"
    script = tmp_path / "fake_cli.py"
    script.write_text("import json, sys\n"
                      f"open({str(order)!r}, 'a').write(sys.argv[1] + '\\n')\n"
                      "print(json.dumps({'answer': 'Live' if sys.argv[1] == 'new' else 'Dead', 'sources': [],\n"
                      "                  'stats': {'wall_seconds': 2.0 if sys.argv[1] == 'new' else 4.0}}))\n")
    qfile = tmp_path / "q.jsonl"
    qfile.write_text("".join(json.dumps({"id": i, "question": "Which band?", "answers": ["Live"],
                                         "supporting_titles": []}) + "\n" for i in ("a", "b", "c")))
    out = tmp_path / "run"
    args = bench.parse_args(["--questions", str(qfile), "--model", "m.gguf", "--out", str(out),
                             "--cli", f"{sys.executable} {script} new", "--versus", f"old={sys.executable} {script} old"])
    questions = bench.load_questions(qfile, None)
    bench.run_agent(questions, args, out)
    assert order.read_text().split() == ["new", "old", "old", "new", "new", "old"]
    assert bench.systems_in(out) == ["agent", "agent-old"]
    assert (out / "logs").is_dir() and (out / "logs-old").is_dir()   # each build its own logs and home
    bench.run_agent(questions, args, out)   # a resumed run does nothing twice
    assert len(order.read_text().split()) == 6
    rows = {name: [bench.score_record(name, r, {q["id"]: q for q in questions}[r["id"]], lambda u: None)
                   for r in bench.read_jsonl(out / f"{name}.jsonl")] for name in ("agent", "agent-old")}
    p = bench.paired(rows["agent"], rows["agent-old"])
    assert p["n"] == 3 and p["ratio_of_medians"] == 0.5 and p["median_ratio"] == 0.5
    assert p["f1_better"] == 3 and p["f1_worse"] == 0 and p["f1_change"] == 1.0
    # --versus-limit: the other build on the first questions only
    order.write_text("")
    args = bench.parse_args(["--questions", str(qfile), "--model", "m.gguf", "--out", str(tmp_path / "run2"),
                             "--cli", f"{sys.executable} {script} new", "--versus-limit", "1",
                             "--versus", f"old={sys.executable} {script} old"])
    bench.run_agent(questions, args, tmp_path / "run2")
    assert order.read_text().split() == ["new", "old", "new", "new"]
