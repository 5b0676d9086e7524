"""Security headers: django-csp's Content-Security-Policy (relaxed on staff pages only), Permissions-Policy.

Shopper pages (portal, help center) get settings.CONTENT_SECURITY_POLICY as it is: scripts and styles from
files on our own origin, never inline. Staff pages (Django's admin and the back office) get the same policy
plus settings.STAFF_CSP_UPDATE, because the admin's templates and ours there use inline styles.
"""

from __future__ import annotations

from collections.abc import Callable

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts: PolicyParts = super().get_policy_parts(request, response, report_only)
        staff = request.path_info.startswith(tuple(settings.STAFF_CSP_PREFIXES))
        if staff and not report_only and parts.update is None:
            parts.update = settings.STAFF_CSP_UPDATE
        return parts


class PermissionsPolicyMiddleware:
    """Switch off the browser features Retour never uses, for this site and anything it might embed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.value = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DISABLED)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.value)
        return response
