"""What the Money tab's chart draws, as the JSON its script reads (egide/money.js)."""

import json

from django.utils.translation import gettext as _

from egide.money.selectors import ProgrammeMoney


def chart_document(money: ProgrammeMoney) -> str:
    """Cumulative budget and cumulative disbursement in US dollars, one point per date where either changes; the
    same figures are in the tables beside it. Amounts without a rate are left out, as in the totals."""
    points = money.chart
    document = {
        "dates": [point.day.isoformat() for point in points],
        "budget": [str(point.budget) for point in points],
        "disbursed": [str(point.disbursed) for point in points],
        "names": {"budget": _("Budget (cumulative, USD)"), "disbursed": _("Disbursed (cumulative, USD)")},
        "currency": "USD",
    }
    return json.dumps(document)
