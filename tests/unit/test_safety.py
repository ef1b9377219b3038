"""One rule for secrets in URLs (the 2026-12-07 probe report, R23, R37, O6)."""

import pytest

from factcheck.safety import mask_credentials, source_url


@pytest.mark.parametrize(
    "url,shown",
    [
        ("http://user:p@ssSECRET@127.0.0.1:9/v1", "http://***@127.0.0.1:9/v1"),
        ("http://user:pw#SECRET@127.0.0.1:9/v1", "http://***@127.0.0.1:9/v1"),
        ("http://user:pw?SECRET@127.0.0.1:9/v1", "http://***@127.0.0.1:9/v1"),
        (
            "https://h.example/x?x-api-key=SECRET&code=SECRET&page=2",
            "https://h.example/x?x-api-key=***&code=***&page=2",
        ),
        (
            "https://h.example/x?access_token=SECRET#sig=SECRET",
            "https://h.example/x?access_token=***#sig=***",
        ),
    ],
)
def test_r37_a_password_with_a_raw_at_hash_or_question_mark_and_secret_parameters_are_masked(url, shown):
    masked = mask_credentials(f"LLM server at {url} is unreachable")
    assert masked == f"LLM server at {shown} is unreachable" and "SECRET" not in masked


def test_r23_a_source_url_is_stored_without_its_userinfo_and_a_disguise_shows_its_real_host():
    assert source_url("https://trusted.example@evil.example/x") == "https://evil.example/x"
    assert (
        source_url(" http://user:pw@127.0.0.1:8/story.html?token=abc ")
        == "http://127.0.0.1:8/story.html?token=***"
    )
    assert source_url("https://example.org/a?page=2") == "https://example.org/a?page=2"
