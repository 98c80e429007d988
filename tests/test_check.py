"""Snapshots and `kresearch check`: every page a run read is stored by its sha256, and a saved
report's citations are re-verified against those snapshots offline; --refetch says which cited
pages changed or vanished. Scripted FakeLLM runs of the real CLI over the loopback fixture site."""
from __future__ import annotations

import json
import os
from pathlib import Path

from fixture_site import PAGES, page_html, site
from test_scripting import ANSWERED, QUESTION, research_env, run

from kresearch.check import check_result
from kresearch.snapshots import SnapshotStore, digest

SHIRLEY = "/wiki/Shirley_Temple"


def snapshots() -> SnapshotStore:
    return SnapshotStore(Path(os.environ["KRESEARCH_HOME"]) / "snapshots")


def live_site(state: dict):
    """The fixture site, with Shirley Temple's page served from `state` (changed or removed later)."""
    def shirley(handler) -> None:
        if state.get("gone"):
            handler.send(404, {"Content-Type": "text/plain"}, b"not found")
        else:
            handler.send(200, {"Content-Type": "text/html; charset=utf-8"}, page_html("Shirley Temple", state["text"]))
    return site({SHIRLEY: shirley})


def saved_run(tmp_path: Path, server) -> tuple[Path, dict]:
    proc = run(["--format", "json", "-o", str(tmp_path / "r.json"), QUESTION],
               research_env(tmp_path, server.base_url, ANSWERED))
    assert proc.returncode == 0, proc.stderr
    return tmp_path / "r.json", json.loads((tmp_path / "r.json").read_text())


def test_every_page_read_is_snapshotted_and_the_report_checks_out_offline(tmp_path):
    state = {"text": PAGES[SHIRLEY][1]}
    with live_site(state) as server:
        path, data = saved_run(tmp_path, server)
    opened = [s for s in data["sources"] if s["opened"]]
    assert opened and all(s["sha256"] and s["fetched_at"] for s in opened)
    assert all(snapshots().get(s["sha256"]) is not None for s in opened)
    assert not any(s["sha256"] for s in data["sources"] if not s["opened"])
    # the server is gone: the check needs nothing but the snapshots
    proc = run(["check", str(path)])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.decode().splitlines()
    assert lines[0] == f"# {QUESTION}"
    assert any(line.startswith("supported") and "[3] As an adult, she was named" in line for line in lines)
    assert lines[-1].startswith("3 cited sentence(s): 3 supported by the snapshots, 0 not, 0 without a snapshot")
    # the run's id (its journal) works as well as the JSON file, and --format json for scripts
    proc = run(["check", Path(data["trace"]).stem, "--format", "json"])
    assert proc.returncode == 0 and json.loads(proc.stdout)["ok"] is True


def test_a_changed_snapshot_or_page_is_reported_with_exit_5(tmp_path):
    state = {"text": PAGES[SHIRLEY][1]}
    with live_site(state) as server:
        path, data = saved_run(tmp_path, server)
        assert run(["check", str(path), "--refetch", "--allow-private-urls"]).returncode == 0
        state["text"] = "Shirley Temple was an American actress and singer."      # the page changed
        proc = run(["check", str(path), "--refetch", "--allow-private-urls"])
        assert proc.returncode == 5
        out = proc.stdout.decode()
        assert "changed     [3]" in out and "0 of 1 sentence(s) citing it are still supported" in out
        state["gone"] = True
        out = run(["check", str(path), "--refetch", "--allow-private-urls"]).stdout.decode()
        assert "vanished    [3]" in out and "404" in out
    # a snapshot that no longer matches its hash counts as missing, never as evidence
    sha = next(s["sha256"] for s in data["sources"] if s["id"] == 3)
    snapshots().path(sha).write_bytes(b"tampered")
    proc = run(["check", str(path)])
    assert proc.returncode == 5
    assert "no snapshot [3] As an adult, she was named" in proc.stdout.decode()


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    for args in (["check", str(bad)], ["check", "no-such-run"], ["check", str(bad), "--format", "xml"]):
        proc = run(args)
        assert proc.returncode == 2, proc.stderr
        assert proc.stdout == b"" and len(proc.stderr.decode().strip().splitlines()) == 1


def test_a_claim_is_checked_against_the_union_of_what_it_cites(tmp_path):
    store = SnapshotStore(tmp_path / "s")
    a = store.put("Mark-sweep collection pauses the program.")
    b = store.put("Reference counting cannot reclaim cycles of objects.")
    joined = "Mark-sweep collection pauses the program, while reference counting cannot reclaim cycles of objects."
    data = {"question": "q", "sources": [{"id": 1, "url": "u1", "sha256": a}, {"id": 2, "url": "u2", "sha256": b}],
            "claims": [{"text": joined, "sources": [1, 2]}, {"text": joined, "sources": [1]},
                       {"text": "removed by the run", "sources": []}]}
    report = check_result(data, store)
    assert [c.status for c in report.claims] == ["supported", "unsupported"]
    assert digest("x") == digest("x") and store.get(digest("never stored")) is None
    assert store.prune(0) == 2 and store.get(a) is None
