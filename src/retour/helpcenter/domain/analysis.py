"""How text becomes searchable words, per language (tantivy analyzers: Rust, fast).

Folding runs before stemming, so a query typed without accents ("rembourse") stems like the article
("remboursé"): both become "rembours".
"""

from __future__ import annotations

import tantivy
from tantivy import Filter, TextAnalyzerBuilder, Tokenizer

from retour.helpcenter.domain.stopwords import ENGLISH, STOPWORDS

STEMMERS = {"en": "english", "fr": "french"}


def build(language: str, *, stop: bool, stem: bool) -> tantivy.TextAnalyzer:
    """Words split on anything but letters and digits, lower-cased, accents folded; then, if asked, stop
    words dropped (tantivy's Snowball list and ours) and Snowball-stemmed."""
    name = STEMMERS.get(language, "english")
    builder = (
        TextAnalyzerBuilder(Tokenizer.simple())
        .filter(Filter.remove_long(40))
        .filter(Filter.lowercase())
        .filter(Filter.ascii_fold())
    )
    if stop:
        builder = builder.filter(Filter.stopword(name)).filter(
            Filter.custom_stopword(sorted(STOPWORDS.get(language, ENGLISH)))
        )
    if stem:
        builder = builder.filter(Filter.stemmer(name))
    return builder.build()


def analyzer(language: str) -> tantivy.TextAnalyzer:
    """What the index holds: folded, without stop words, stemmed."""
    return build(language, stop=True, stem=True)


def folding_analyzer(language: str) -> tantivy.TextAnalyzer:
    """Words as written, folded, without stop words or stemming: what typos are measured against."""
    return build(language, stop=True, stem=False)


def matching_analyzer(language: str) -> tantivy.TextAnalyzer:
    """Every word, folded and stemmed, stop words kept: what synonym phrases ("how long") are matched on."""
    return build(language, stop=False, stem=True)


def words_analyzer(language: str) -> tantivy.TextAnalyzer:
    """Every word, folded: the query as the speller reads it."""
    return build(language, stop=False, stem=False)


def plain_analyzer() -> tantivy.TextAnalyzer:
    """Lower-cased words and nothing else: the baseline's."""
    return TextAnalyzerBuilder(Tokenizer.simple()).filter(Filter.lowercase()).build()
