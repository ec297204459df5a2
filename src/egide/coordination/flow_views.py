"""The Coordination tab's money flows (a Sankey diagram) and timeline per partner: what the page, its JSON and the
XLSX brief show, from the flow selector (egide.coordination.flow_selectors) and the pure diagram and timeline.
Thin: reads the address's choices, names the nodes, rounds nothing (amounts are to the cent already)."""

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from egide.coordination.flow_selectors import BY_ACTOR, BY_AREA, CountryFlows, country_flows
from egide.coordination.flows import (
    COLUMN,
    COMMITMENT,
    FUNDER,
    IMPLEMENTER,
    LAYERS,
    NOT_GIVEN,
    FlowRecord,
    Flows,
    Node,
    build_flows,
    grouped,
)
from egide.coordination.flows import OTHERS as OTHERS_NODE
from egide.coordination.shares import EQUAL, SECTORS, TRANSACTION
from egide.coordination.timeline import QUARTER, STEPS, YEAR, Timeline, timeline
from egide.money import conversion

COMMITTED, SPENT = "committed", "spent"
FLOW_CHOICES = (COMMITTED, SPENT)
SANKEY_PARTNERS = 15
"""The diagram's funders and implementers drawn one by one, the largest first; the others are summed as one node
per layer (the table lists every link)."""
TIMELINE_PARTNERS = 10
"""The timeline's partners drawn one by one, the largest first; the others are summed as one."""
OTHERS = "others"
FIRST_YEAR = 1990
LONGEST_PERIOD = 30
"""Years a period may span, so that a quarterly timeline stays readable and cheap."""


def choices(request: HttpRequest, year: int) -> dict[str, Any]:
    """The flows' choices from the address, each falling back to its default when missing or wrong: `since` (the
    period's first year, at most `year`, default `year`), `currency` (USD or EUR), `flow` (committed or spent),
    `step` (quarter for a single year, year otherwise)."""
    try:
        since = int(request.GET.get("since", year))
    except ValueError:
        since = year
    if not (max(FIRST_YEAR, year - LONGEST_PERIOD + 1) <= since <= year):
        since = year
    currency = request.GET.get("currency", conversion.BASE)
    flow = request.GET.get("flow", SPENT)
    step = request.GET.get("step", "")
    return {
        "since_years": list(range(year, max(FIRST_YEAR, year - LONGEST_PERIOD + 1) - 1, -1)),
        "since": since,
        "currency": currency if currency in conversion.TARGETS else conversion.BASE,
        "flow": flow if flow in FLOW_CHOICES else SPENT,
        "step": step if step in STEPS else (QUARTER if since == year else YEAR),
    }


def _of_flow(records: list[tuple[datetime.date, FlowRecord]], flow: str) -> list[FlowRecord]:
    return [record for _day, record in records if (record.kind == COMMITMENT) == (flow == COMMITTED)]


def _node_name(found: CountryFlows, node: Node, by: str) -> str:
    layer, key = node
    if layer == COLUMN:
        if key == NOT_GIVEN:
            return _("No supported actor given") if by == BY_ACTOR else _("No area of action given")
        return found.column_names.get(key, key)
    if key == NOT_GIVEN:
        return _("Funder not given") if layer == FUNDER else _("Implementer not given")
    if key == OTHERS_NODE:
        return _("Other funders") if layer == FUNDER else _("Other implementers")
    return found.partner_names.get(key, key)


def _node_id(node: Node) -> str:
    return f"{node[0]}|{node[1]}"


def _layer_name(layer: str, by: str) -> str:
    if layer == FUNDER:
        return _("Funder")
    if layer == IMPLEMENTER:
        return _("Implementer")
    return _("Supported actor") if by == BY_ACTOR else _("Area of action")


def sankey(found: CountryFlows, flows: Flows, by: str) -> dict[str, Any]:
    """The diagram as ECharts reads it: nodes named by a stable id (a layer and a key, so that an organisation
    that funds and implements is two nodes) with their label and column (`depth`), links with their values."""
    return {
        "nodes": [
            {"name": _node_id(node), "label": _node_name(found, node, by), "depth": LAYERS.index(node[0])}
            for node in flows.nodes()
        ],
        "links": [
            {"source": _node_id(source), "target": _node_id(target), "value": float(value)}
            for (source, target), value in sorted(flows.links.items())
        ],
    }


def flow_rows(found: CountryFlows, flows: Flows, by: str) -> list[dict[str, Any]]:
    """The diagram as a table: each link, funders' first, by amount."""
    rows: list[dict[str, Any]] = [
        {
            "layer": source[0],
            "source_layer": _layer_name(source[0], by),
            "source": _node_name(found, source, by),
            "target_layer": _layer_name(target[0], by),
            "target": _node_name(found, target, by),
            "amount": value,
        }
        for (source, target), value in flows.links.items()
    ]
    rows.sort(key=lambda row: (row["layer"] != FUNDER, -row["amount"], row["source"]))
    return rows


