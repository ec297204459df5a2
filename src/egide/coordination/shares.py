"""How a programme's money is divided among its areas of action (and its supported actors): pure functions, no
database.

The programme's own data decide where it can. Areas of action carry no percentage of their own, but the programme's
DAC sectors do (IATI's sector percentages), and a few DAC purpose codes name one area of action without doubt
(`SECTOR_AREAS`). When every area of the programme receives a share from its sectors' percentages, the areas take
the money in those proportions (SECTORS); otherwise, and always for supported actors, which have no percentage
anywhere, each takes an equal share (EQUAL). A transaction that names its own sector, one of those codes, gives its
whole amount to that sector's area when the programme works in it (TRANSACTION): IATI's transaction-level sector
replaces the activity's for that amount.

Every split is to the cent and adds up exactly to the amount split.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

CENT = Decimal("0.01")

EQUAL, SECTORS, TRANSACTION = "equal", "sectors", "transaction"
"""Which rule divided an amount among areas (shown on the page)."""

SECTOR_AREAS: Mapping[str, str] = {
    "15130": "justice",  # legal and judicial development
    "15131": "justice",  # justice, law and order policy, planning and administration
    "15134": "justice",  # judicial development
    "15137": "prisons",  # prison system
    "15132": "internal_security_roles",  # police
    "15135": "civilian_oversight",  # ombudsman
    "15152": "civilian_oversight",  # legislatures and political parties
}
"""The OECD DAC purpose codes (vocabulary 1) that name a single area of action of the seed's taxonomy. Codes of the
whole field (15210 security system management and reform, 15220 civilian peace-building…) name none."""
DAC_VOCABULARY = "1"


def split(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """`amount` divided in proportion to `weights` (non-negative, not all zero) to the cent, adding up exactly to
    the amount (rounded to the cent): the cents left over go to the largest remainders, the first one first on a tie.
    Equal weights give `analytics.shares`'s split."""
    if not weights:
        return []
    first = weights[0]
    if first > 0 and all(weight == first for weight in weights):
        # Equal weights (one area, one actor, a funder's implementers...: nearly every split): the same cents,
        # without the Decimal arithmetic.
        cents = int((amount / CENT).to_integral_value())
        base, extra = divmod(abs(cents), len(weights))
        sign = -1 if cents < 0 else 1
        return [sign * (base + (1 if index < extra else 0)) * CENT for index in range(len(weights))]
    total_weight = sum(weights, Decimal(0))
    if total_weight <= 0 or any(weight < 0 for weight in weights):
        raise ValueError("Weights must be non-negative and not all zero")
    cents = int((amount / CENT).to_integral_value())
    sign = -1 if cents < 0 else 1
    cents = abs(cents)
    exact = [Decimal(cents) * weight / total_weight for weight in weights]
    floors = [int(value) for value in exact]
    left = cents - sum(floors)
    order = sorted(range(len(weights)), key=lambda index: (-(exact[index] - floors[index]), index))
    for index in order[:left]:
        floors[index] += 1
    return [sign * value * CENT for value in floors]


@dataclass(frozen=True, slots=True)
class AreaShares:
    areas: tuple[str, ...]
    """The programme's areas, sorted."""
    weights: tuple[Decimal, ...]
    rule: str
    """EQUAL or SECTORS."""

    def divide(self, amount: Decimal) -> list[tuple[str, Decimal]]:
        return list(zip(self.areas, split(amount, self.weights), strict=True)) if self.areas else []


def area_shares(areas: Iterable[str], sectors: Iterable[tuple[str, str, Decimal | None]]) -> AreaShares:
    """The programme's areas and the weight of each, from its sectors (vocabulary, code, percentage): the sum of
    the percentages of the sectors that name the area, when every area gets one; equal weights otherwise."""
    ordered = tuple(sorted(set(areas)))
    weights = dict.fromkeys(ordered, Decimal(0))
    for vocabulary, code, percentage in sectors:
        area = SECTOR_AREAS.get(code) if vocabulary == DAC_VOCABULARY else None
        if area in weights and percentage is not None and percentage > 0:
            weights[area] += percentage
    if ordered and all(weight > 0 for weight in weights.values()):
        return AreaShares(ordered, tuple(weights[area] for area in ordered), SECTORS)
    return AreaShares(ordered, tuple(Decimal(1) for _area in ordered), EQUAL)


def transaction_area(sector_code: str, areas: Iterable[str]) -> str | None:
    """The area a transaction's own sector names, when the programme works in it."""
    area = SECTOR_AREAS.get(sector_code)
    return area if area is not None and area in set(areas) else None
