"""The feedback app's errors: a message for the shopper, a stable code (``domain.survey``'s) for programs."""

from __future__ import annotations

from retour.core.errors import DomainError


class SurveyError(DomainError):
    code = "survey_error"
    status = 400


class SurveyNotFound(SurveyError):
    code = "survey_not_found"
    status = 404


class AnswerRefused(SurveyError):
    """The answer cannot be taken: not valid (``details["errors"]``: field -> message), already given,
    or the return is not closed."""

    code = "survey_answer_refused"
    status = 422
