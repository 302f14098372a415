"""Reproducible stratified random sampling for inspections (SUP-2).

The sample depends only on the population (case ids per department) and the seed: strata are
visited in a fixed order, each stratum's ids are sorted, and one ``random.Random(seed)`` draws
from them, so drawing again with the stored seed gives the same cases.
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

Stratum = TypeVar("Stratum", bound=Hashable)  # a stratum's key: a department id, or None


def _order(key: Hashable) -> tuple[bool, str]:
    return (key is None, str(key))


def allocate(sizes: Mapping[Stratum, int], total: int) -> dict[Stratum, int]:
    """Proportional allocation by largest remainder (Hamilton). No stratum gets more than it
    holds; ties go to the stratum that comes first in the fixed order."""
    population = sum(sizes.values())
    if total > population:
        raise ValueError("sample larger than population")
    keys = sorted(sizes, key=_order)
    quotas = {key: sizes[key] * total / population if population else 0 for key in keys}
    shares = {key: int(quotas[key]) for key in keys}
    left = total - sum(shares.values())
    by_remainder = sorted(keys, key=lambda key: (-(quotas[key] - shares[key]), _order(key)))
    for key in by_remainder[:left]:
        shares[key] += 1
    return shares


def draw(strata: Mapping[Stratum, Sequence[int]], total: int, seed: int) -> list[int]:
    """``total`` ids drawn from ``strata`` (stratum key -> ids) in proportion to stratum size."""
    shares = allocate({key: len(ids) for key, ids in strata.items()}, total)
    rng = random.Random(seed)  # noqa: S311 - sampling, not secrecy; must be reproducible
    sample: list[int] = []
    for key in sorted(strata, key=_order):
        sample.extend(sorted(rng.sample(sorted(strata[key]), shares[key])))
    return sample
