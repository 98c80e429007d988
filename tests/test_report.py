from kresearch.agent.evidence import Conflict
from kresearch.agent.report import assemble
from kresearch.sources import SourceRegistry


def test_assemble_builds_references_in_code():
    reg = SourceRegistry()
    a = reg.add("https://example.org/a", "Page A")
    b = reg.add("https://example.org/b", "Page B")
    a.opened = b.opened = True
    report = assemble("Q?", "yes", "- fact [1]", reg, [1], 0.7, "answered", confidence_reason="because")
    assert report.startswith("# Q?\n\n**Answer:** yes")
    assert "_Confidence: 0.70 — because._" in report
    assert "[1] Page A — https://example.org/a" in report.split("## References")[1]
    assert "[2] Page B — https://example.org/b" in report.split("## Also read")[1]
    assert "## Conflicting sources" not in report and "## Computation" not in report


def test_assemble_shows_conflicts_and_computations():
    reg = SourceRegistry()
    for n in (1, 2):
        reg.add(f"https://example.org/{n}", f"Page {n}").opened = True
    conflict = Conflict("1889", [1], {"1887": [2]}, {1: "Completed in 1889.", 2: "Completed in 1887."},
                        follows="1889: stated by 2 of the sources read, against 1 for any other value")
    report = assemble("When?", "1889", "- Completed in 1889 [1].", reg, [1], 0.5, "answered", conflict=conflict,
                      computations=[("print(1889 - 1887)", "2")])
    section = report.split("## Conflicting sources")[1].split("##")[0]
    assert '- 1889: [1] "Completed in 1889."' in section
    assert '- 1887: [2] "Completed in 1887."' in section
    assert "The answer follows 1889: stated by 2" in section
    computation = report.split("## Computation")[1]
    assert "```python\nprint(1889 - 1887)\n```" in computation and "\n2\n" in computation


def test_a_quote_under_the_answer_shows_a_link_as_its_words():
    reg = SourceRegistry()
    reg.add("https://a.test/x", "X", "")
    report = assemble("Who?", "Ada", "", reg, [1], 0.7, "answered",
                      answer_cites=[(1, "It was designed by [Ada](https://a.test/Ada) in 1972.")])
    assert '> [1] "It was designed by Ada in 1972."' in report and "](https://a.test/Ada)" not in report
