"""Money: a programme's budgets by period and its transactions, and the exchange-rate table that shows every amount
in US dollars and euros.

Budgets and transactions belong to a programme and are read and changed only through it (its visibility and
`programmes.selectors.programme_editable`); they are no confidential records of their own. The exchange-rate
table is shared by the whole platform: one rate per currency and period (a year, a month or a day), in units of
the currency per US dollar, as the IMF publishes them.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egide.accounts.models import Organisation
from egide.core import iati_codes, taxonomy
from egide.core.models import TimestampedModel
from egide.core.reference import country_name
from egide.programmes.models import Programme

# Money columns: up to 18 digits before the point, two after (IATI values are in the currency's units).
VALUE_DIGITS = 20
VALUE_PLACES = 2
# Rates: units per US dollar, from 10^-20 (old currencies before a redenomination) to 10^12 (a hyperinflation).
RATE_DIGITS = 32
RATE_PLACES = 20


def value_field() -> models.DecimalField:
    return models.DecimalField(_("value"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)


def currency_field() -> models.CharField:
    return models.CharField(_("currency"), max_length=3)


class RatePeriod(models.TextChoices):
    """How long a rate holds: the IMF publishes annual averages; monthly and daily rates are entered by hand."""

    YEAR = "year", _("year")
    MONTH = "month", _("month")
    DAY = "day", _("day")


class RateSource(models.TextChoices):
    IMF = "imf", _("IMF")
    MANUAL = "manual", _("entered by hand")


class ExchangeRate(TimestampedModel):
    """Units of `currency` per US dollar for one period, which starts on `starts_on` (1 January for a year, the
    first of the month for a month, the day itself for a day)."""

    currency = currency_field()
    period = models.CharField(_("period"), max_length=5, choices=RatePeriod.choices, default=RatePeriod.YEAR)
    starts_on = models.DateField(_("from"))
    rate = models.DecimalField(_("units per US dollar"), max_digits=RATE_DIGITS, decimal_places=RATE_PLACES)
    source = models.CharField(_("source"), max_length=8, choices=RateSource.choices, default=RateSource.MANUAL)

    class Meta:
        verbose_name, verbose_name_plural = _("exchange rate"), _("exchange rates")
        ordering = ["currency", "-starts_on", "period"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "period", "starts_on"], name="exchange_rate_once"),
            models.CheckConstraint(condition=Q(rate__gt=0), name="exchange_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.period_label_text}: {self.rate}"

    @property
    def period_label_text(self) -> str:
        if self.period == RatePeriod.YEAR:
            return str(self.starts_on.year)
        if self.period == RatePeriod.MONTH:
            return self.starts_on.strftime("%Y-%m")
        return self.starts_on.isoformat()


class Budget(TimestampedModel):
    """What the programme plans to spend in one period (an IATI budget): original or revised, indicative or
    committed, in a currency, valued on a date (the rate of that date converts it)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="budgets")
    type = models.CharField(
        _("type"),
        max_length=2,
        choices=taxonomy.choices(iati_codes.BUDGET_TYPES),
        default=iati_codes.BUDGET_TYPES[0].code,
    )
    status = models.CharField(
        _("status"),
        max_length=2,
        choices=taxonomy.choices(iati_codes.BUDGET_STATUSES),
        default=iati_codes.BUDGET_STATUSES[0].code,
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    value = value_field()
    currency = currency_field()
    value_date = models.DateField(_("value date"))

    class Meta:
        verbose_name, verbose_name_plural = _("budget"), _("budgets")
        ordering = ["programme", "period_start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="budget_period_order"),
        ]
        indexes = [models.Index(fields=["programme", "period_start"])]

    def __str__(self) -> str:
        return f"{self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}: {self.value} {self.currency}"

    @property
    def type_label(self) -> str:
        return iati_codes.BUDGET_TYPE_BY_CODE[self.type].label

    @property
    def status_label(self) -> str:
        return iati_codes.BUDGET_STATUS_BY_CODE[self.status].label


class Transaction(TimestampedModel):
    """A flow of money of the programme (an IATI transaction): a commitment, a disbursement, an expenditure,
    incoming funds… on a date, from a provider to a receiver, each an organisation of the platform or named as
    written with its IATI identifier."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="transactions")
    type = models.CharField(_("type"), max_length=2, choices=taxonomy.choices(iati_codes.TRANSACTION_TYPES))
    date = models.DateField(_("date"))
    value = value_field()
    currency = currency_field()
    value_date = models.DateField(_("value date"))
    provider = models.ForeignKey(
        Organisation, verbose_name=_("provider"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provider_name = models.CharField(_("provider name"), max_length=300, blank=True)
    provider_reference = models.CharField(_("provider IATI identifier"), max_length=100, blank=True)
    receiver = models.ForeignKey(
        Organisation, verbose_name=_("receiver"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    receiver_name = models.CharField(_("receiver name"), max_length=300, blank=True)
    receiver_reference = models.CharField(_("receiver IATI identifier"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    sector_code = models.CharField(_("sector"), max_length=32, blank=True)
    recipient_country = models.CharField(_("recipient country"), max_length=2, blank=True)
    reference = models.CharField(_("reference"), max_length=200, blank=True)

    class Meta:
        verbose_name, verbose_name_plural = _("transaction"), _("transactions")
        ordering = ["programme", "date", "id"]
        indexes = [models.Index(fields=["programme", "date"]), models.Index(fields=["programme", "type"])]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.type_label}: {self.value} {self.currency}"

    @property
    def type_label(self) -> str:
        return iati_codes.TRANSACTION_TYPE_BY_CODE[self.type].label

    @property
    def provider_display(self) -> str:
        return self.provider.name if self.provider is not None else self.provider_name

    @property
    def receiver_display(self) -> str:
        return self.receiver.name if self.receiver is not None else self.receiver_name

    @property
    def recipient_country_name(self) -> str:
        return country_name(self.recipient_country) if self.recipient_country else ""


class MoneySum(models.Model):
    """The sum of a programme's transactions of one type (or of its budgets: `flow` BUDGET) in one currency whose
    value dates fall in one month, or on one day when a daily rate converts that day's amounts (`grain`), with the
    programme's country, owner and confidentiality when it was counted (its *class*, which the visibility rules
    read). Kept by egide.money.sums, never edited; `egide money sums rebuild` writes them all again."""

    BUDGET = "budget"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    country = models.CharField(max_length=2)
    owner_id = models.BigIntegerField()  # 0 for a programme without owner
    confidentiality = models.CharField(max_length=12)
    flow = models.CharField(max_length=6)
    currency = currency_field()
    bucket = models.DateField()
    grain = models.CharField(max_length=5)
    amount = models.DecimalField(max_digits=VALUE_DIGITS + 8, decimal_places=VALUE_PLACES)
    count = models.IntegerField()

    class Meta:
        verbose_name, verbose_name_plural = _("money sum"), _("money sums")
        constraints = [
            models.UniqueConstraint(fields=["programme", "flow", "currency", "bucket", "grain"], name="money_sum_once")
        ]
        indexes = [models.Index(fields=["bucket"])]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.flow} {self.currency} {self.bucket} ({self.grain}): {self.amount}"


class MoneyClassSum(models.Model):
    """The programme sums (MoneySum) added up per class of programmes that the visibility rules cannot tell apart
    (country, owner, confidentiality), restricted programmes left out (their shares make each one a case of its
    own): what a country's totals read, a few thousand rows whatever the number of programmes and transactions.
    Kept by egide.money.sums with every change of the programme sums."""

    country = models.CharField(max_length=2)
    owner_id = models.BigIntegerField()  # 0 for programmes without owner
    confidentiality = models.CharField(max_length=12)
    flow = models.CharField(max_length=6)
    currency = currency_field()
    bucket = models.DateField()
    grain = models.CharField(max_length=5)
    amount = models.DecimalField(max_digits=VALUE_DIGITS + 8, decimal_places=VALUE_PLACES)
    count = models.IntegerField()

    class Meta:
        verbose_name, verbose_name_plural = (
            _("money sum of a class of programmes"),
            _("money sums of classes of programmes"),
        )
        constraints = [
            models.UniqueConstraint(
                fields=["country", "owner_id", "confidentiality", "flow", "currency", "bucket", "grain"],
                name="money_class_sum_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.owner_id} {self.confidentiality} {self.flow} {self.currency} {self.bucket}"


class MoneyArea(models.Model):
    """An area of action under which a programme's sums are counted in MoneyLevelSum, with the number of the
    programme's areas (`parts`: each area counts an equal share of its money): what was counted, so that it can be
    taken away again after the programme's areas change. Kept by egide.money.layers."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    area = models.CharField(max_length=48)
    parts = models.IntegerField()

    class Meta:
        verbose_name, verbose_name_plural = _("counted area of action"), _("counted areas of action")
        constraints = [models.UniqueConstraint(fields=["programme", "area"], name="money_area_once")]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.area} (1/{self.parts})"


