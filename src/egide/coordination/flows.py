"""Money flowing from funders through implementers to what the programmes support: the nodes and links of the
Coordination tab's Sankey diagram, built from plain records (no database).

A **flow record** is an amount of one programme (a transaction, or the sum of the transactions of one day that share
their parties), already in the page's currency. Its parties are read from the transaction where it names them and
from the programme's participating organisations otherwise:

- a commitment or a disbursement goes from its provider (the funder) to its receiver (the implementer); an
  expenditure is spent by its provider (the implementer) and its receiver, a supplier, is not a partner, so its
  funders are the programme's;
- without a provider (or receiver) the programme's funding organisations (or implementing ones, else extending ones)
  stand in, the amount divided equally among them; with none either, the node is "not given" (key "").

Each implementer passes on all it receives to the programme's columns (areas of action or supported actors) in the
programme's shares (egide.coordination.shares), or to "not given" when the programme names none, so that money is
conserved at every implementer node. Nodes are kept apart by layer (a funder, an implementer, a column), so an
organisation that both funds and implements appears once in each layer and the graph has no cycle.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from egide.coordination.shares import split

COMMITMENT, DISBURSEMENT, EXPENDITURE = "commitment", "disbursement", "expenditure"
FUNDER, IMPLEMENTER, COLUMN = "funder", "implementer", "column"
LAYERS = (FUNDER, IMPLEMENTER, COLUMN)
NOT_GIVEN = ""
OTHERS = "*"
"""The key of the node that `grouped` sums a layer's smaller nodes into."""

Node = tuple[str, str]
"""(layer, key): a funder's or an implementer's partner key, a column's code or actor id as text; NOT_GIVEN for none."""


@dataclass(frozen=True, slots=True)
class Parties:
    """What a programme's records need: its participating organisations by role, its columns and their weights."""

    funders: frozenset[str]
    implementers: frozenset[str]
    """The implementing organisations, or the extending ones when it names none."""
    columns: tuple[str, ...] = ()
    weights: tuple[Decimal, ...] = ()


@dataclass(frozen=True, slots=True)
class FlowRecord:
    programme: int
    kind: str
    """COMMITMENT, DISBURSEMENT or EXPENDITURE."""
    amount: Decimal
    provider: str | None = None
    receiver: str | None = None
    column: str | None = None
    """The column the transaction names itself (its own sector's area), when the programme has it."""


def funders_and_implementers(record: FlowRecord, parties: Parties) -> tuple[list[str], list[str]]:
    """The funders and implementers the record's amount is divided among (the module's rules), sorted."""
    provider = record.provider or None
    receiver = record.receiver or None
    if record.kind == EXPENDITURE:
        funders = sorted(parties.funders)
        implementers = [provider] if provider else sorted(parties.implementers)
    else:
        funders = [provider] if provider else sorted(parties.funders)
        implementers = [receiver] if receiver else sorted(parties.implementers)
    return funders or [NOT_GIVEN], implementers or [NOT_GIVEN]


@dataclass(slots=True)
class Flows:
    links: dict[tuple[Node, Node], Decimal] = field(default_factory=dict)
    """(source, target) → amount, only the positive ones."""
    left_out: int = 0
    """Links whose amounts net to zero or less (cancellations, corrections): a Sankey diagram cannot draw them."""

    def nodes(self) -> list[Node]:
        """Every node a link touches, by layer then key."""
        found = {node for link in self.links for node in link}
        return sorted(found, key=lambda node: (LAYERS.index(node[0]), node[1]))

    def inflow(self, node: Node) -> Decimal:
        return sum((value for (_source, target), value in self.links.items() if target == node), Decimal(0))

    def outflow(self, node: Node) -> Decimal:
        return sum((value for (source, _target), value in self.links.items() if source == node), Decimal(0))

    def total(self) -> Decimal:
        return sum((value for (source, _target), value in self.links.items() if source[0] == FUNDER), Decimal(0))


def equal_parts(amount: Decimal, count: int) -> list[Decimal]:
    return split(amount, [Decimal(1)] * count)


def build_flows(records: Iterable[FlowRecord], parties: Mapping[int, Parties]) -> Flows:
    """The Sankey's links: each record's amount from its funders to its implementers (equal parts to the cent),
    then from each implementer to the programme's columns in their weights (the transaction's own column when it
    names one). Links are summed; those that net to zero or less are left out and counted."""
    sums: dict[tuple[Node, Node], Decimal] = defaultdict(Decimal)
    for record in records:
        programme = parties.get(record.programme, Parties(frozenset(), frozenset()))
        funders, implementers = funders_and_implementers(record, programme)
        if record.column is not None:
            columns: tuple[str, ...] = (record.column,)
            weights: tuple[Decimal, ...] = (Decimal(1),)
        elif programme.columns:
            columns, weights = programme.columns, programme.weights
        else:
            columns, weights = (NOT_GIVEN,), (Decimal(1),)
        # Funders first, then each funder's part among implementers: a funder's outflow is then exactly its share
        # of the amount, as the timeline counts it.
        for funder, funded in zip(funders, equal_parts(record.amount, len(funders)), strict=True):
            for implementer, part in zip(implementers, equal_parts(funded, len(implementers)), strict=True):
                if not part:
                    continue  # a cent divided among more than a cent's worth of parties: nothing to draw
                sums[((FUNDER, funder), (IMPLEMENTER, implementer))] += part
                for column, piece in zip(columns, split(part, weights), strict=True):
                    if piece:
                        sums[((IMPLEMENTER, implementer), (COLUMN, column))] += piece
    kept = {link: value for link, value in sums.items() if value > 0}
    return Flows(links=kept, left_out=len(sums) - len(kept))


def grouped(flows: Flows, *, keep: int) -> Flows:
    """The same flows with at most `keep` funders and `keep` implementers: the largest by the money through them
    (then by key), the others summed into one OTHERS node of their layer, so that a diagram of a country with
    hundreds of partners stays readable. Money through each kept node, and the total, are unchanged."""
    through: dict[Node, Decimal] = defaultdict(Decimal)
    for (source, target), value in flows.links.items():
        through[source] += value  # what flows out of a funder or an implementer
        if target[0] != COLUMN:
            through.setdefault(target, Decimal(0))
    renamed: dict[Node, Node] = {}
    for layer in (FUNDER, IMPLEMENTER):
        ranked = sorted((node for node in through if node[0] == layer), key=lambda node: (-through[node], node[1]))
        if len(ranked) > keep + 1:  # one node summed alone would only lose its name
            for node in ranked[keep:]:
                renamed[node] = (layer, OTHERS)
    links: dict[tuple[Node, Node], Decimal] = defaultdict(Decimal)
    for (source, target), value in flows.links.items():
        links[(renamed.get(source, source), renamed.get(target, target))] += value
    return Flows(links=dict(links), left_out=flows.left_out)
