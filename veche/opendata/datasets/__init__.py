"""The registry of the open datasets, in the order the open-data page lists them."""

from veche.opendata.datasets import appeals, audit, discussions, votes
from veche.opendata.datasets.registry import Dataset, Field

DATASETS: tuple[Dataset, ...] = (
    *appeals.DATASETS,
    *discussions.DATASETS,
    *votes.DATASETS,
    audit.AUDIT_HEADS,
)
BY_SLUG: dict[str, Dataset] = {dataset.slug: dataset for dataset in DATASETS}

__all__ = ["BY_SLUG", "DATASETS", "Dataset", "Field"]