class MoneyLevelSum(models.Model):
    """The programme sums (MoneySum) of the programmes of one confidentiality level that every reader of a country
    sees alike (public, or for partners), added up per country, group of flows (egide.money.flows), currency and
    period of rates: for the country's total (`area` empty, `parts` 0) and for each area of action with the number
    of areas of its programmes. What the cross-country dashboard's totals are made of. Kept by egide.money.layers
    with every change of the programme sums."""

    TOTAL = ""

    level = models.CharField(max_length=12)
    country = models.CharField(max_length=2)
    flow = models.CharField(max_length=9)
    area = models.CharField(max_length=48)
    parts = models.IntegerField()
    currency = currency_field()
    bucket = models.DateField()
    grain = models.CharField(max_length=5)
    amount = models.DecimalField(max_digits=VALUE_DIGITS + 8, decimal_places=VALUE_PLACES)
    count = models.IntegerField()

    class Meta:
        verbose_name, verbose_name_plural = (
            _("money sum of a level of confidentiality"),
            _("money sums of levels of confidentiality"),
        )
        constraints = [
            models.UniqueConstraint(
                fields=["country", "flow", "area", "parts", "currency", "bucket", "grain", "level"],
                name="money_level_sum_once",
            )
        ]
        # The sums whose programmes were all taken away, deleted after each change: found without a scan.
        indexes = [
            models.Index(fields=["count"], condition=Q(count=0), name="money_level_sum_emptied"),
            # The sums that read the rates of a period and currency, found without a scan when they change.
            models.Index(fields=["bucket", "currency"], name="money_level_sum_rated"),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.country} {self.flow} {self.area or '*'} {self.currency} {self.bucket}"


