"""The vocabulary files editors extend (synonyms, intent words, English) all resolve."""

import pytest

from search import text, understanding


def test_every_intent_line_names_a_known_intent():
    path = understanding.HERE / "intents.txt"
    lines = understanding._cached_lines(str(path), path.stat().st_mtime)

    words = understanding.intent_words()

    assert len(words) == len(lines) >= 20
    for word, (kind, argument) in words.items():
        assert kind in understanding.INTENT_KINDS, word
        assert text.CJK_RUN.fullmatch(word), word
        if kind == "campaign":
            assert argument


def test_every_english_line_maps_to_searchable_chinese():
    vocabulary = understanding.english_vocabulary()

    assert {"orange", "kiwi", "honey", "tea"} <= set(vocabulary)
    for phrase, terms in vocabulary.items():
        assert phrase == text.normalise(phrase)
        for term in terms:
            assert text.query_tokens(term), (phrase, term)
            assert text.CJK_RUN.search(term), (phrase, term)


def test_every_synonym_group_has_searchable_terms():
    groups = text.synonym_groups()

    assert groups
    for group in groups:
        assert len(group) > 1
        assert all(text.query_tokens(term) for term in group), group


@pytest.mark.parametrize(
    "line",
    ["茶: unknown", ": certified", "年货: campaign", "no colon at all"],
    ids=["kind", "word", "arg", "colon"],
)
def test_a_malformed_intent_line_is_refused_with_the_line(line):
    with pytest.raises(understanding.VocabularyError, match="intent line"):
        understanding.parse_intent_line(line)


def test_a_malformed_english_line_is_refused_with_the_line():
    with pytest.raises(understanding.VocabularyError, match="English line"):
        understanding.parse_english_line("orange 橙")


def test_editors_can_extend_the_intent_file(tmp_path, settings):
    custom = tmp_path / "intents.txt"
    custom.write_text("# ours\n特产: aid\n", encoding="utf-8")
    settings.SEARCH_INTENTS_FILE = str(custom)

    assert understanding.intent_words() == {"特产": ("aid", "")}


@pytest.mark.django_db
def test_place_names_are_read_from_the_regions(settings):
    from tests import factories

    understanding.forget_places()
    county = factories.CountyFactory(code="450226", name="三江侗族自治县")

    places = understanding.place_index()

    assert places.by_name["三江"] == (county.code,)
    assert places.by_pinyin["sanjiang"] == (county.code,)
    understanding.forget_places()
