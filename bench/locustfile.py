"""The load test's users, for locust (run by bench/load_locust.py, which prepares the store and the server).

- ``Shopper``: a shopper's whole path through the portal, as a browser sends it (forms with their CSRF
  token, redirects followed one by one): the lookup page, the lookup, the items screen, picking a line,
  the options screen, confirming, the status page. Each shopper takes an order of its own from the list
  the runner wrote (``LOAD_ORDERS``); each comes from an address of its own (``X-Forwarded-For``, believed
  because the runner sets ``TRUSTED_PROXIES`` to the loopback), as real shoppers do, so the lookup limit
  counts each shopper, not the load generator.
- ``ApiClient``: an integration: lists returns, reads an order's returnable lines, creates a return.
- ``Health``: the baseline, ``/healthz`` alone (the process answers, no database).

The orders come from the file the runner wrote; locust runs as one process, and each user takes the next
order of the list, so no two users return the same order.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

from locust import HttpUser, between, task

ORDERS: list[dict[str, Any]] = (
    json.loads(Path(os.environ["LOAD_ORDERS"]).read_text()) if "LOAD_ORDERS" in os.environ else []
)
TOKEN = os.environ.get("LOAD_TOKEN", "")
_next = itertools.count()
# What a shopper answers when a select offers it; else the first real option.
PREFERRED = {"reason": "changed_mind", "condition": "unopened"}


def take_order() -> dict[str, Any] | None:
    index = next(_next)
    return ORDERS[index] if index < len(ORDERS) else None


class Form(HTMLParser):
    """The fields of the page's own POST form, as a browser would submit them untouched: hidden inputs,
    checked boxes and radios, each select's selected (or first) option, text areas."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.checkboxes: list[str] = []
        self.selects: dict[str, list[str]] = {}
        self.selected: dict[str, str] = {}
        self._in_form = False
        self._done = False
        self._select = ""
        self._radio: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        # The page's own form posts back to the page (no action); the language switcher's goes elsewhere.
        if tag == "form" and not self._done and a.get("method", "").lower() == "post" and not a.get("action"):
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind == "checkbox":
                self.checkboxes.append(name)
                if "checked" in a:
                    self.fields[name] = a.get("value") or "on"
            elif kind == "radio":
                self._radio.setdefault(name, a.get("value", ""))
                if "checked" in a:
                    self.fields[name] = a.get("value", "")
            elif kind not in ("submit", "button", "file"):
                self.fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.selects[name] = []
        elif tag == "option" and self._select:
            self.selects[self._select].append(a.get("value", ""))
            if "selected" in a:
                self.selected[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self.fields.setdefault(name, "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = ""
        elif tag == "form" and self._in_form:
            self._in_form, self._done = False, True

    def values(self) -> dict[str, str]:
        values = dict(self.fields)
        for name, value in self._radio.items():
            values.setdefault(name, value)
        for name, options in self.selects.items():
            wanted = next((v for key, v in PREFERRED.items() if name.endswith(key) and v in options), None)
            real = [option for option in options if option]
            values[name] = wanted or self.selected.get(name) or (real[0] if real else "")
        return values


def form_of(html: str) -> Form:
    form = Form()
    form.feed(html)
    return form


class Shopper(HttpUser):
    wait_time = between(1, 3)  # a person reads and types between screens

    def on_start(self) -> None:
        self.new_shopper()

    def new_shopper(self) -> None:
        """Each return is another shopper, from an address of their own: the lookup limit counts a person's
        attempts, and one shopper does not look up hundreds of orders."""
        self.address = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"

    def _headers(self) -> dict[str, str]:
        """The shopper's address, and the cookies: the server sets them Secure (it is served behind HTTPS),
        which a client does not send over the loopback's plain HTTP, so they are sent by hand, as the proxy
        in front of the server would pass them on."""
        cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.client.cookies)
        return {"X-Forwarded-For": self.address, **({"Cookie": cookies} if cookies else {})}

    def _post(self, url: str, data: dict[str, str], name: str) -> Any:
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        headers = {**self._headers(), "Referer": self.host + url}
        with self.client.post(
            url, data=data, headers=headers, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                said = re.findall(r"<(?:li|p)>([^<]{3,200})</(?:li|p)></?(?:ul|div)", response.text or "")
                response.failure(f"{name}: {response.status_code}, not a redirect: {said[:2]}")
                return None
            response.success()
            return response.headers["Location"]

    def _get(self, url: str, name: str) -> Any:
        with self.client.get(url, headers=self._headers(), name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{name}: {response.status_code} {response.error or ''}"[:300])
                return None
            response.success()
            return response.text

    @task
    def return_something(self) -> None:
        order = take_order()
        if (
            order is None
        ):  # every order is in a return: look one up and read its page, as a shopper coming back
            order = random.choice(ORDERS)
        self.client.cookies.clear()
        self.new_shopper()
        if self._get("/", "1 lookup page") is None:
            return
        items = self._post("/", {"number": order["number"], "proof": order["email"]}, "2 lookup")
        if items is None:
            return
        page = self._get(items, "3 items screen")
        if page is None:
            return
        if not order.get("fresh", True) or "checkbox" not in page:
            return
        order["fresh"] = False
        form = form_of(page)
        values = form.values()
        # The line the policy takes back for a changed mind (the runner found it); a line the store takes
        # back only when faulty is offered too, with a note, and would be refused one screen later.
        wanted = f"l{order['line']}-selected"
        values[wanted if wanted in form.checkboxes else form.checkboxes[0]] = "on"
        options = self._post(items, values, "4 pick a line")
        if options is None:
            return
        page = self._get(options, "5 options screen")
        if page is None:
            return
        status = self._post(options, form_of(page).values(), "6 confirm")
        if status is None:
            return
        self._get(status, "7 status page")


class ApiClient(HttpUser):
    wait_time = between(0.5, 1.5)
    fixed_count = 5  # a few integrations beside the shoppers

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {TOKEN}"

    @task(3)
    def list_returns(self) -> None:
        self.client.get("/api/v1/returns?limit=20", name="api list returns")

    @task(1)
    def create_return(self) -> None:
        order = take_order()
        if order is None:
            return
        order["fresh"] = False
        number = quote(order["number"], safe="")
        response = self.client.get(f"/api/v1/orders/{number}", name="api read order")
        if response.status_code != 200:
            return
        lines = [line for line in response.json()["lines"] if line["id"] == order["line"]]
        if not lines:
            return
        body = {
            "order": order["number"],
            "lines": [
                {
                    "order_line": lines[0]["id"],
                    "quantity": 1,
                    "reason": "changed_mind",
                    "condition": "unopened",
                }
            ],
        }
        with self.client.post(
            "/api/v1/returns", json=body, name="api create return", catch_response=True
        ) as answer:
            # 422: the policy refused the line (a rule, not a server failure); anything else is an error.
            if answer.status_code in (201, 422):
                answer.success()
            else:
                answer.failure(f"{answer.status_code}: {answer.text[:200]}")


class Health(HttpUser):
    wait_time = between(1, 3)  # the same pacing as a shopper, so the two runs offer comparable load

    @task
    def health(self) -> None:
        self.client.get("/healthz", name="healthz")
