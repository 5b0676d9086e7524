"""A fake of the logo's host, beside ``catalog.logo_url.HttpsSource``: what a shop's server answers for a
logo address, without the network (the real source's refusals are tested without a connection)."""

from __future__ import annotations

from dataclasses import dataclass, field

from retour.catalog.logo_url import Fetched


@dataclass
class FakeLogoHost:
    answers: dict[str, Fetched] = field(default_factory=dict)  # "host/path" -> what it serves
    asked: list[str] = field(default_factory=list)

    def serve(self, host: str, path: str, content_type: str, content: bytes) -> None:
        self.answers[f"{host}{path}"] = Fetched(content_type, content)

    def fetch(self, host: str, path: str) -> Fetched:
        self.asked.append(f"{host}{path}")
        return self.answers[f"{host}{path}"]
