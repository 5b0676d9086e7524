"""REST API v1: ``/api/v1/…``, OpenAPI at ``/api/docs``."""

from __future__ import annotations

from ninja import NinjaAPI

from retour.api import errors
from retour.api.auth import StaffToken
from retour.api.v1.abuse import router as abuse_router
from retour.api.v1.analytics import router as analytics_router
from retour.api.v1.balances import customers_router, gift_cards_router
from retour.api.v1.charges import router as charges_router
from retour.api.v1.claims import router as claims_router
from retour.api.v1.exports import router as exports_router
from retour.api.v1.feedback import router as feedback_router
from retour.api.v1.help_overrides import router as help_overrides_router
from retour.api.v1.helpcenter import router as help_router
from retour.api.v1.logistics import addresses_router, carriers_router
from retour.api.v1.notes import router as notes_router
from retour.api.v1.orders import router as orders_router
from retour.api.v1.past_returns import router as past_returns_router
from retour.api.v1.privacy import router as privacy_router
from retour.api.v1.refunds import router as refunds_router
from retour.api.v1.repairs import router as repairs_router
from retour.api.v1.returns import router as returns_router
from retour.api.v1.segments import router as segments_router
from retour.api.v1.sellers import router as sellers_router
from retour.api.v1.shop import router as shop_router
from retour.api.v1.webhooks import router as webhooks_router
from retour.api.v1.withdrawals import router as withdrawals_router

api = NinjaAPI(
    title="Retour API",
    version="1",
    description="Returns and refunds for online stores and marketplaces.",
    urls_namespace="api",
    docs_url="/docs",
    auth=StaffToken(),
)
errors.install(api)
api.add_router("/v1/orders", orders_router)
api.add_router("/v1/orders", withdrawals_router)
api.add_router("/v1/help/overrides", help_overrides_router)
api.add_router("/v1/help", help_router)
api.add_router("/v1/returns", past_returns_router)
api.add_router("/v1/returns", returns_router)
api.add_router("/v1/returns", refunds_router)
api.add_router("/v1/returns", charges_router)
api.add_router("/v1/returns", notes_router)
api.add_router("/v1/customers", customers_router)
api.add_router("/v1/gift-cards", gift_cards_router)
api.add_router("/v1/claims", claims_router)
api.add_router("/v1/repairs", repairs_router)
api.add_router("/v1/analytics", analytics_router)
api.add_router("/v1/feedback", feedback_router)
api.add_router("/v1/abuse", abuse_router)
api.add_router("/v1/privacy", privacy_router)
api.add_router("/v1/segments", segments_router)
api.add_router("/v1/exports", exports_router)
api.add_router("/v1/sellers", sellers_router)
api.add_router("/v1/webhooks", webhooks_router)
api.add_router("/v1/carriers", carriers_router)
api.add_router("/v1/return-addresses", addresses_router)
api.add_router("/v1/shop", shop_router)
