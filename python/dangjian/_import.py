"""Importing rows of other systems' spreadsheets into a ledger (``docs/IMPORTS.md``)."""

from __future__ import annotations

import os
from typing import Any, Dict, Optional, Union

from . import _dangjian

PathLike = Union[str, "os.PathLike[str]"]


def import_rows(
    mapping: PathLike,
    source: PathLike,
    into: PathLike,
    sheet: Optional[str] = None,
    dry_run: bool = False,
) -> Dict[str, Any]:
    """Import the rows of ``source`` (an ``.xlsx`` sheet, the first or ``sheet``, or a
    ``.csv`` file in UTF-8 or GB18030) into the ledger at ``into`` (a CSV folder, ``.json``
    or ``.xlsx``), like ``dangjian import``.

    ``mapping`` is a shipped mapping (``"owip-meetings"``, ``"owip-theme-days"``,
    ``"owip-members"``) or the path of a TOML mapping. The whole result is validated and
    saved back in the ledger's form only when it is valid; otherwise :class:`LedgerError`
    is raised with every problem in ``.problems``, located in the source file's own terms
    (``三会一课.xlsx!L3``, ``roster.csv:7:2``), and nothing is written. With ``dry_run``
    nothing is written either.

    Returns the report: ``added`` and ``replaced`` (lists of ``{"source", "values",
    "changes", "kept"}``: a replaced row's ``changes`` are ``{"column", "old", "new"}``,
    its ``kept`` the ledger's values its source left empty, by column),
    ``skipped`` (``{"source", "reason", "range", "rows"}``; reasons ``duplicate``,
    ``unchanged``, ``merged_box``, ``example_row``, ``sample_row``), ``warnings`` (problem dicts),
    ``written``, and ``mapping``, ``table``, ``source``.

    >>> import dangjian as dj, os, tempfile
    >>> d = tempfile.mkdtemp()
    >>> ledger = os.path.join(d, "ledger.json")
    >>> dj.example().save(ledger)
    >>> days = os.path.join(d, "主题党日.csv")
    >>> with open(days, "w", encoding="utf-8") as f:
    ...     _ = f.write("所在党支部编码,实际时间,应到人数,实到人数\\n"
    ...                 "jiguan1_branch,2019/6/28  15:00,15,14\\n")
    >>> r = dj.import_rows("owip-theme-days", days, ledger, dry_run=True)
    >>> len(r["added"]), r["added"][0]["values"]["date"], r["written"]
    (1, '2019-06-28', False)
    >>> r = dj.import_rows("owip-theme-days", days, ledger)
    >>> r["written"], dj.import_rows("owip-theme-days", days, ledger)["skipped"][0]["reason"]
    (True, 'duplicate')
    >>> with open(days, "a", encoding="utf-8") as f:
    ...     _ = f.write("nowhere_branch,2019/7/1,8,8\\n")
    >>> try:
    ...     dj.import_rows("owip-theme-days", days, ledger)
    ... except dj.LedgerError as e:
    ...     print(e.problems[0]["location"])
    主题党日.csv:3:1
    """
    return _dangjian.import_rows(
        os.fspath(mapping),
        os.fspath(source),
        os.fspath(into),
        sheet=sheet,
        dry_run=dry_run,
    )


__all__ = ["import_rows"]