def _grouped(found: CountryFlows, line: Timeline, limit: int | None = TIMELINE_PARTNERS) -> list[dict[str, Any]]:
    """The timeline's series named; the partners after the first `limit` summed as "other partners" (the chart's
    legend stays readable; the table names every partner: no limit)."""
    series = [
        {
            "key": item.partner,
            "name": _node_name(found, (FUNDER, item.partner), BY_AREA),
            "committed": list(item.committed),
            "spent": list(item.spent),
        }
        for item in line.series[:limit]
    ]
    rest = line.series[limit:] if limit is not None else ()
    if rest:
        series.append(
            {
                "key": OTHERS,
                "name": _("Other partners (%(count)d)") % {"count": len(rest)},
                "committed": [
                    sum(values, Decimal(0)) for values in zip(*(item.committed for item in rest), strict=True)
                ],
                "spent": [sum(values, Decimal(0)) for values in zip(*(item.spent for item in rest), strict=True)],
            }
        )
    return series


def timeline_rows(line: Timeline, series: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The timeline as a table: one row per partner and period with money, in the periods' order."""
    return [
        {"partner": item["name"], "period": period, "committed": committed, "spent": spent}
        for item in series
        for period, committed, spent in zip(line.periods, item["committed"], item["spent"], strict=True)
        if committed or spent
    ]


def rule_note(found: CountryFlows) -> dict[str, int]:
    return {
        "sectors": found.rules.get(SECTORS, 0),
        "equal": found.rules.get(EQUAL, 0),
        "transaction": found.rules.get(TRANSACTION, 0),
    }


def flows_context(*, request: HttpRequest, country: str, year: int, origin: str, by: str) -> dict[str, Any]:
    """Everything the page's flows and timeline sections (and the JSON) show for the address's choices."""
    chosen = choices(request, year)
    found = country_flows(
        user=request.user, country=country, first_year=chosen["since"], last_year=year, origin=origin, by=by
    )
    records = found.records[chosen["currency"]]
    flows = build_flows(_of_flow(records, chosen["flow"]), found.parties)
    line = timeline(records, found.parties, first_year=chosen["since"], last_year=year, step=chosen["step"])
    series = _grouped(found, line)
    return chosen | {
        "flows": flows,
        "flow_rows": flow_rows(found, flows, by),
        "flow_total": flows.total(),
        "flow_left_out": flows.left_out,
        "flow_excluded": found.excluded,
        "rules": rule_note(found),
        "timeline_rows": timeline_rows(line, _grouped(found, line, limit=None)),
        "chart": {
            "currency": chosen["currency"],
            "sankey": sankey(found, grouped(flows, keep=SANKEY_PARTNERS), by),
            "timeline": {
                "periods": list(line.periods),
                "series": [
                    item
                    | {"committed": [float(v) for v in item["committed"]], "spent": [float(v) for v in item["spent"]]}
                    for item in series
                ],
            },
        },
    }


def flows_json(context: dict[str, Any], *, country: str, year: int) -> dict[str, Any]:
    """The flows and the timeline as the JSON endpoint gives them: what the charts draw."""
    return {
        "country": country,
        "year": year,
        "since": context["since"],
        "currency": context["currency"],
        "flow": context["flow"],
        "step": context["step"],
        "total": str(context["flow_total"]),
        "left_out": context["flow_left_out"],
        "excluded": context["flow_excluded"],
        "rules": context["rules"],
        "sankey": context["chart"]["sankey"],
        "timeline": context["chart"]["timeline"],
    }


def export_rows(*, request: HttpRequest, country: str, year: int, origin: str, by: str) -> dict[str, Any]:
    """The XLSX brief's flows and timeline sheets: both kinds of flow and both currencies side by side, every
    partner of the timeline (none summed as others), for the period of the address."""
    chosen = choices(request, year)
    found = country_flows(
        user=request.user, country=country, first_year=chosen["since"], last_year=year, origin=origin, by=by
    )
    usd, eur = (found.records[currency] for currency in conversion.TARGETS)
    flows: list[dict[str, Any]] = []
    for flow in FLOW_CHOICES:
        in_usd = build_flows(_of_flow(usd, flow), found.parties)
        in_eur = build_flows(_of_flow(eur, flow), found.parties)
        for row in flow_rows(found, in_usd, by):
            flows.append(row | {"flow": _("committed") if flow == COMMITTED else _("disbursed and spent")})
        eur_of = {
            (row["source_layer"], row["source"], row["target_layer"], row["target"]): row["amount"]
            for row in flow_rows(found, in_eur, by)
        }
        for row in flows:
            if "eur" not in row:
                row["usd"] = row["amount"]
                row["eur"] = eur_of.get((row["source_layer"], row["source"], row["target_layer"], row["target"]))
    lines = [
        timeline(records, found.parties, first_year=chosen["since"], last_year=year, step=chosen["step"])
        for records in (usd, eur)
    ]
    in_euros = {item.partner: item for item in lines[1].series}
    periods_rows: list[dict[str, Any]] = []
    for item in lines[0].series:
        other = in_euros.get(item.partner)
        for index, period in enumerate(lines[0].periods):
            if not (item.committed[index] or item.spent[index]):
                continue
            periods_rows.append(
                {
                    "partner": _node_name(found, (FUNDER, item.partner), by),
                    "period": period,
                    "committed_usd": item.committed[index],
                    "committed_eur": other.committed[index] if other else None,
                    "spent_usd": item.spent[index],
                    "spent_eur": other.spent[index] if other else None,
                }
            )
    return {"since": chosen["since"], "flows": flows, "timeline": periods_rows}
