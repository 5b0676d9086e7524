"""The public help center: home, categories, articles, search (instant with htmx), votes."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.views.decorators.http import require_GET, require_POST

from retour.helpcenter import hooks
from retour.helpcenter import search as engine
from retour.helpcenter.domain.answers import about_own_order
from retour.helpcenter.models import Category
from retour.helpcenter.services import journeys, reading
from retour.helpcenter.visitors import store_of, visitor


def _language() -> str:
    return "fr" if (translation.get_language() or "en").startswith("fr") else "en"


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    language = _language()
    return render(
        request,
        "helpcenter/home.html",
        {
            "categories": reading.categories(language, store_of(request)),
            "popular": reading.popular(language, store=store_of(request)),
        },
    )


@require_GET
def category(request: HttpRequest, slug: str) -> HttpResponse:
    language = _language()
    found = get_object_or_404(Category, slug=slug)
    shown = reading.categories(language, store_of(request))
    articles = next((items for cat, items in shown if cat.pk == found.pk), [])
    return render(
        request,
        "helpcenter/category.html",
        {"category": found, "title": found.title(language), "articles": articles},
    )


@require_GET
def article(request: HttpRequest, slug: str) -> HttpResponse:
    language = _language()
    try:
        page = reading.translation(slug, language, store_of(request))
    except reading.ArticleNotFound:
        raise Http404 from None
    if request.GET.get("s", "").isdigit():
        reading.clicked(int(request.GET["s"]), slug, visitor(request))
    journeys.read(page.article, page.translation.language, visitor(request), store_of(request))
    voted = request.session.get(f"voted:{page.article.pk}")
    return render(
        request,
        "helpcenter/article.html",
        {
            "page": page,
            "category_title": page.article.category.title(language),
            "related": reading.related(page.article, language, store=store_of(request)),
            "voted": voted,
        },
    )


@require_POST
def vote(request: HttpRequest, slug: str) -> HttpResponse:
    language = _language()
    try:
        page = reading.translation(slug, language, store_of(request))
    except reading.ArticleNotFound:
        raise Http404 from None
    choice = request.POST.get("helpful")
    if choice not in ("yes", "no"):
        return redirect("helpcenter:article", slug=slug)
    reading.vote(
        page.article,
        language,
        visitor(request),
        choice == "yes",
        request.POST.get("comment", ""),
        store=store_of(request),
    )
    request.session[f"voted:{page.article.pk}"] = choice
    if request.headers.get("HX-Request"):
        return render(request, "helpcenter/_thanks.html", {"voted": choice})
    return redirect("helpcenter:article", slug=slug)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    language = _language()
    query = request.GET.get("q", "")[:200]
    instant = bool(request.headers.get("HX-Request")) and request.GET.get("instant") == "1"
    store = store_of(request)
    results, log_id = reading.searched(query, language, visitor(request), instant=instant, store=store)
    context: dict[str, object] = {"query": query, "results": results, "log_id": log_id}
    if instant:
        context["suggestions"] = reading.suggestions(query, language, results)
    elif query.strip():
        context["correction"] = engine.did_you_mean(query, language, store)
        context["answer"] = engine.answer(query, results[0], store) if results else None
        # The shopper's own returns, only those this session was granted (the portal's access rule).
        context["orders"] = hooks.order_statuses(request) if about_own_order(query, language) else []
    template = "helpcenter/_results.html" if request.headers.get("HX-Request") else "helpcenter/search.html"
    return render(request, template, context)