class MoneyLayerTotal(models.Model):
    """A country's converted total of one group of flows in US dollars or euros (`target`), for its total or one
    area of action and number of areas, over the programmes of a *layer* (public: the public programmes; partners:
    the public programmes and those for partners): each sum of MoneyLevelSum of the same rates converted and
    rounded to the cent, then added up (`value`), with how many sums were converted and how many amounts were left
    out for want of a rate. A reader's dashboard starts from its layer's totals and adds what it sees besides.
    Kept by egide.money.layers with every change of MoneyLevelSum and of the rates."""

    layer = models.CharField(max_length=12)
    country = models.CharField(max_length=2)
    flow = models.CharField(max_length=9)
    area = models.CharField(max_length=48)
    parts = models.IntegerField()
    target = currency_field()
    value = models.DecimalField(max_digits=VALUE_DIGITS + 8, decimal_places=VALUE_PLACES)
    converted = models.IntegerField()
    excluded = models.IntegerField()

    class Meta:
        verbose_name, verbose_name_plural = _("converted total of a layer"), _("converted totals of layers")
        constraints = [
            models.UniqueConstraint(
                fields=["layer", "country", "flow", "area", "parts", "target"], name="money_layer_total_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.layer} {self.country} {self.flow} {self.area or '*'} {self.target}: {self.value}"
