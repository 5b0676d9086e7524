"""The survey's pages: answering it from the emailed link (or the portal's return page, which posts
here), the thanks, and opting out of later surveys."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from retour.feedback import services
from retour.feedback.errors import AnswerRefused, SurveyNotFound
from retour.feedback.models import Survey, SurveyAnswer
from retour.feedback.wording import form_context


def _survey(token: str) -> Survey:
    try:
        return services.by_token(token)
    except SurveyNotFound as error:
        raise Http404(error.message) from None


def _back(request: HttpRequest, survey: Survey) -> str:
    """Where the shopper goes after answering: the page they came from (the portal's), else the survey."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return request.path


@require_http_methods(["GET", "POST"])
def survey_page(request: HttpRequest, token: str) -> HttpResponse:
    survey = _survey(token)
    context = form_context(survey=survey, ret=survey.ret, store=survey.store)
    if request.method == "POST":
        channel = SurveyAnswer.Channel.PORTAL if request.POST.get("next") else SurveyAnswer.Channel.EMAIL
        try:
            services.answer(
                survey,
                request.POST.get("satisfaction"),
                request.POST.get("would_buy_again"),
                request.POST.get("comment", ""),
                channel=channel,
            )
        except AnswerRefused as error:
            context.update(
                {"error": error.message, "errors": error.details.get("errors", {}), "posted": request.POST}
            )
            return render(request, "feedback/survey.html", context, status=400)
        return redirect(_back(request, survey))
    context["answer"] = services.answer_of(survey)
    context["closed"] = survey.ret.state == "resolved"
    return render(request, "feedback/survey.html", context)


@require_http_methods(["GET", "POST"])
def opt_out(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (a mail scanner following the link changes nothing); POST records it."""
    survey = _survey(token)
    done = request.method == "POST"
    if done:
        services.opt_out(survey)
    return render(request, "feedback/opt_out.html", {"survey": survey, "store": survey.store, "done": done})
