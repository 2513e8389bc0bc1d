"""Relevance measured on a judged query set: recall@10 and nDCG@10 per query group and overall.

The judged set (`fixtures/search/judged_queries.csv`) lists queries over the demo catalogue, each with the
products (by UPC) that must be among its first ten results. When more than ten products are relevant, any
ten of them make a perfect answer: recall@k is hits / min(k, relevant), and nDCG@k uses binary gains.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import translation
from oscar.core.loading import get_model

from search import engine
from search.backends.base import SearchRequest
from search.filters import CatalogueFilters

K = 10


def judged_path() -> Path:
    return Path(settings.BASE_DIR) / "fixtures" / "search" / "judged_queries.csv"


@dataclass(frozen=True)
class JudgedQuery:
    group: str
    query: str
    language: str
    relevant: tuple[str, ...]  # UPCs


@dataclass
class Outcome:
    judged: JudgedQuery
    found: list[str]  # UPCs of the first K results
    recall: float
    ndcg: float


@dataclass
class Report:
    backend: str
    outcomes: list[Outcome] = field(default_factory=list)

    def _mean(self, values) -> float:
        values = list(values)
        return round(sum(values) / len(values), 4) if values else 0.0

    @property
    def recall(self) -> float:
        return self._mean(o.recall for o in self.outcomes)

    @property
    def ndcg(self) -> float:
        return self._mean(o.ndcg for o in self.outcomes)

    def by_group(self) -> dict[str, dict[str, float]]:
        groups: dict[str, list[Outcome]] = defaultdict(list)
        for outcome in self.outcomes:
            groups[outcome.judged.group].append(outcome)
        return {
            group: {
                "queries": len(outcomes),
                "recall_at_10": self._mean(o.recall for o in outcomes),
                "ndcg_at_10": self._mean(o.ndcg for o in outcomes),
            }
            for group, outcomes in groups.items()
        }

    def failing(self) -> list[Outcome]:
        """Queries whose first ten results miss a product they must show."""
        return [o for o in self.outcomes if o.recall < 1]

    def as_dict(self) -> dict:
        return {
            "backend": self.backend,
            "queries": len(self.outcomes),
            "recall_at_10": self.recall,
            "ndcg_at_10": self.ndcg,
            "groups": self.by_group(),
            "failing": [
                {
                    "group": o.judged.group,
                    "query": o.judged.query,
                    "recall_at_10": round(o.recall, 3),
                    "missing": [upc for upc in o.judged.relevant if upc not in o.found][:10],
                    "found": o.found,
                }
                for o in self.failing()
            ],
        }


def load_judged(path: Path | None = None) -> list[JudgedQuery]:
    lines = (path or judged_path()).read_text(encoding="utf-8").splitlines()
    rows = csv.DictReader(line for line in lines if line and not line.startswith("#"))
    return [
        JudgedQuery(
            group=row["group"],
            query=row["query"],
            language=row["language"] or settings.LANGUAGE_CODE,
            relevant=tuple(row["relevant"].split()),
        )
        for row in rows
    ]


def recall_at(found: list[str], relevant: tuple[str, ...], k: int = K) -> float:
    wanted = set(relevant)
    hits = sum(1 for upc in found[:k] if upc in wanted)
    return hits / min(k, len(wanted)) if wanted else 1.0


def ndcg_at(found: list[str], relevant: tuple[str, ...], k: int = K) -> float:
    wanted = set(relevant)
    dcg = sum(1 / math.log2(rank + 2) for rank, upc in enumerate(found[:k]) if upc in wanted)
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(k, len(wanted))))
    return dcg / ideal if ideal else 1.0


def evaluate(judged: list[JudgedQuery], *, backend=None, k: int = K) -> Report:
    """Ask the backend (the one shoppers get by default) each judged query, as the search page does."""
    backend = backend or engine.backend()
    Product = get_model("catalogue", "Product")
    upcs = dict(Product.objects.values_list("id", "upc"))
    report = Report(backend=backend.name)
    for item in judged:
        with translation.override(item.language):
            request = SearchRequest(
                query=item.query, filters=CatalogueFilters(sort="relevance"), per_page=k, with_facets=False
            )
            ids = backend.search(request).ids
        found = [upcs.get(product_id, "") for product_id in ids]
        report.outcomes.append(
            Outcome(
                judged=item,
                found=found,
                recall=recall_at(found, item.relevant, k),
                ndcg=ndcg_at(found, item.relevant, k),
            )
        )
    return report
