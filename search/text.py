"""Chinese-aware text handling shared by both search backends, without a dictionary.

Chinese runs are cut into overlapping two-character tokens (bigrams); the index also keeps single
characters so that a one-character query such as 茶 finds 普洱茶. Letters and digits form ordinary
words. Text is folded for width (NFKC: full-width ＡＢＣ１２３ → abc123) and case before tokenising.
Elasticsearch does the same with its cjk_width, lowercase and cjk_bigram filters (see search.es_index).
"""

import functools
import re
import unicodedata
from pathlib import Path

from django.conf import settings
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from pypinyin import lazy_pinyin
from pypinyin.seg.simpleseg import seg as pinyin_segments

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN = re.compile(rf"\d+(?:\.\d+)+|[{CJK}]+|[^\W_{CJK}]+")  # 2.5 stays one token, as in Elasticsearch
CJK_RUN = re.compile(rf"[{CJK}]+")
PINYIN_QUERY = re.compile(r"^[a-z]{2,40}$")
MAX_QUERY_CHARS = 200
MAX_VARIANTS = 8
MAX_TOKENS = 24


def normalise(text: str) -> str:
    """Width and case folding; control characters and symbols (emoji, quotes, operators) become spaces."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(TOKEN.findall(text))


def _is_cjk(token: str) -> bool:
    return bool(CJK_RUN.fullmatch(token))


def index_tokens(text: str) -> list[str]:
    """Tokens stored for a document: CJK bigrams and unigrams, and words."""
    tokens = []
    for run in TOKEN.findall(normalise(text)):
        if _is_cjk(run):
            tokens.extend(run)
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            tokens.append(run)
    return list(dict.fromkeys(tokens))


def query_tokens(text: str) -> list[str]:
    """Tokens a query must all match: bigrams for Chinese runs, the character alone for a one-character run."""
    tokens = []
    for run in TOKEN.findall(normalise(text)[:MAX_QUERY_CHARS]):
        if _is_cjk(run) and len(run) > 1:
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            tokens.append(run)
    return list(dict.fromkeys(tokens))[:MAX_TOKENS]


def indexed_text(text: str) -> str:
    """The space-delimited token string the database backend matches with `contains " token "`."""
    return f" {' '.join(index_tokens(text))} "


def clean_query(raw: str | None) -> str:
    """The user's query reduced to searchable words; '' when nothing searchable is left."""
    return normalise((raw or "")[: MAX_QUERY_CHARS * 4])[:MAX_QUERY_CHARS].strip()


# Synonyms -------------------------------------------------------------------------------------------


def synonyms_path() -> Path:
    return Path(getattr(settings, "SEARCH_SYNONYMS_FILE", "") or Path(__file__).with_name("synonyms.txt"))


def synonym_groups() -> list[list[str]]:
    path = synonyms_path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return []
    return _load_synonyms(str(path), mtime)


@functools.lru_cache(maxsize=4)
def _load_synonyms(path: str, mtime: float) -> list[list[str]]:
    groups = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0]
        terms = [normalise(term) for term in re.split(r"[,，、]", line)]
        terms = [term for term in dict.fromkeys(terms) if term]
        if len(terms) > 1:
            groups.append(terms)
    return groups


def query_variants(query: str) -> list[str]:
    """The query plus its rewrites with synonyms (扶贫 → 帮扶 …), applied at query time so edits to
    the synonyms file take effect without re-indexing."""
    query = clean_query(query)
    if not query:
        return []
    variants = [query]
    for group in synonym_groups():
        for variant in list(variants):
            for term in sorted(group, key=len, reverse=True):
                if term in variant:
                    for other in group:
                        if other != term:
                            variants.append(variant.replace(term, other))
                    break
        variants = list(dict.fromkeys(variants))
        if len(variants) >= MAX_VARIANTS:
            break
    return variants[:MAX_VARIANTS]


# Pinyin ---------------------------------------------------------------------------------------------


def pinyin_keys(text: str) -> list[str]:
    """Full pinyin and initials of each Chinese run, from every syllable onwards (赣南脐橙 →
    gannanqicheng, nanqicheng, qicheng, cheng, gnqc, nqc, qc, c) so a prefix query matches
    from any syllable."""
    keys = []
    for run in CJK_RUN.findall(normalise(text))[:8]:
        keys.extend(_run_pinyin_keys(run[:24]))
    return [key for key in dict.fromkeys(keys) if key]


@functools.lru_cache(maxsize=50_000)
def _run_pinyin_keys(run: str) -> tuple[str, ...]:
    # The run is cut into words as lazy_pinyin(run) would cut it (phrases pick the right reading of
    # polyphonic characters), and each word is converted once per process: catalogue titles are
    # nearly all different runs made of the same few hundred words, so this is what makes a rebuild's
    # pinyin six times cheaper (identical output on all 89,385 distinct runs of the 100,000-product
    # benchmark catalogue). Initials are the syllables' first letters.
    syllables = [syllable for word in pinyin_segments(run) for syllable in _word_pinyin(word) if syllable]
    initials = [syllable[0] for syllable in syllables]
    keys = []
    for start in range(len(syllables)):
        keys.append("".join(syllables[start:]))
        if len(initials) - start >= 2:
            keys.append("".join(initials[start:]))
    return tuple(keys)


@functools.lru_cache(maxsize=50_000)
def _word_pinyin(word: str) -> tuple[str, ...]:
    # A list argument is taken as already segmented: converted as one word.
    return tuple(lazy_pinyin([word], errors="ignore"))


def pinyin_query(query: str) -> str | None:
    """The query as pinyin to match by prefix, if it looks like pinyin (latin letters only)."""
    compact = clean_query(query).replace(" ", "")
    return compact if PINYIN_QUERY.match(compact) else None


# Highlighting ---------------------------------------------------------------------------------------


def plain_text(html: str, *, limit: int = 4000) -> str:
    return " ".join(strip_tags(html or "").split())[:limit]


def highlight(text: str, query: str) -> SafeString:
    """`text` escaped, with the parts matching the query (or its synonyms) wrapped in <mark>."""
    text = text or ""
    terms = set()
    for variant in query_variants(query):
        terms.update(query_tokens(variant))
    if not terms:
        return escape(text)
    folded = [unicodedata.normalize("NFKC", char).casefold() for char in text]
    marked = [False] * len(text)
    joined = "".join(folded)
    # Map positions in the folded string back to original characters.
    offsets = []
    for index, part in enumerate(folded):
        offsets.extend([index] * len(part))
    for term in terms:
        start = 0
        while True:
            found = joined.find(term, start)
            if found < 0 or not offsets:
                break
            end = found + len(term) - 1
            for index in range(offsets[found], offsets[min(end, len(offsets) - 1)] + 1):
                marked[index] = True
            start = found + 1
    pieces, current, buffer = [], False, []
    for char, is_marked in zip(text, marked, strict=True):
        if is_marked != current and buffer:
            chunk = escape("".join(buffer))
            pieces.append(f"<mark>{chunk}</mark>" if current else chunk)
            buffer = []
        current = is_marked
        buffer.append(char)
    if buffer:
        chunk = escape("".join(buffer))
        pieces.append(f"<mark>{chunk}</mark>" if current else chunk)
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped above
