"""Names that try to act where they are shown (an outside image every visitor's browser fetches, a live link,
coloured text, an icon, LaTeX, HTML, a spreadsheet formula), given to the sample warehouse's organizations,
uploads, uploaders and a review note: for the tests that draw every page with them (AppTest and Chromium)."""

from __future__ import annotations

import hashlib

from builders import add, staffing
from upload_files import csv_bytes

from analytics import access
from analytics.sql_files import sql
from analytics.store import review_upload
from analytics.warehouse import connect

ADMIN = access.Actor("admin@doe.mass.edu", access.ADMINISTRATOR)
MARKDOWN_ATTACKS = (
    "![img](http://evil.example/img.png)",
    ":red[x]",
    ":material/warning:",
    "$x^2$",
    "http://evil.example/x",
    "www.evil.example",
    "<b>x</b>",
    '<a href="http://evil.example">x</a>',
    '=HYPERLINK("http://evil.example")',
    "clerk@evil.example",
)
# Organizations whose names reach Markdown: AMSEL's founders (named in the Equity leaders caption), the two
# the map cannot place (named in its caption and subtitle), and two in the gaps table.
FOUNDERS = ["00490000", "01550000", "02070000", "02740000", "03150000", "03170000"]
UNPLACED = ["39010000", "39020000"]
IN_THE_GAPS_TABLE = ["00440000", "02440000"]
ATTACK_ORGS = dict(zip([*FOUNDERS, *UNPLACED, *IN_THE_GAPS_TABLE], MARKDOWN_ATTACKS, strict=True))
ATTACK_UPLOADER = "clerk@evil.example"
GOOD_STAFFING = csv_bytes(
    [
        ["School Year", "Org Code", "Job Class", "Race/Ethnicity", "FTE"],
        ["2024-25", "00350000", "Teacher", "Asian", "3"],
    ]
)


def with_attack_names(db) -> None:
    """Give organizations, uploads, uploaders and a review note the attacks for names; and a pending and a
    rejected district upload, so the review queue and the rejection's note show them too."""
    with connect(db) as con:
        for code, name in ATTACK_ORGS.items():
            con.execute("UPDATE organizations SET name = ? WHERE org_code = ?", [name, code])
        ids = [r[0] for r in con.execute("SELECT upload_id FROM uploads ORDER BY upload_id").fetchall()]
        for i, upload_id in enumerate(ids):
            con.execute(
                "UPDATE uploads SET file_name = ?, uploaded_by = ? WHERE upload_id = ?",
                [MARKDOWN_ATTACKS[i % 10], MARKDOWN_ATTACKS[(i + 3) % 10], upload_id],
            )
        # The staffing upload holds the bytes the Upload page is given again (it says "already saved").
        con.execute(
            "UPDATE uploads SET sha256 = ? WHERE kind = 'staffing'",
            [hashlib.sha256(GOOD_STAFFING).hexdigest()],
        )
        con.execute(sql("data_version_bump"))
        clerk = access.Actor(ATTACK_UPLOADER, access.UPLOADER, frozenset({"00350000"}))
        access.grant_role(con, ATTACK_UPLOADER, access.UPLOADER, ["00350000"], actor=ADMIN)
        for file_name in MARKDOWN_ATTACKS[:2]:
            add(
                con,
                "staffing",
                staffing("2025-26", "00350000", "Teacher", White=9),
                file_name=file_name,
                actor=clerk,
            )
        rejected = add(con, "staffing", staffing("2025-26", "00350000", "Teacher", White=8), actor=clerk)
        review_upload(con, rejected.upload_id, approve=False, note=MARKDOWN_ATTACKS[0], actor=ADMIN)
