"""Scraping `/metrics` as Prometheus does, and the rule that no label carries personal data."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Flask
from prometheus_client.parser import text_string_to_metric_families

METRICS_TOKEN = "scrape-token-0123456789"
# A phone number or a reference (8 digits, spoken or written in two groups of four).
PERSONAL = re.compile(r"\d{6,}|\d{4}[ -]\d{4}|\+\d")


@dataclass(frozen=True)
class Scrape:
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float]

    def value(self, name: str, **labels: str) -> float:
        return self.samples.get((name, frozenset(labels.items())), 0.0)

    def total(self, name: str, **labels: str) -> float:
        """The sum over every sample of `name` whose labels include `labels`."""
        wanted = set(labels.items())
        return sum(v for (n, ls), v in self.samples.items() if n == name and wanted <= ls)

    @property
    def names(self) -> set[str]:
        return {name for name, _ in self.samples}


def scrape(app: Flask) -> Scrape:
    response = app.test_client().get(
        "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/plain"
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            for value in sample.labels.values():
                assert not PERSONAL.search(value), f"{sample.name} has a label {value!r}"
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return Scrape(samples)
