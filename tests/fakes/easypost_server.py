"""A local HTTP server that speaks enough of EasyPost's API (v2, JSON) for the real ``easypost`` SDK.

- ``POST /v2/shipments`` creates a shipment with its rates; with ``is_return`` the addresses are swapped,
  as EasyPost does (the label goes from the shopper to the warehouse).
- ``POST /v2/shipments/{id}/buy`` buys the rate given: a tracking code, a tracker, a PDF label at
  ``/files/{id}.pdf`` (served too).
- ``POST /v2/shipments/{id}/refund`` voids it: ``refund_status`` "submitted", or "rejected" once the
  parcel is scanned (``status`` moved past pre_transit) or when ``refuse_refunds`` is set.
- ``GET /v2/trackers/{id}`` answers where the parcel is, as ``move()`` left it.
- A wrong API key is answered 401 with EasyPost's error body; ``fail_next`` answers the next call 503.

``event()`` builds a tracker.updated Event as EasyPost posts it, signed as its webhooks are
(``X-Hmac-Signature: hmac-sha256-hex=<HMAC-SHA256 of the body with the webhook secret>``).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import unicodedata
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

API_KEY = "EZTK_fake_test_key"
WEBHOOK_SECRET = "fake-webhook-secret-é"
# What the fake's carriers charge for a return parcel (La Poste cheapest in euros).
RATES = (
    ("LaPoste", "ColissimoExpert", "7.45", "EUR", 3),
    ("DHLExpress", "ExpressWorldwide", "24.10", "EUR", 1),
    ("USPS", "Priority", "6.90", "USD", 2),
)
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"%%EOF\n"
)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(body: bytes, secret: str = WEBHOOK_SECRET) -> str:
    key = unicodedata.normalize("NFKD", secret).encode()
    return "hmac-sha256-hex=" + hmac.new(key, body, hashlib.sha256).hexdigest()


class FakeEasyPost:
    def __init__(self) -> None:
        self.shipments: dict[str, dict[str, Any]] = {}
        self.trackers: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, dict[str, Any]]] = []  # (method, path, body)
        self.bought = 0
        self.refunds = 0
        self.fail_next = False
        self.refuse_refunds = False
        self.ids = itertools.count(1)
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_base(self) -> str:
        return f"{self.url}/v2"

    def start(self) -> FakeEasyPost:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- what EasyPost does -------------------------------------------------------------------------

    def _id(self, prefix: str) -> str:
        return f"{prefix}_{next(self.ids):032x}"

    def create_shipment(self, params: dict[str, Any]) -> dict[str, Any]:
        to_address, from_address = params["to_address"], params["from_address"]
        if params.get("is_return"):
            to_address, from_address = from_address, to_address
        shipment_id = self._id("shp")
        rates = [
            {
                "id": self._id("rate"),
                "object": "Rate",
                "mode": "test",
                "carrier": carrier,
                "service": service,
                "rate": price,
                "currency": currency,
                "delivery_days": days,
                "shipment_id": shipment_id,
            }
            for carrier, service, price, currency, days in RATES
        ]
        shipment = {
            "id": shipment_id,
            "object": "Shipment",
            "mode": "test",
            "is_return": bool(params.get("is_return")),
            "reference": params.get("reference"),
            "to_address": {"object": "Address", "id": self._id("adr"), **to_address},
            "from_address": {"object": "Address", "id": self._id("adr"), **from_address},
            "parcel": {"object": "Parcel", "id": self._id("prcl"), **params["parcel"]},
            "options": params.get("options", {}),
            "rates": rates,
            "selected_rate": None,
            "postage_label": None,
            "tracking_code": None,
            "tracker": None,
            "refund_status": None,
            "status": "unknown",
            "created_at": iso(datetime.now(UTC)),
        }
        self.shipments[shipment_id] = shipment
        return shipment

    def buy(self, shipment: dict[str, Any], params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if shipment["postage_label"] is not None:
            return 422, _error("SHIPMENT.POSTAGE.EXISTS", "This shipment has already been purchased.")
        rate = next((r for r in shipment["rates"] if r["id"] == params.get("rate", {}).get("id")), None)
        if rate is None:
            return 422, _error("SHIPMENT.RATE.INVALID", "Invalid rate.")
        self.bought += 1
        code = f"6A{self.bought:011d}FR" if rate["carrier"] == "LaPoste" else f"9400{self.bought:018d}"
        tracker = {
            "id": self._id("trk"),
            "object": "Tracker",
            "mode": "test",
            "tracking_code": code,
            "status": "pre_transit",
            "status_detail": "label_created",
            "carrier": rate["carrier"],
            "shipment_id": shipment["id"],
            "created_at": iso(datetime.now(UTC)),
            "updated_at": iso(datetime.now(UTC)),
            "tracking_details": [],
        }
        self.trackers[tracker["id"]] = tracker
        file_url = f"{self.url}/files/{shipment['id']}.pdf"
        shipment.update(
            selected_rate=rate,
            tracking_code=code,
            tracker=tracker,
            postage_label={
                "object": "PostageLabel",
                "id": self._id("pl"),
                "label_file_type": "application/pdf",
                "label_url": file_url,
                "label_pdf_url": file_url,
                "label_zpl_url": None,
            },
        )
        return 200, shipment

    def refund(self, shipment: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if shipment["postage_label"] is None:
            return 422, _error("SHIPMENT.REFUND.UNAVAILABLE", "Shipment has not been purchased.")
        tracker = shipment["tracker"]
        scanned = tracker is not None and self.trackers[tracker["id"]]["status"] != "pre_transit"
        self.refunds += 1
        shipment["refund_status"] = "rejected" if scanned or self.refuse_refunds else "submitted"
        return 200, shipment

    def tracker_of(self, tracking_code: str) -> dict[str, Any]:
        return next(t for t in self.trackers.values() if t["tracking_code"] == tracking_code)

    def move(self, tracking_code: str, status: str, at: datetime) -> dict[str, Any]:
        """The carrier scans the parcel: its tracker now says ``status`` at ``at``."""
        tracker = self.tracker_of(tracking_code)
        tracker["tracking_details"] = [
            *tracker["tracking_details"],
            {
                "object": "TrackingDetail",
                "message": status.replace("_", " "),
                "status": status,
                "status_detail": status,
                "datetime": iso(at),
                "source": tracker["carrier"],
            },
        ]
        tracker.update(status=status, status_detail=status, updated_at=iso(at))
        return json.loads(json.dumps(tracker))

    def event(
        self,
        tracking_code: str,
        status: str,
        at: datetime,
        *,
        event_id: str = "",
        secret: str = WEBHOOK_SECRET,
        tracker: dict[str, Any] | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        """A signed ``tracker.updated`` webhook (body, headers) for the parcel moved to ``status``."""
        result = tracker if tracker is not None else self.move(tracking_code, status, at)
        body = json.dumps(
            {
                "object": "Event",
                "id": event_id or self._id("evt"),
                "mode": "test",
                "description": "tracker.updated",
                "previous_attributes": {},
                "result": result,
                "status": "pending",
                "created_at": iso(at),
                "updated_at": iso(at),
            }
        ).encode()
        return body, {"X-Hmac-Signature": sign(body, secret), "Content-Type": "application/json"}

    # --- HTTP ---------------------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("X-Ep-Request-Uuid", "fake-request")
                self.end_headers()
                self.wfile.write(data)

            def _refused(self) -> bool:
                if self.headers.get("Authorization") != f"Bearer {API_KEY}":
                    self._send(401, _error("APIKEY.INACTIVE", "This api key is no longer active."))
                    return True
                if fake.fail_next:
                    fake.fail_next = False
                    self._send(503, _error("SERVICE.UNAVAILABLE", "The service is unavailable."))
                    return True
                return False

            def do_GET(self) -> None:
                path = self.path.split("?")[0].strip("/").split("/")
                if path[0] == "files":  # label files are public URLs, as EasyPost's are
                    data = PDF
                    self.send_response(200)
                    self.send_header("Content-Type", "application/pdf")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                fake.requests.append(("GET", self.path, {}))
                if self._refused():
                    return
                with fake.lock:
                    if path[1:2] == ["trackers"] and path[2] in fake.trackers:
                        self._send(200, fake.trackers[path[2]])
                    elif path[1:2] == ["shipments"] and path[2] in fake.shipments:
                        self._send(200, fake.shipments[path[2]])
                    else:
                        self._send(404, _error("NOT_FOUND", "The requested resource could not be found."))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(("POST", self.path, body))
                if self._refused():
                    return
                path = self.path.split("?")[0].strip("/").split("/")  # v2, shipments, id, action
                with fake.lock:
                    if path[1:] == ["shipments"]:
                        self._send(201, fake.create_shipment(body["shipment"]))
                        return
                    if path[1:] == ["trackers"]:
                        code = body["tracker"]["tracking_code"]
                        self._send(200, fake.tracker_of(code))
                        return
                    shipment = (
                        fake.shipments.get(path[2]) if len(path) == 4 and path[1] == "shipments" else None
                    )
                    if shipment is None:
                        self._send(404, _error("NOT_FOUND", "The requested resource could not be found."))
                    elif path[3] == "buy":
                        self._send(*fake.buy(shipment, body))
                    elif path[3] == "refund":
                        self._send(*fake.refund(shipment))
                    else:
                        self._send(404, _error("NOT_FOUND", "The requested resource could not be found."))

        return Handler


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "errors": []}}
