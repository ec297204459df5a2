"""The groups of transaction types that coordination adds up: what was committed (IATI type 2), and what was
spent (disbursements and expenditure, types 3 and 4)."""

COMMITMENT, DISBURSEMENT, EXPENDITURE = "2", "3", "4"
COMMITTED, SPENT = "committed", "spent"
FLOW_GROUPS = {COMMITMENT: COMMITTED, DISBURSEMENT: SPENT, EXPENDITURE: SPENT}
"""The IATI transaction types a coordination cell adds up: commitments (2); disbursements and expenditure (3, 4)."""


def codes_of(group: str) -> list[str]:
    """The transaction types of a group, sorted."""
    return sorted(code for code, named in FLOW_GROUPS.items() if named == group)
