"""Roster import (花名册批量入会): read -> detect -> map -> validate -> preview -> commit -> report.

    scan = importer.scan(store, path)              # file checked; sheets, header rows, column mapping
    importer.remap(scan, "花名册", {"E": "phone"})   # the clerk corrects a column (wizard / --map)
    plan = importer.prepare(store, scan, Options(org_id=...), progress)   # validated, nothing written
    result = importer.commit(store, plan, progress)                        # one transaction
    batches.undo(store, result.batch_id)                                   # and back

Everything a clerk must know comes back as data (counts, problem rows with sheet, row and a
Chinese reason); a refusal raises ImportRefused (a ServiceError) before anything is written.
The CLI (clerk/cli/importing.py) and the wizard (clerk/tui/importing/import_wizard.py) are two faces
of these calls. The steps live in import_scan, import_plan and import_commit; `clerk import` of a
big roster checks and writes at the same time, with a writer process (import_writer).
"""

from __future__ import annotations

from clerk.importing.commit import EarlyBackup, Result, checkpoint, commit, run
from clerk.importing.plan import Options, Plan, Problem, SeenIds, prepare
from clerk.importing.scan import FileScan, ImportRefused, Progress, SheetScan, find_column, remap, scan
from clerk.importing.writer import worth_starting as big_roster

__all__ = [
    "big_roster",
    "EarlyBackup",
    "checkpoint",
    "FileScan",
    "ImportRefused",
    "Options",
    "Plan",
    "Problem",
    "Progress",
    "Result",
    "SeenIds",
    "SheetScan",
    "commit",
    "find_column",
    "prepare",
    "remap",
    "run",
    "scan",
]
