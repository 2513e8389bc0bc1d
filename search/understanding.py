"""What a shopper's query means, before either backend matches it.

A query is read as a list of terms that must all match (AND), each with its alternatives (OR):

* **words** match the index's tokens. Their alternatives are the synonyms (`search/synonyms.txt`) and
  the Chinese for an English word (`search/english.txt`: "kiwi" → 猕猴桃). When nothing matches as
  typed, a Chinese word of two or more characters is searched again by its **homophones**: the word's
  pinyin matched against the titles' pinyin keys, so that 脐撑 (the most common kind of Chinese typo:
  same pinyin, wrong character) finds 脐橙. (Asking for homophones on every search made each Chinese
  search several times slower on PostgreSQL, for results an exact match already answers.);
* **places**: a province, city or county name (南丰, 安远县, `nanfeng`) matches products of that origin, or
  the name in their text;
* **intent words** (`search/intents.txt`) are not matched as text: 认证 keeps certified products, 滞销/助农
  puts help-sell products first (only them when nothing else was typed), 年货/中秋 keep the products of the
  live campaigns named so, 扶贫/帮扶 narrow nothing (everything on the shop is a consumption-aid product).

Both backends turn an :class:`Understood` query into their own query language; nothing here talks to a
search backend. Vocabulary files are re-read when they change; place names are read from the regions
table once per process (they change with a GB/T 2260 update, i.e. a deploy).
"""

from __future__ import annotations

import functools
import itertools
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from pypinyin import lazy_pinyin

from search import text

HERE = Path(__file__).parent
MAX_ALTERNATIVES = 8
MAX_TERMS = 8
INTENT_KINDS = {"aid", "certified", "help_sell", "campaign"}
PLACE_SUFFIXES = (
    "特别行政区",
    "自治县",
    "自治州",
    "自治旗",
    "自治区",
    "地区",
    "林区",
    "县",
    "市",
    "区",
    "省",
    "盟",
    "旗",
)
ETHNIC_GROUPS = (
    "维吾尔 哈萨克 柯尔克孜 乌孜别克 鄂温克 达斡尔 鄂伦春 塔吉克 塔塔尔 俄罗斯 土家 布依 哈尼 傈僳 纳西 景颇 "
    "仫佬 毛南 仡佬 阿昌 普米 朝鲜 德昂 裕固 独龙 赫哲 门巴 珞巴 基诺 拉祜 东乡 撒拉 保安 锡伯 布朗 "
    "壮 回 藏 苗 彝 蒙古 侗 瑶 白 傣 黎 佤 畲 水 羌 土 怒 京 满 各"
).split()


# --- the understood query ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One thing the query asks for: a word (with its alternatives) or a place."""

    typed: str
    alternatives: tuple[str, ...] = ()  # texts, each matched token by token (synonyms and English included)
    homophone_pinyin: str = ""  # a Chinese word's pinyin, matched against title pinyin keys (weaker)
    pinyin_prefix: str = ""  # a latin word typed as pinyin (qicheng, gnqc): matched by prefix
    place_codes: tuple[str, ...] = ()  # a place: products whose origin is one of these divisions

    @property
    def is_place(self) -> bool:
        return bool(self.place_codes)


@dataclass(frozen=True)
class Understood:
    query: str
    terms: tuple[Term, ...] = ()
    intents: tuple[str, ...] = ()  # the intent words recognised, as typed
    certified: bool = False
    help_sell: bool = False
    campaign_ids: tuple[int, ...] | None = None  # None: no campaign asked for
    campaign_names: tuple[str, ...] = ()
    whole_pinyin: str = ""  # the whole query typed as pinyin (gan nan → gannan), an alternative to the terms

    @property
    def has_words(self) -> bool:
        return bool(self.terms) or bool(self.whole_pinyin)

    @property
    def help_sell_only(self) -> bool:
        """滞销/助农 typed alone: show only help-sell products."""
        return self.help_sell and not self.terms

    @property
    def matches_everything(self) -> bool:
        """Nothing narrows the catalogue (扶贫 alone, say): every product, in relevance order."""
        return not self.terms and not self.certified and not self.help_sell and self.campaign_ids is None

    @property
    def boost_help_sell(self) -> bool:
        return self.help_sell and bool(self.terms)


