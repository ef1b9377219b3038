"""The desk's text helpers: highlights cut untrusted text into pieces (escaped by the templates), never HTML."""

from support.fakes import evidence_item

from factcheck.safety import word_cut
from factcheck.web.accounts import local_path as _local_path
from factcheck.web.text import Piece, desk_words, evidence_pieces
from factcheck.web.text import marked as _marked
from factcheck.web.text import paragraph_of as _paragraph


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


def test_the_queue_never_cuts_a_word_in_half():
    text = "The council said about 40,000 homes were built across the region in 2021"
    cut = word_cut(text, 30)
    assert len(cut) <= 30 and cut.endswith("…") and text.startswith(cut[:-1]) and text[len(cut) - 1] == " "
    assert word_cut("short", 30) == "short"


def test_errors_are_in_the_desks_words_without_server_paths():
    message = desk_words(
        "supported needs at least one citation; add one first (`c` in review, or edit the note)"
    )
    assert "`c`" not in message and "cite a sentence of the evidence" in message
    where = desk_words("/srv/newsroom/workspace/uploads/story.txt: file is empty")
    assert where == "story.txt: file is empty"
    assert desk_words("see https://example.org/a/b for more") == "see https://example.org/a/b for more"
