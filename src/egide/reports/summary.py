"""The brief's summary, written from its content: counts, the key gaps and the latest band, each sentence
citing the sources of what it counts. Pure: it reads the other sections' data, never the database."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from egide.reports.content import BriefContent, Statement
from egide.reports.sections import GOVERNANCE

KEY_GAPS = 3


def summary_of(content: BriefContent) -> list[Statement]:
    statements: list[Statement] = []
    if content.system is not None:
        system = content.system
        statements.append(
            Statement(
                ngettext(
                    "%(country)s: the map records %(actors)s actor",
                    "%(country)s: the map records %(actors)s actors",
                    system.actors,
                )
                % {"country": content.country_name, "actors": system.actors}
                + " "
                + ngettext("and %(count)s relationship.", "and %(count)s relationships.", system.relationships)
                % {"count": system.relationships},
                system.note.refs,
            )
        )
    if GOVERNANCE in content.sections:
        findings = [finding for group in content.governance for finding in group.findings]
        high = sum(1 for finding in findings if finding.severity == "high")
        refs = tuple(sorted({ref for finding in findings for item in finding.evidence for ref in item.refs}))
        if not refs and content.system is not None:
            refs = content.system.note.refs
        if findings:
            text = (
                ngettext(
                    "The governance rules find %(count)s weakness in it,",
                    "The governance rules find %(count)s weaknesses in it,",
                    len(findings),
                )
                % {"count": len(findings)}
                + " "
                + ngettext("%(high)s of high severity.", "%(high)s of high severity.", high) % {"high": high}
            )
        else:
            text = _("The governance rules find no weakness in what the map records.")
        statements.append(Statement(text, refs))
    if content.assessment is not None:
        assessment = content.assessment
        if assessment.score is not None:
            text = _(
                "The latest published assessment (%(framework)s, %(date)s) scores %(score)s out of 100: band "
                "“%(band)s”."
            ) % {
                "framework": assessment.framework,
                "date": assessment.as_of.isoformat(),
                "score": f"{assessment.score:.0f}",
                "band": assessment.band or "–",
            }
        else:
            text = _("The latest published assessment (%(framework)s, %(date)s) has no score yet.") % {
                "framework": assessment.framework,
                "date": assessment.as_of.isoformat(),
            }
        weakest = sorted(
            (section for section in assessment.sections if section.score is not None), key=lambda s: s.score or 0
        )
        if weakest:
            text += " " + _("Its weakest section is “%(section)s” (%(score)s).") % {
                "section": weakest[0].title,
                "score": f"{weakest[0].score:.0f}",
            }
        statements.append(Statement(text, assessment.refs))
    if content.programmes is not None and not content.programmes.programmes:
        statements.append(
            Statement(
                _("No programme the reader may see is under way in %(year)s.") % {"year": content.programmes.year},
                content.programmes.refs,
            )
        )
    elif content.programmes is not None:
        programmes = content.programmes
        statements.append(
            Statement(
                ngettext(
                    "In %(year)s, %(count)s programme is under way",
                    "In %(year)s, %(count)s programmes are under way",
                    programmes.programmes,
                )
                % {"year": programmes.year, "count": programmes.programmes}
                + " "
                + ngettext("with %(count)s partner.", "with %(count)s partners.", len(programmes.partners))
                % {"count": len(programmes.partners)},
                programmes.refs,
            )
        )
    if content.coordination is not None:
        coordination = content.coordination
        text = (
            ngettext(
                "Coordination finds %(count)s overlap",
                "Coordination finds %(count)s overlaps",
                len(coordination.overlaps),
            )
            % {"count": len(coordination.overlaps)}
            + " "
            + ngettext(
                "and %(count)s need that no programme addresses.",
                "and %(count)s needs that no programme addresses.",
                len(coordination.gaps),
            )
            % {"count": len(coordination.gaps)}
        )
        if coordination.gaps:
            named = " · ".join(gap.title for gap in coordination.gaps[:KEY_GAPS])
            text += " " + _("Key gaps: %(gaps)s.") % {"gaps": named}
        statements.append(Statement(text, coordination.refs))
    if content.diligence is not None:
        diligence = content.diligence
        statements.append(
            Statement(
                ngettext(
                    "Due diligence covers %(count)s supported unit;",
                    "Due diligence covers %(count)s supported units;",
                    len(diligence.rows),
                )
                % {"count": len(diligence.rows)}
                + " "
                + ngettext("%(count)s review is overdue.", "%(count)s reviews are overdue.", diligence.overdue)
                % {"count": diligence.overdue},
                diligence.refs,
            )
        )
    return statements
