from kresearch.agent.evidence import Conflict
from kresearch.agent.report import assemble, check_citations, tidy_findings
from kresearch.sources import SourceRegistry


def test_check_citations_keeps_only_opened_sources():
    check = check_citations("A [1]. B [2, 3]. C [9]; D [3][1].", shown={1, 2, 3}, opened={1, 3})
    assert check.text == "A [1]. B [3]. C; D [3][1]."
    assert check.cited == [1, 3]
    assert check.removed_unread == 1 and check.removed_unseen == 1


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


def test_copied_source_headers_become_citations():
    text = ('- [5] Janet Waldo - Offline Encyclopedia: "Janet Waldo was an American actress."\n'
            "- [6] Secretary of State: The office was created in 2003.\n"
            "- Temple was Chief of Protocol [2].")
    assert tidy_findings(text).splitlines() == ["- Janet Waldo was an American actress. [5]",
                                                "- The office was created in 2003. [6]",
                                                "- Temple was Chief of Protocol [2]."]


def test_findings_json_becomes_bullets_and_streams_readably():
    from kresearch.agent.report import FindingsStream, findings_markdown, findings_schema

    out = '{"findings": [{"fact": "Temple played \\"Corliss\\" Archer.", "sources": [1]}, {"fact": "She was Chief of Protocol.", "sources": [3, 1]}]}'
    assert findings_markdown(out) == '- Temple played "Corliss" Archer. [1]\n- She was Chief of Protocol. [3][1]'
    assert findings_markdown("- plain text [2].") == "- plain text [2]."
    stream = FindingsStream()
    shown = "".join(stream.feed(out[i:i + 7]) for i in range(0, len(out), 7))
    assert shown == '- Temple played "Corliss" Archer.\n- She was Chief of Protocol.'
    escaped = FindingsStream()
    piece = '{"findings": [{"fact": "Caf\\u00e9 au lait.", "sources": [1]}]}'
    assert "".join(escaped.feed(c) for c in piece) == "- Café au lait."
    plain = FindingsStream()
    assert plain.feed("- a fact ") + plain.feed("[1].") == "- a fact [1]."
    schema = findings_schema([3, 1])
    assert schema["properties"]["findings"]["items"]["properties"]["sources"]["items"] == {"enum": [1, 3]}


def test_findings_grammar_is_accepted_by_the_converter():
    from kresearch.agent.report import findings_schema
    from kresearch.llm.grammar import schema_to_gbnf

    gbnf = schema_to_gbnf(findings_schema([2, 5]))
    assert '"5"' in gbnf and "fact" in gbnf
