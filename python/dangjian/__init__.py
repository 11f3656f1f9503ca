"""dangjian (党建): party-building ledgers, validated and measured.

>>> import dangjian as dj
>>> ds = dj.example()                        # or dj.load("ledger/") / dj.load("ledger.json")
>>> t = ds.metrics(as_of="2019-07-31", by="area")
>>> df = t.to_pandas()                        # or pl.DataFrame(t), pa.table(t), duckdb.sql("from t")
>>> page = ds.report_html(as_of="2019-07-31")  # the dashboard page; or report_html("page.html", ...)
"""

from ._dangjian import __version__
from ._errors import DangjianError, LedgerError, QueryError
from ._import import import_rows
from ._ledger import Ledger, catalogue, example, from_json, generate, load, template
from ._parts import load_part, merge, read_manifest, split
from ._table import Table

__all__ = [
    "DangjianError",
    "Ledger",
    "LedgerError",
    "QueryError",
    "Table",
    "__version__",
    "catalogue",
    "example",
    "from_json",
    "generate",
    "import_rows",
    "load",
    "load_part",
    "merge",
    "read_manifest",
    "split",
    "template",
]
