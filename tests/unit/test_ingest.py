import json
from datetime import date

import pytest
from support.paths import SEED_A, SEED_B

from factcheck.errors import InputError
from factcheck.ingest.readers import Reading, iter_documents, read_documents


def test_seed_a_title_and_body_with_no_invented_metadata():
    document = read_documents(SEED_A, 10).documents[0]
    assert document.title.startswith("Insinuating British Demands To Withdraw Troops")
    assert document.published is None and document.url == "" and document.outlet == ""
    assert document.text[document.body_start :].lstrip().startswith("JAKARTA - Russian Foreign Minister")


def test_seed_b_dateline_url_teaser_and_outlet():
    document = read_documents(SEED_B, 10).documents[0]
    assert document.published == date(2022, 2, 10)
    assert document.url.startswith("https://sputniknews.com/20220210/lavrov-us-uk")
    assert (
        document.title
        == "Lavrov: US, UK May Be Up to Something if They Are Evacuating Embassies' Staff From Ukraine"
    )
    assert document.outlet == "Sputnik International"
    assert (
        document.text[document.body_start :]
        .lstrip()
        .startswith("Washington and London may be up to something")
    )


def test_a_single_paragraph_ending_like_a_teaser_is_body_not_header(tmp_path):
    path = tmp_path / "one.txt"
    path.write_text(
        "Report title\n\nTroops massed on the border, officials said on 10.02.2022, Sputnik International\n"
    )
    document = read_documents(path, 10).documents[0]
    assert document.text[document.body_start :].strip().startswith("Troops massed")


def test_markdown_front_matter(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(
        "---\ntitle: Budget row\ndate: 2024-03-01\nurl: https://example.org/a\n---\nThe council cut 40 "
        "jobs.\n"
    )
    document = read_documents(path, 10).documents[0]
    assert (document.title, document.published, document.outlet) == (
        "Budget row",
        date(2024, 3, 1),
        "example.org",
    )
    assert document.text[document.body_start :].strip() == "The council cut 40 jobs."


def test_html_main_text_without_boilerplate(tmp_path):
    path = tmp_path / "a.html"
    paragraphs = "".join(
        f"<p>The ministry said {n} hospitals reopened on Monday after repairs were finished.</p>"
        for n in range(3, 9)
    )
    path.write_text(
        "<html><head><title>Hospitals reopen</title></head><body><nav>Home | Sport | Weather</nav>"
        f"<article><h1>Hospitals reopen</h1>{paragraphs}</article><footer>Cookie "
        f"policy</footer></body></html>"
    )
    document = read_documents(path, 10).documents[0]
    assert "hospitals reopened on Monday" in document.text
    assert "Cookie policy" not in document.text and "Weather" not in document.text
    assert document.title == "Hospitals reopen"


def test_jsonl_records_with_metadata(tmp_path):
    path = tmp_path / "a.jsonl"
    rows = [
        {
            "id": "r1",
            "text": "Prices rose 5 percent.",
            "title": "Prices",
            "date": "2023-01-02",
            "outlet": "Wire",
        },
        {"id": "r2", "body": "Exports fell.", "url": "https://news.example.com/x"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows))
    first, second = read_documents(path, 10).documents
    assert (first.title, first.outlet, first.published) == ("Prices", "Wire", date(2023, 1, 2))
    assert second.outlet == "news.example.com" and first.id != second.id


def test_records_are_read_one_at_a_time_with_their_errors(tmp_path):
    path = tmp_path / "wire.jsonl"
    path.write_text(
        '{"id": 1, "text": "Prices rose 5 percent."}\n{not json\n{"id": 2, "text": "Exports fell."}\n'
    )
    reading = Reading()
    documents = iter_documents(path, 10, reading)
    assert "Prices rose" in next(documents).text
    assert reading.errors == []  # the bad second line is not parsed yet: indexing can start on the first
    assert next(documents).text == "Exports fell." and next(documents, None) is None
    assert reading.errors == [
        f"{path}:2: invalid JSON (Expecting property name enclosed in double quotes); fix or remove that line"
    ]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary"),
        ("caf\xe9 cr\xe8me".encode("latin-1"), "not valid UTF-8"),
    ],
)
def test_bad_files_raise_one_line_errors(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_documents(path, 10)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_huge_file_is_refused(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("word " * 300_000)
    with pytest.raises(InputError, match="over the 1 MB limit"):
        read_documents(path, 1)


def test_utf16_with_bom_is_read(tmp_path):
    path = tmp_path / "u16.txt"
    path.write_bytes("Title\n\nThe mayor said 12 bridges closed.".encode("utf-16"))
    assert "12 bridges" in read_documents(path, 10).documents[0].text


def test_malformed_jsonl_names_the_line_and_keeps_the_good_records(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "ok"}\n{broken\n{"text": "also ok"}\n')
    reading = read_documents(path, 10)
    assert [d.text for d in reading.documents] == ["ok", "also ok"]
    (error,) = reading.errors
    assert "a.jsonl:2: invalid JSON" in error