# --- vocabularies ------------------------------------------------------------------------------------


def _vocabulary_path(setting: str, default: str) -> Path:
    return Path(getattr(settings, setting, "") or HERE / default)


def _read_lines(path: Path) -> list[str]:
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return []
    return _cached_lines(str(path), mtime)


@functools.lru_cache(maxsize=8)
def _cached_lines(path: str, mtime: float) -> list[str]:
    lines = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


class VocabularyError(ValueError):
    """A line of a vocabulary file that cannot be understood."""


def parse_intent_line(line: str) -> tuple[str, str, str]:
    """`word: intent[:argument]` → (normalised word, intent, argument)."""
    word, _, rest = line.partition(":")
    kind, _, argument = rest.strip().partition(":")
    word, kind, argument = text.normalise(word).replace(" ", ""), kind.strip(), argument.strip()
    if not word or kind not in INTENT_KINDS:
        raise VocabularyError(f"intent line {line!r}: expected 'word: {'|'.join(sorted(INTENT_KINDS))}'")
    if kind == "campaign" and not argument:
        raise VocabularyError(f"intent line {line!r}: a campaign intent names the campaign word")
    return word, kind, argument


def intent_words() -> dict[str, tuple[str, str]]:
    """{word: (intent, argument)} from the intents file."""
    path = _vocabulary_path("SEARCH_INTENTS_FILE", "intents.txt")
    words = {}
    for line in _read_lines(path):
        word, kind, argument = parse_intent_line(line)
        words[word] = (kind, argument)
    return words


def parse_english_line(line: str) -> tuple[list[str], list[str]]:
    """`english | english: 中文, 中文` → (normalised English phrases, Chinese terms)."""
    english, sep, chinese = line.partition(":")
    phrases = [text.normalise(phrase) for phrase in english.split("|")]
    terms = [text.normalise(term) for term in re.split(r"[,，、]", chinese)]
    phrases, terms = [p for p in phrases if p], [t for t in terms if t]
    if not sep or not phrases or not terms:
        raise VocabularyError(f"English line {line!r}: expected 'english | english: 中文, 中文'")
    return phrases, terms


def english_vocabulary() -> dict[str, tuple[str, ...]]:
    """{English phrase: Chinese terms} from the English file."""
    path = _vocabulary_path("SEARCH_ENGLISH_FILE", "english.txt")
    vocabulary: dict[str, tuple[str, ...]] = {}
    for line in _read_lines(path):
        phrases, terms = parse_english_line(line)
        for phrase in phrases:
            vocabulary[phrase] = tuple(dict.fromkeys([*vocabulary.get(phrase, ()), *terms]))
    return vocabulary


# --- places ------------------------------------------------------------------------------------------


def place_stems(name: str) -> list[str]:
    """The names a division is typed by: 安远县 → 安远县, 安远; 三江侗族自治县 → 三江; 恩施市 → 恩施."""
    stems = [name]
    stem = name
    for suffix in PLACE_SUFFIXES:
        if stem.endswith(suffix) and len(stem) > len(suffix) + 1:
            stem = stem[: -len(suffix)]
            break
    changed = True
    while changed and stem.endswith("族"):
        changed = False
        for group in ETHNIC_GROUPS:
            if stem.endswith(group + "族") and len(stem) > len(group) + 2:
                stem = stem[: -len(group) - 1]
                changed = True
                break
    stems.append(stem)
    return [s for s in dict.fromkeys(stems) if len(s) >= 2]


@dataclass
class PlaceIndex:
    by_name: dict[str, tuple[str, ...]] = field(default_factory=dict)  # 安远 → (360726,)
    by_pinyin: dict[str, tuple[str, ...]] = field(default_factory=dict)  # anyuan → (360726,)
    longest: int = 2


