from kresearch.agent.report import assemble, check_citations, confidence, normalize_answer, supporting_sources
from kresearch.sources import SourceRegistry


def test_check_citations_keeps_only_opened_sources():
    check = check_citations("A [1]. B [2, 3]. C [9]; D [3][1].", shown={1, 2, 3}, opened={1, 3})
    assert check.text == "A [1]. B [3]. C; D [3][1]."
    assert check.cited == [1, 3]
    assert check.removed_unread == 1 and check.removed_unseen == 1


def test_normalize_answer_follows_hotpotqa():
    assert normalize_answer("The Chief of Protocol!") == "chief of protocol"


def test_supporting_sources_and_confidence():
    texts = {1: "She was Chief of Protocol of the United States.", 2: "Unrelated."}
    assert supporting_sources("chief of protocol", texts) == [1]
    assert supporting_sources("yes", texts) == []
    assert confidence(True, "x", [1, 2], [1]) > confidence(True, "x", [1], []) > confidence(True, "", [], [])
    assert confidence(False, "x", [1, 2], [1, 2]) <= 0.4


def test_assemble_builds_references_in_code():
    reg = SourceRegistry()
    a = reg.add("https://example.org/a", "Page A")
    b = reg.add("https://example.org/b", "Page B")
    a.opened = b.opened = True
    report = assemble("Q?", "yes", "- fact [1]", reg, [1], 0.7, "answered")
    assert report.startswith("# Q?\n\n**Answer:** yes")
    assert "[1] Page A — https://example.org/a" in report.split("## References")[1]
    assert "[2] Page B — https://example.org/b" in report.split("## Also read")[1]
