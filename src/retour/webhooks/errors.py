from retour.core.errors import DomainError


class WebhookInvalid(DomainError):
    code = "webhook_invalid"
    status = 400


class WebhookNotFound(DomainError):
    code = "webhook_not_found"
    status = 404
