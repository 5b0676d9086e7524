"""Help-center articles: one article, a translation per language, every change kept as a revision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

LANGUAGES = (("en", _("English")), ("fr", _("French")))


class Category(models.Model):
    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("help category")
        verbose_name_plural = _("help categories")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.title_en

    def title(self, language: str) -> str:
        return self.title_fr if language.startswith("fr") else self.title_en


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    # Unique among the shared articles and within a store: a store's article with a shared article's slug
    # overrides it in that store's help center (``domain/overrides.py``).
    slug = models.SlugField(_("slug"), max_length=100)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="articles", verbose_name=_("category")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PUBLISHED)
    # Empty: shared by every store's help center; else shown in that store's only.
    store = models.ForeignKey(
        "catalog.Store",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="help_articles",
        verbose_name=_("store"),
        help_text=_("Empty: every store's help center shows it."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["category", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["store", "slug"], name="article_slug_per_store"),
            models.UniqueConstraint(
                fields=["slug"], condition=models.Q(store__isnull=True), name="article_shared_slug"
            ),
        ]

    def __str__(self) -> str:
        return self.slug


class Translation(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="translations", verbose_name=_("article")
    )
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    # How shoppers ask what this article answers, in their words: search matches them (words and meaning).
    questions = models.JSONField(
        _("questions this answers"),
        default=list,
        blank=True,
        help_text=_('A list of questions as shoppers ask them, e.g. ["where is my refund?"].'),
    )
    body = models.TextField(_("text (Markdown)"))
    html = models.TextField(_("text (HTML, sanitised)"), editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(fields=["article", "language"], name="one_translation_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.article.slug} ({self.language})"


class Revision(models.Model):
    """A translation as it was after one change; the newest is the current text."""

    translation = models.ForeignKey(
        Translation, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("translation")
    )
    title = models.CharField(_("title"), max_length=200)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    questions = models.JSONField(_("questions this answers"), default=list, blank=True)
    body = models.TextField(_("text (Markdown)"))
    source = models.CharField(_("source"), max_length=32)  # import | admin
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["translation", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.translation} {self.created_at:%Y-%m-%d %H:%M}"


class Synonym(models.Model):
    """Words shoppers use for the words articles use: "money back" finds "refund". Staff edit these."""

    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES)
    phrase = models.CharField(_("what shoppers type"), max_length=100)
    means = models.CharField(_("what it means"), max_length=100)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)  # an edit rebuilds the search index

    class Meta:
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")
        constraints = [models.UniqueConstraint(fields=["language", "phrase"], name="synonym_unique")]

    def __str__(self) -> str:
        return f"{self.phrase} → {self.means}"


class Vote(models.Model):
    """ "Was this helpful?": one vote per visitor and article (a second one replaces the first)."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="votes", verbose_name=_("article")
    )
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES)
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    visitor = models.CharField(_("visitor"), max_length=64)
    # The store whose help center it was voted in (empty: the shared articles only): its analytics.
    store = models.ForeignKey(
        "catalog.Store",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("store"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["article", "visitor"], name="one_vote_per_visitor")]

    def __str__(self) -> str:
        return f"{self.article.slug} {'+' if self.helpful else '-'}"


class SearchLog(models.Model):
    """One search a shopper made, what it found, and which article they opened from it."""

    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES)
    query = models.CharField(_("query"), max_length=200)
    results = models.PositiveIntegerField(_("results"))
    top_slug = models.CharField(_("first result"), max_length=100, blank=True)
    clicked_slug = models.CharField(_("article opened"), max_length=100, blank=True)
    visitor = models.CharField(_("visitor"), max_length=64, blank=True)
    # The store whose help center was searched (empty: the shared articles only): each store's analytics.
    store = models.ForeignKey(
        "catalog.Store",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("store"),
    )
    created_at = models.DateTimeField(_("searched at"), auto_now_add=True)

    class Meta:
        verbose_name = _("search")
        verbose_name_plural = _("searches")
        indexes = [models.Index(fields=["created_at"], name="searchlog_created")]

    def __str__(self) -> str:
        return self.query


class Reading(models.Model):
    """A visitor read an article: when first and last, how often. With ``ReturnStart``, it tells staff
    which articles shoppers read before they started a return."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="readings", verbose_name=_("article")
    )
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES)
    visitor = models.CharField(_("visitor"), max_length=64)
    reads = models.PositiveIntegerField(_("reads"), default=1)
    # The store whose help center it was last read in (empty: the shared articles only): its analytics.
    store = models.ForeignKey(
        "catalog.Store",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("store"),
    )
    first_read_at = models.DateTimeField(_("first read at"), auto_now_add=True)
    last_read_at = models.DateTimeField(_("last read at"), auto_now=True)

    class Meta:
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        constraints = [models.UniqueConstraint(fields=["article", "visitor"], name="one_reading_per_visitor")]
        indexes = [models.Index(fields=["visitor", "first_read_at"], name="reading_visitor")]

    def __str__(self) -> str:
        return f"{self.article.slug} ({self.reads})"


class ReturnStart(models.Model):
    """A visitor started a return (the shopper portal tells the help center, by return number)."""

    visitor = models.CharField(_("visitor"), max_length=64)
    return_number = models.CharField(_("return number"), max_length=16)  # its store: the return's
    started_at = models.DateTimeField(_("return started at"), auto_now_add=True)

    class Meta:
        verbose_name = _("return started")
        verbose_name_plural = _("returns started")
        constraints = [
            models.UniqueConstraint(fields=["visitor", "return_number"], name="one_start_per_return")
        ]
        indexes = [models.Index(fields=["started_at"], name="returnstart_started")]

    def __str__(self) -> str:
        return self.return_number
