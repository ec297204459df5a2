# ruff: noqa: E501  (each text is kept whole, as the document holds it, so that it matches the catalogue)
"""The API documentation's titles and descriptions, marked for translation.

The OpenAPI document is written in English in the code (summaries, docstrings, field descriptions); egide.api.assembly
translates each of its texts into the reader's language when the document is served. Every text of the English document
must be listed here, or it stays in English: tests/api/test_documentation_language.py checks it.
"""

from django.utils.translation import gettext_noop

TEXTS = (
    gettext_noop("Égide API"),
    gettext_noop(
        "The security system map of each country: actors, relationships and their sources.\n\nAuthenticate with a personal API token in the `Authorization: Bearer egide_…` header (create one under Account → API tokens, or with `egide token create USERNAME`), or with the browser's session cookie (changes then need the `X-CSRFToken` header). Without credentials, GET requests read public records only; any change needs credentials, and an unknown or revoked token is refused with 401."
    ),
    gettext_noop("Countries with a map, with their counts"),
    gettext_noop("OK"),
    gettext_noop("Unauthorized"),
    gettext_noop("security system map"),
    gettext_noop("A country's whole map"),
    gettext_noop("Not Found"),
    gettext_noop("A country's actors"),
    gettext_noop("How many items, from 1 to 1000"),
    gettext_noop("How many items to skip"),
    gettext_noop("Unprocessable Entity"),
    gettext_noop("Create an actor"),
    gettext_noop("Created"),
    gettext_noop("Bad Request"),
    gettext_noop("Forbidden"),
    gettext_noop("Request Entity Too Large"),
    gettext_noop("One actor"),
    gettext_noop("The record's version tag, to send back in If-Match"),
    gettext_noop("Replace an actor"),
    gettext_noop(
        "The ETag read with GET (or several, comma-separated, or *): the change is refused with 412 when the record has changed since."
    ),
    gettext_noop("Conflict"),
    gettext_noop("Precondition Failed"),
    gettext_noop("Change some of an actor's fields"),
    gettext_noop("Delete an actor and its relationships"),
    gettext_noop("No Content"),
    gettext_noop("A country's relationships"),
    gettext_noop("Create a relationship"),
    gettext_noop("One relationship"),
    gettext_noop("Replace a relationship"),
    gettext_noop("Change some of a relationship"),
    gettext_noop("Delete a relationship"),
    gettext_noop("A country's governance findings on a date"),
    gettext_noop(
        "The findings of every rule on the map as it stood on `as_of` (default: today), most severe first, with the\nteam's decision on each; computed on the records you may see, as if the others did not exist. Filter with\n`severity` (high, medium, low), `rule` (a rule's code) and `status` (open, acknowledged, false_positive); read\na large map's findings a part at a time with `offset` and `limit`."
    ),
    gettext_noop("governance analysis"),
    gettext_noop("The findings that appeared, disappeared and stayed between two dates"),
    gettext_noop("YYYY-MM-DD, required"),
    gettext_noop("YYYY-MM-DD, default today"),
    gettext_noop("Findings are matched by their key: those found on `to` and not on `from` appeared, and so on."),
    gettext_noop("The governance rules and their default parameters"),
    gettext_noop("The governance rules with the parameters a country's team chose"),
    gettext_noop("Set a rule's parameters for a country"),
    gettext_noop(
        "Replaces the country's earlier choice for this rule; parameters left out take their default. Editors\nworking on the country may do this; it is audited."
    ),
    gettext_noop("Acknowledge a finding, or mark it as a false positive"),
    gettext_noop(
        "`status` is `acknowledged` (with an optional comment) or `false_positive` (with the reason as comment). The\nfinding must be one you can see on `as_of` (default: today). Answers the finding with its decision."
    ),
    gettext_noop("Reopen a finding: withdraw the decision on it"),
    gettext_noop("What went wrong, in words"),
    gettext_noop("Goes up by one with each saved change; the ETag header carries it too"),
    gettext_noop(
        "The messages for each field of the body or parameter of the request that is refused, by its name (nested fields joined with dots); `__all__` for the request as a whole"
    ),
    gettext_noop("A kind code, e.g. armed_forces, police, court, parliament, media"),
    gettext_noop("Unique in the country; made from the acronym when empty"),
    gettext_noop("Owner organisation id; defaults to your only editing organisation"),
    gettext_noop("public, partners, organisation or restricted"),
    gettext_noop(
        "The version a change starts from: when given, the change is refused with 409 if the record has moved on (ignored when creating)"
    ),
    gettext_noop(
        "commands, administers, oversees, audits, funds, adjudicates, appoints, reports_to, scrutinises or coordinates_with"
    ),
    gettext_noop("YYYY, YYYY-MM or YYYY-MM-DD"),
    gettext_noop("acknowledged or false_positive"),
    gettext_noop("The username of who decided; null for the command line"),
    gettext_noop("path (a chain found), missing (a link that is missing), edge or fact"),
    gettext_noop("The evidence in words, in the active language"),
    gettext_noop("Ids of the actors it speaks of, and of every actor on its chain"),
    gettext_noop("Ids of the relationships it rests on"),
    gettext_noop("Titles of the sources cited for those actors and relationships"),
    gettext_noop("Stable across dates and recomputations: decisions follow it"),
    gettext_noop("The parameters in force for the country"),
    gettext_noop("Whether the country's team changed any of the defaults"),
    gettext_noop(
        "The parameters to use for the country, replacing any earlier choice; those left out take their default. Lists hold kind, family or relationship-type codes."
    ),
    gettext_noop("The key of a finding you can see"),
    gettext_noop("acknowledged or false_positive (which needs a comment giving the reason)"),
    gettext_noop("YYYY-MM-DD: the date at which the finding stands (default: today)"),
    gettext_noop("A personal API token, created under Account → API tokens or with `egide token create`."),
    gettext_noop("The session cookie of a logged-in browser; changes also need the X-CSRFToken header."),
    gettext_noop("Acknowledge several findings, or mark them as false positives, with one comment"),
    gettext_noop("For a missing link: ids of the bodies above the actor that were searched in vain, nearest first"),
    gettext_noop("Notes"),
    gettext_noop("One comment for every finding"),
    gettext_noop("The day the map stands on; none: every relationship"),
    gettext_noop("The keys of findings you can see (at most 1000)"),
    gettext_noop(
        "The map that you may see; with `as_of` (YYYY-MM-DD), as it stood on that day: only the relationships that\nheld then, an imprecise date counting for its whole year or month, as in the governance analysis.\n\nWritten with orjson as the selector reads it, a batch of rows at a time, and streamed when it is large, so\nthat a map of 50,000 actors never exists whole in memory; not checked against the schema, which would take\nlonger than building it (benchmarks/RESULTS.md): the schema documents the shape, and tests check it."
    ),
    gettext_noop(
        "The same decision on every finding of `keys`: all are decided, or none (a key that is not a finding you\ncan see on `as_of` refuses the whole request with 404, naming it). Reviewers, editors and administrators\nworking on the country may; each decision is audited. Answers the findings with their decisions."
    ),
    gettext_noop(
        "The sources of the facts the evidence rests on (the citations of its relationships, or of the actor it states a fact about), with the passage relied on"
    ),
    gettext_noop("YYYY-MM-DD: the date at which the findings stand (default: today)"),
    gettext_noop("at most this many findings (default: all)"),
    gettext_noop("findings skipped (after the filters)"),
    # Results frameworks (egide.results.api).
    gettext_noop("(actual − baseline) ÷ (target − baseline), in percent"),
    gettext_noop("A programme's results framework with its progress"),
    gettext_noop("A web address of the evidence"),
    gettext_noop("Add a period with its target to an indicator"),
    gettext_noop("Add a result to a programme"),
    gettext_noop("Add an indicator to a result"),
    gettext_noop("Approve a submitted value"),
    gettext_noop("Correct a value not yet approved"),
    gettext_noop("Delete a period with its values"),
    gettext_noop("Delete a result with its indicators, periods and values"),
    gettext_noop("Delete an indicator with its periods and values"),
    gettext_noop("From approved values only: their sum (units) or the latest (percentages)"),
    gettext_noop("Given when the whole framework is read"),
    gettext_noop("IATI indicator measure: 1 unit, 2 percentage, 5 qualitative"),
    gettext_noop("IATI result type: 1 output, 2 outcome, 3 impact, 9 other"),
    gettext_noop("Its place among the programme's results; default: last"),
    gettext_noop("Its place among the result's indicators; default: last"),
    gettext_noop("Replace a period"),
    gettext_noop("Replace a result"),
    gettext_noop("Replace an indicator"),
    gettext_noop("Report a value for a period"),
    gettext_noop(
        "Results, their indicators and periods, every value reported that you may see and its review status, and the\nprogress computed from approved values only."
    ),
    gettext_noop("Return a submitted value for correction, with the reason"),
    gettext_noop(
        "Reviewers and administrators of the programme's owner organisation may, except for a value they submitted."
    ),
    gettext_noop("Submit for review at once; false keeps a draft"),
    gettext_noop(
        "Submitted for review at once, unless `submit` is false (a draft). It counts once a reviewer approved it."
    ),
    gettext_noop("The comment and the evidence in words"),
    gettext_noop("The day the value was measured, within the period"),
    gettext_noop("The id of an actor of the map that the indicator measures"),
    gettext_noop("The indicator's title in English"),
    gettext_noop("The indicator's title in French"),
    gettext_noop("The latest approved narrative (qualitative indicators)"),
    gettext_noop("The linked actor's id, when you may see it"),
    gettext_noop("The part of the dimension: female, a region's name…"),
    gettext_noop("The result's title in English"),
    gettext_noop("The result's title in French"),
    gettext_noop("The share of the time gone by, in percent"),
    gettext_noop("The target's parts"),
    gettext_noop("The value measured (unit and percentage indicators)"),
    gettext_noop("The value's parts"),
    gettext_noop("What the value is broken down by: sex, region, unit…"),
    gettext_noop("What was observed (qualitative indicators)"),
    gettext_noop("Whether higher values are better"),
    gettext_noop("Why the value is returned, for its reporters to correct it"),
    gettext_noop("Withdraw a value not yet approved"),
    gettext_noop("draft, submitted, approved or returned"),
    gettext_noop("green, amber, red, or none"),
    gettext_noop("results frameworks"),
    # Programmes (egide.programmes.api and schemas).
    gettext_noop("Actors of the map that the programme supports"),
    gettext_noop("Areas of action (codes)"),
    gettext_noop("Create a programme"),
    gettext_noop("DAC sectors, with their percentages"),
    gettext_noop("Delete a programme and everything it holds"),
    gettext_noop(
        "Everything the programme holds is replaced by the body's lists; with `version`, the change is refused\nwith 409 when someone saved the programme since."
    ),
    gettext_noop("Latitude"),
    gettext_noop("Longitude"),
    gettext_noop("One programme, with what it holds"),
    gettext_noop("Participating organisations by role"),
    gettext_noop("Places where the programme works"),
    gettext_noop("Programmes, filtered and sorted"),
    gettext_noop("Recipient countries, with their percentages"),
    gettext_noop("Replace a programme and everything it holds"),
    gettext_noop("The document's id"),
    gettext_noop("The lead country (ISO 3166-1 alpha-2)"),
    gettext_noop("The owner organisation's id (default: your only editing one)"),
    gettext_noop("The programme's id"),
    gettext_noop("The programme's version, counted by its saved changes"),
    gettext_noop(
        "The programmes you may see. Filter by `country` (led in it or reaching it), `partner` (an organisation's\nid), `role` (IATI role code, with `partner` or alone), `area`, `sector` (a DAC code or its first digits),\n`status` (IATI code), `year` (active during that year) and `search` (titles and identifier); sort by title,\nidentifier, country, status, start or end (a leading minus reverses)."
    ),
    gettext_noop("The version you read: the change is refused with 409 when it has moved on"),
    gettext_noop("Whether a file was uploaded"),
    gettext_noop("With `version`, refused with 409 when someone saved the programme since."),
    gettext_noop("programmes"),
    # Money (egide.money.api).
    gettext_noop("money"),
    gettext_noop("A programme's budgets, with their values in US dollars and euros"),
    gettext_noop("Add a budget to a programme"),
    gettext_noop("Replace a budget of a programme"),
    gettext_noop("Delete a budget of a programme"),
    gettext_noop("A programme's transactions, with their values in US dollars and euros"),
    gettext_noop("Add a transaction to a programme"),
    gettext_noop("Replace a transaction of a programme"),
    gettext_noop("Delete a transaction of a programme"),
    gettext_noop("The exchange-rate table"),
    gettext_noop(
        "Units of each currency per US dollar, by currency and period (year, month or day), newest first; filter with\n`currency`."
    ),
    gettext_noop("Add a rate to the exchange-rate table"),
    gettext_noop("Platform staff only: the table converts every organisation's amounts."),
    gettext_noop("The value in US dollars; null when no rate is known for the value date"),
    gettext_noop("The value in euros, through the US dollar; null when a rate is missing"),
    gettext_noop("Which rates converted it, e.g. XOF 2008 (year); empty when none"),
    gettext_noop("The currencies whose rate is missing on the value date"),
    gettext_noop("IATI budget type: 1 original, 2 revised"),
    gettext_noop("IATI budget status: 1 indicative, 2 committed"),
    gettext_noop("ISO 4217 code, e.g. EUR, USD, XOF"),
    gettext_noop("The date whose rate converts the value (default: the period's start, or the transaction's date)"),
    gettext_noop("IATI transaction type: 2 commitment, 3 disbursement, 4 expenditure, 1 incoming funds…"),
    gettext_noop("Id of the providing organisation, when it is on the platform"),
    gettext_noop("Id of the receiving organisation, when it is on the platform"),
    gettext_noop("DAC five-digit purpose code"),
    gettext_noop("year, month or day"),
    gettext_noop("1 January for a year, the first of the month for a month"),
    gettext_noop("Units of the currency per US dollar"),
    gettext_noop("imf or manual"),
)
