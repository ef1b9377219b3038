"""The desk's text helpers: highlights cut untrusted text into pieces (escaped by the templates), never HTML."""

from fakes import evidence_item

from factcheck.web.app import Piece, _local_path, _marked, _paragraph, evidence_pieces


def test_a_claim_is_cut_out_of_its_paragraph_by_document_offsets():
    text = "Title\nFirst line says 40 homes were built.\nNext paragraph."
    start = text.index("40 homes")
    begin, end = _paragraph(text, start, start + 8)
    assert text[begin:end] == "First line says 40 homes were built."
    pieces = _marked(text[begin:end], begin, [(start, start + 8, Piece("", "claim"))])
    assert [(p.text, p.mark) for p in pieces] == [
        ("First line says ", ""),
        ("40 homes", "claim"),
        (" were built.", ""),
    ]


def test_overlapping_or_outside_spans_are_skipped_and_no_text_is_lost():
    text = "abcdefghij"
    spans = [(12, 14, Piece("", "claim")), (2, 6, Piece("", "claim")), (4, 8, Piece("", "claim"))]
    pieces = _marked(text, 0, spans)
    assert "".join(p.text for p in pieces) == text
    assert [p.text for p in pieces if p.mark] == ["cdef"]


def test_evidence_sentences_are_numbered_and_the_best_marked():
    item = evidence_item("<b>First</b> sentence here. Second <script>x</script> one.", start=100)
    pieces = evidence_pieces(item)
    assert "".join(p.text for p in pieces) == item.text
    assert [(p.number, p.mark) for p in pieces if p.mark] == [(1, "best"), (2, "sentence")]


def test_redirects_stay_on_the_desk():
    assert _local_path("/notes/n1?status=all") == "/notes/n1?status=all"
    for outside in ("//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        assert _local_path(outside) == "/"
