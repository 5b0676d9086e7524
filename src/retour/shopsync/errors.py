from retour.core.errors import DomainError


class ShopInvalid(DomainError):
    code = "shop_invalid"
    status = 400


class ShopNotFound(DomainError):
    code = "shop_not_found"
    status = 404


class ShopUnreachable(DomainError):
    """The shop's API did not answer, or answered with an error: the sync is tried again later."""

    code = "shop_unreachable"
    status = 502
