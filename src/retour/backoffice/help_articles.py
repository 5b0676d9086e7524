"""The back office's help articles of a store: the shared articles, which of them the store has its own
version of, and a page to write that version (English and French) from the shared one. A staff member
limited to some stores sees and edits theirs only."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from retour.backoffice.access import stores_for
from retour.catalog.models import Store
from retour.core.errors import DomainError
from retour.helpcenter.models import Translation
from retour.helpcenter.services import overrides

PERMISSION = "helpcenter.change_article"


class OverrideForm(forms.Form):
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=overrides.MAX_TITLE)
    body_en = forms.CharField(
        label=gettext_lazy("Text (English, Markdown)"), widget=forms.Textarea(attrs={"rows": 14})
    )
    title_fr = forms.CharField(label=gettext_lazy("Title (French)"), max_length=overrides.MAX_TITLE)
    body_fr = forms.CharField(
        label=gettext_lazy("Text (French, Markdown)"), widget=forms.Textarea(attrs={"rows": 14})
    )


def _store(request: HttpRequest, code: str) -> Store:
    """A store the staff member may reach; another is not found, as one that does not exist."""
    found = stores_for(request.user).filter(code=code).first() if code else stores_for(request.user).first()
    if found is None:
        raise Http404(_("There is no store with the code %(code)s.") % {"code": code})
    return found


@staff_member_required
@permission_required(PERMISSION, raise_exception=True)
@require_http_methods(["GET"])
def help_articles(request: HttpRequest) -> HttpResponse:
    """The shared articles and whether the chosen store has its own version of each."""
    store = _store(request, request.GET.get("store", "")[:64])
    mine = overrides.own(store)
    language = "fr" if (request.LANGUAGE_CODE or "").startswith("fr") else "en"
    shared = Translation.objects.filter(article__store__isnull=True, language=language)
    titles = dict(shared.values_list("article__slug", "title"))
    rows = [
        {"slug": a.slug, "title": titles.get(a.slug, a.slug), "own": a.slug in mine}
        for a in overrides.defaults()
    ]
    return render(
        request,
        "backoffice/help_articles.html",
        {
            "title": _("Help center: %(store)s's articles") % {"store": store.name},
            "store": store,
            "stores": stores_for(request.user).order_by("code"),
            "rows": rows,
        },
    )


@staff_member_required
@permission_required(PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def help_override(request: HttpRequest, store: str, slug: str) -> HttpResponse:
    """Write the store's own version of a shared article: the form starts from the store's current text,
    else the shared one's. Saving makes the store's article (once) and changes what was edited."""
    reached = _store(request, store)
    article = overrides.own(reached).get(slug)
    source = article or next((a for a in overrides.defaults() if a.slug == slug), None)
    if source is None:
        raise Http404(_("There is no shared article %(slug)s.") % {"slug": slug})
    initial = {}
    for text in Translation.objects.filter(article=source):
        initial[f"title_{text.language}"], initial[f"body_{text.language}"] = text.title, text.body
    form = OverrideForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            texts = {lang: (data[f"title_{lang}"], data[f"body_{lang}"]) for lang in overrides.LANGUAGES}
            overrides.write(slug, reached, texts, author=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("%(store)s's help center now shows its own version of %(slug)s.")
                % {"store": reached.name, "slug": slug},
            )
            return redirect(f"{reverse('backoffice:help-articles')}?store={reached.code}")
    return render(
        request,
        "backoffice/help_override.html",
        {
            "title": _("%(store)s's own version of %(slug)s") % {"store": reached.name, "slug": slug},
            "store": reached,
            "slug": slug,
            "form": form,
            "own": article is not None,
        },
    )