PLACES_TTL = 600  # seconds: regions change with a GB/T 2260 update; a worker sees one within minutes


def place_index() -> PlaceIndex:
    """Every division's names and their pinyin, read at most once per PLACES_TTL per process."""
    return _place_index(int(time.monotonic() // PLACES_TTL))


@functools.lru_cache(maxsize=1)
def _place_index(period: int) -> PlaceIndex:
    from oscar.core.loading import get_model

    Region = get_model("catalogue", "Region")
    by_name: dict[str, list[str]] = {}
    by_pinyin: dict[str, list[str]] = {}
    for code, name in Region.objects.values_list("code", "name").iterator():
        for stem in place_stems(name):
            by_name.setdefault(stem, []).append(code)
        short = place_stems(name)[-1]
        by_pinyin.setdefault("".join(lazy_pinyin(short)), []).append(code)
    index = PlaceIndex(
        by_name={k: tuple(v) for k, v in by_name.items()},
        by_pinyin={k: tuple(v) for k, v in by_pinyin.items() if len(k) >= 5},
    )
    index.longest = max((len(name) for name in index.by_name), default=2)
    return index


def forget_places() -> None:
    """Drop the cached place names (tests that load regions; a management command after an update)."""
    _place_index.cache_clear()


# --- reading a query ---------------------------------------------------------------------------------


def _campaigns(word: str) -> tuple[tuple[int, ...], tuple[str, ...]] | None:
    """Product ids and titles of the live, not yet ended campaigns whose title contains the word."""
    from django.utils import timezone

    from cms.campaigns import campaign_product_ids
    from cms.models import CampaignPage

    campaigns = list(
        CampaignPage.objects.live()
        .filter(title__contains=word, ends_at__gt=timezone.now())
        .select_related("category")
        .prefetch_related("campaign_products")
        .order_by("starts_at")
    )
    if not campaigns:
        return None
    ids: list[int] = []
    for campaign in campaigns:
        ids.extend(campaign_product_ids(campaign))
    return tuple(dict.fromkeys(ids)), tuple(campaign.title for campaign in campaigns)


def _segments(run: str, vocabulary: dict[str, object], longest: int) -> list[tuple[str, bool]]:
    """A Chinese run cut at the vocabulary words it contains, longest first: [(piece, is_known)]."""
    pieces: list[tuple[str, bool]] = []
    plain = ""
    i = 0
    while i < len(run):
        for size in range(min(longest, len(run) - i), 1, -1):
            if run[i : i + size] in vocabulary:
                if plain:
                    pieces.append((plain, False))
                    plain = ""
                pieces.append((run[i : i + size], True))
                i += size
                break
        else:
            plain += run[i]
            i += 1
    if plain:
        pieces.append((plain, False))
    return pieces


def _word_term(word: str, english: dict[str, tuple[str, ...]]) -> Term:
    alternatives = [word]
    if word in english:
        alternatives = list(english[word])  # an English word means its Chinese, not its letters
        alternatives.append(word)
    expanded: list[str] = []
    for alternative in alternatives:
        expanded.extend(text.query_variants(alternative) or [alternative])
    expanded = [a for a in dict.fromkeys(expanded) if text.query_tokens(a)][:MAX_ALTERNATIVES]
    homophone = ""
    if text.CJK_RUN.fullmatch(word) and len(word) >= 2:
        homophone = "".join(lazy_pinyin(word))
    pinyin = "" if word in english else (text.pinyin_query(word) or "")
    return Term(typed=word, alternatives=tuple(expanded), homophone_pinyin=homophone, pinyin_prefix=pinyin)


def _english_phrases(words: list[str], english: dict) -> list[str]:
    """Latin words joined into the longest known English phrases (navel orange), others left alone."""
    out, i = [], 0
    while i < len(words):
        for size in (3, 2):
            phrase = " ".join(words[i : i + size])
            if len(words) - i >= size and phrase in english:
                out.append(phrase)
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return out


def understand(query: str) -> Understood:
    """The terms, places and intents of a query (see the module docstring)."""
    cleaned = text.clean_query(query)
    if not cleaned:
        return Understood(query="")
    intents_vocabulary = intent_words()
    english = english_vocabulary()
    places = place_index()
    vocabulary = {**{name: "place" for name in places.by_name}, **{w: "intent" for w in intents_vocabulary}}
    longest = max(places.longest, max((len(w) for w in intents_vocabulary), default=2))

    words: list[str] = []
    latin: list[str] = []
    for token in cleaned.split():
        if text.CJK_RUN.fullmatch(token):
            if latin:
                words.extend(_english_phrases(latin, english))
                latin = []
            words.extend(piece for piece, _known in _segments(token, vocabulary, longest))
        else:
            latin.append(token)
    if latin:
        words.extend(_english_phrases(latin, english))

    terms: list[Term] = []
    intents: list[str] = []
    certified = help_sell = False
    campaign_ids: list[int] | None = None
    campaign_names: list[str] = []
    for word in words:
        translated = english.get(word, ())
        intent = intents_vocabulary.get(word) or next(
            (intents_vocabulary[t] for t in translated if t in intents_vocabulary), None
        )
        if intent:
            kind, argument = intent
            intents.append(word)
            if kind == "certified":
                certified = True
            elif kind == "help_sell":
                help_sell = True
            elif kind == "campaign":
                found = _campaigns(argument)
                if found is None:
                    terms.append(_word_term(word, english))  # no such campaign now: search the word
                else:
                    campaign_ids = [*(campaign_ids or []), *found[0]]
                    campaign_names.extend(found[1])
            continue
        codes = places.by_name.get(word) or (places.by_pinyin.get(word) if not translated else None)
        if codes:
            term = _word_term(word, english)
            terms.append(
                Term(
                    typed=word,
                    alternatives=term.alternatives,
                    pinyin_prefix=term.pinyin_prefix,
                    place_codes=tuple(codes),
                )
            )
            continue
        terms.append(_word_term(word, english))

    terms = [term for term in terms if term.alternatives or term.pinyin_prefix or term.place_codes]
    compact = cleaned.replace(" ", "")
    whole_pinyin = ""
    if len(cleaned.split()) > 1 and text.PINYIN_QUERY.match(compact):
        whole_pinyin = compact
    return Understood(
        query=cleaned,
        terms=tuple(terms[:MAX_TERMS]),
        intents=tuple(dict.fromkeys(intents)),
        certified=certified,
        help_sell=help_sell,
        campaign_ids=tuple(dict.fromkeys(campaign_ids)) if campaign_ids is not None else None,
        campaign_names=tuple(dict.fromkeys(campaign_names)),
        whole_pinyin=whole_pinyin,
    )


def has_homophones(query: str) -> bool:
    """Whether the query has a Chinese word whose homophones could be searched when nothing matches it."""
    return any(term.homophone_pinyin for term in understand(query).terms)


def correction(query: str, title: str) -> str | None:
    """The query with each homophone typo replaced by the title's word that sounds the same (脐撑 → 脐橙),
    or None when the title contains what was typed (or nothing in it sounds the same)."""
    understood = understand(query)
    corrected = understood.query
    changed = False
    for term in understood.terms:
        if not term.homophone_pinyin or term.typed in title:
            continue
        size = len(term.typed)
        for start in range(len(title) - size + 1):
            candidate = title[start : start + size]
            if text.CJK_RUN.fullmatch(candidate) and "".join(lazy_pinyin(candidate)) == term.homophone_pinyin:
                corrected = corrected.replace(term.typed, candidate)
                changed = True
                break
    return corrected if changed else None


def all_term_texts(understood: Understood) -> list[str]:
    """Every text alternative of every term: what highlighting marks."""
    return list(dict.fromkeys(itertools.chain.from_iterable(term.alternatives for term in understood.terms)))
