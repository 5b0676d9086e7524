"""The semantic signal: static word embeddings (WordLlama, its 256-dimension "l2_supercat" model), whose
weights come inside the ``wordllama`` wheel (``wordllama/weights/*.safetensors`` and the tokenizer in
``wordllama/tokenizers/``). Nothing is downloaded: the model is loaded from the installed package with
downloads disabled, and loading fails rather than reach the network.

A text's vector is the mean of its tokens' vectors, normalised: one table look-up per token, about
0.25 ms for a query. Articles' vectors are computed once, when the index is built.

Texts are prepared the same way on both sides (``prepare``): lower case, accents folded, French elisions
dropped, so "l'étiquette", "L'Etiquette" and "etiquette" are one text to the model as to the index.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]

# An elided article, pronoun or conjunction: l', d', j', qu', jusqu', lorsqu'… (straight or curly quote).
ELISION = re.compile(r"\b(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)['’ʼ`](?=\w)", re.IGNORECASE)


# The combining marks NFKD splits accented letters into ("é" → "e" + U+0301).
_MARKS = {code: None for code in range(0x10000) if unicodedata.combining(chr(code))}


def fold(text: str) -> str:
    """Lower case, accents dropped ("Étiquette" → "etiquette")."""
    return unicodedata.normalize("NFKD", text.lower()).translate(_MARKS)


def elide(text: str) -> str:
    """French elisions dropped: "l'étiquette" → "étiquette", "jusqu'à" → "à", curly quotes too."""
    return ELISION.sub("", text)


def prepare(text: str, language: str) -> str:
    """What the embedding model reads: folded, and in French without elisions."""
    return fold(elide(text) if language == "fr" else text)


class Embedder(Protocol):
    def embed(self, texts: Sequence[str]) -> Vectors:
        """One normalised vector per text (rows)."""
        ...


CACHE = 20_000  # texts whose vectors are kept between index builds (about 1 KB each)


class WordLlamaEmbedder:
    """WordLlama's static embeddings, loaded from the installed wheel (no download). The vectors of
    batches (articles and sections) are kept, so the index rebuilt after one article's edit embeds only
    the texts that changed."""

    def __init__(self) -> None:
        self.cache: dict[str, Vectors] = {}
        self._cache_lock = threading.Lock()
        import wordllama  # type: ignore[import-untyped]

        package = Path(wordllama.__file__).parent
        # wordllama looks for its own files under <cache_dir>/weights and <cache_dir>/tokenizers: point it
        # at the package, where the wheel put them, and forbid the download it would otherwise attempt.
        self.model: Any = wordllama.WordLlama.load(cache_dir=package, disable_download=True)

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        if len(texts) == 1:  # a query: the same mean of token vectors, without the batch machinery
            table = self.model.embedding
            ids = self.model.tokenizer.encode(texts[0], add_special_tokens=False).ids
            rows = np.clip(np.asarray(ids, dtype=np.int64), 0, len(table) - 1)
            mean = (
                np.asarray(table[rows], np.float32).mean(axis=0)
                if len(ids)
                else np.zeros(table.shape[1], dtype=np.float32)
            )
            norm = float(np.linalg.norm(mean))
            return (mean / norm if norm else mean).reshape(1, -1).astype(np.float32)
        with self._cache_lock:
            known = {text: self.cache[text] for text in texts if text in self.cache}
        missing = list(dict.fromkeys(text for text in texts if text not in known))
        if missing:
            # Sorted by length: wordllama pads each batch to its longest text.
            ordered = sorted(missing, key=len)
            vectors = np.asarray(self.model.embed(ordered, norm=True), dtype=np.float32)
            fresh = dict(zip(ordered, vectors.reshape(len(ordered), -1), strict=True))
            known.update(fresh)
            with self._cache_lock:
                if len(self.cache) + len(fresh) > CACHE:
                    self.cache.clear()
                if len(fresh) <= CACHE:
                    self.cache.update(fresh)
        return np.stack([known[text] for text in texts]).astype(np.float32, copy=False)


_lock = threading.Lock()
_default: list[WordLlamaEmbedder] = []


def default_embedder() -> WordLlamaEmbedder:
    """One model per process (16 MB), loaded on first use."""
    with _lock:
        if not _default:
            _default.append(WordLlamaEmbedder())
        return _default[0]
