import re
from itertools import pairwise

from support.paths import SEED_A, SEED_B

from factcheck.ingest.readers import make_passages, read_documents
from factcheck.text.language import SAMPLE_CHARS, clearly_english, detect_language
from factcheck.text.sentences import split_sentences


def test_glued_sentences_split_at_the_missing_space():
    text = "He met his UK counterpart Liz Truss.Both Washington and London have evacuated staff."
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "He met his UK counterpart Liz Truss.",
        "Both Washington and London have evacuated staff.",
    ]


def test_run_in_subheading_is_separated_from_the_next_sentence():
    text = 'It looks more like a comedy".Security RowThe West continues to accuse Russia.'
    sentences = split_sentences(text)
    assert [(s.text, s.kind) for s in sentences] == [
        ('It looks more like a comedy".', "sentence"),
        ("Security Row", "heading"),
        ("The West continues to accuse Russia.", "sentence"),
    ]


def test_names_with_inner_capitals_are_not_split():
    text = "YouTube said McDonald's sold iPhones in the U.S. last year. It grew."
    assert [s.text for s in split_sentences(text)] == [
        "YouTube said McDonald's sold iPhones in the U.S. last year.",
        "It grew.",
    ]


def test_every_sentence_of_the_seeds_is_an_exact_substring():
    for path in (SEED_A, SEED_B):
        text = path.read_text(encoding="utf-8")
        for sentence in split_sentences(text):
            assert text[sentence.start : sentence.end] == sentence.text
            assert sentence.text == sentence.text.strip()


def test_seed_b_splits_truss_both_and_security_row():
    text = SEED_B.read_text(encoding="utf-8")
    sentences = [s.text for s in split_sentences(text)]
    assert any(s.endswith("his UK counterpart Liz Truss.") for s in sentences)
    assert "Both Washington and London have evacuated some embassy staffers from Ukraine." in sentences
    assert "Security Row" in sentences
    assert any(s.startswith("The West continues to accuse Russia") for s in sentences)


def test_passages_have_exact_offsets_and_overlap_by_a_sentence():
    document = read_documents(SEED_B, 10).documents[0]
    passages = make_passages(document, target_chars=400, overlap_sentences=1)
    assert len(passages) > 3
    for passage in passages:
        assert document.text[passage.start : passage.end] == passage.text
        assert passage.start >= document.body_start
        assert len(passage.text) <= 2 * 400
    pairs = list(pairwise(passages))
    for before, after in pairs:  # no body text falls between two passages
        assert after.start > before.start and not document.text[before.end : after.start].strip()
    assert sum(after.start < before.end for before, after in pairs) >= len(pairs) // 2, (
        "passages overlap by a sentence"
    )
    assert passages[-1].end == len(document.text.rstrip())


def test_an_overlong_sentence_is_cut_with_exact_offsets():
    from factcheck.models import Document

    body = "Officials said " + ", ".join(f"item {i} arrived late" for i in range(200)) + "."
    document = Document(id="dx", path="x.txt", content_hash="h", text=body)
    passages = make_passages(document, target_chars=300)
    assert len(passages) > 5
    for passage in passages:
        assert body[passage.start : passage.end] == passage.text
        assert len(passage.text) <= 600


def test_one_sentence_lines_skip_pysbd_with_the_spans_it_would_give(monkeypatch):
    from factcheck.text import sentences

    lines = [
        "TRUMP: We are going to bring back jobs",
        "SANDERS: The top one percent owns more wealth than the bottom 90 percent.",
        "He asked whether the figure was right?",
        "Dr. Smith said the U.S. lost 700,000 jobs. Then it recovered.",  # not one sentence: pysbd decides
        "It rose 5.5 percent in 2020.",
    ]
    with_fast_path = [sentences.split_sentences(line) for line in lines]
    monkeypatch.setattr(sentences, "_ONE_SENTENCE", re.compile(r"(?!)"))  # matches nothing: pysbd for all
    assert [sentences.split_sentences(line) for line in lines] == with_fast_path
    assert [s.text for s in with_fast_path[3]] == [
        "Dr. Smith said the U.S. lost 700,000 jobs.",
        "Then it recovered.",
    ]


OTHER_LANGUAGES = {
    "de": "Die Regierung hat am Dienstag angekündigt, dass die Zahl der Soldaten an der Grenze bis zum Ende des "
    "Jahres auf etwa 100.000 steigen wird. Der Minister sagte, man habe keine andere Wahl gehabt, und die "
    "Opposition kritisierte den Plan scharf. Was das für die Nachbarländer bedeutet, ist noch unklar, aber "
    "viele Beobachter erwarten weitere Gespräche in der nächsten Woche.",
    "fr": "Le gouvernement a annoncé mardi que le nombre de soldats à la frontière atteindrait environ 100 000 "
    "d'ici la fin de l'année. Le ministre a déclaré qu'il n'avait pas d'autre choix, et l'opposition a "
    "vivement critiqué ce projet. On ne sait pas encore ce que cela signifie pour les pays voisins, mais "
    "de nombreux observateurs attendent de nouvelles discussions la semaine prochaine.",
    "nl": "De regering heeft dinsdag aangekondigd dat het aantal soldaten aan de grens tegen het einde van het "
    "jaar zal stijgen tot ongeveer 100.000. De minister zei dat er geen andere keuze was, en de oppositie "
    "had scherpe kritiek op het plan. Wat dit betekent voor de buurlanden is nog niet duidelijk, maar veel "
    "waarnemers verwachten volgende week nieuwe gesprekken of een verklaring van de regering.",
    "no": "Regjeringen kunngjorde tirsdag at antallet soldater ved grensen vil stige til rundt 100 000 innen "
    "slutten av året. Ministeren sa at det ikke fantes noe annet valg, og opposisjonen kritiserte planen "
    "skarpt. Hva dette betyr for nabolandene er fortsatt uklart, men mange observatører venter nye samtaler "
    "her i byen neste uke, og det er at mange som vil be om svar for det.",
}


def test_only_english_text_skips_the_language_identifier():
    english = SEED_A.read_text(encoding="utf-8")
    assert clearly_english(english[:SAMPLE_CHARS]) and detect_language(english) == "en"
    for code, text in OTHER_LANGUAGES.items():
        assert not clearly_english(text), code
        assert detect_language(text) == code  # the identifier still decides
    assert not clearly_english("The troops and the tanks were there, they said.")  # too few words to tell
