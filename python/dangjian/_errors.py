"""The exception hierarchy, rooted at :class:`DangjianError`.

The classes are declared once, in Rust (``dangjian._dangjian``), and raised from there;
this module only names them. ``LedgerError`` and ``QueryError`` are also ``ValueError``.

>>> import dangjian as dj
>>> [c.__name__ for c in dj.LedgerError.__mro__[:4]]
['LedgerError', 'DangjianError', 'ValueError', 'Exception']
"""

from ._dangjian import DangjianError, LedgerError, QueryError

__all__ = ["DangjianError", "LedgerError", "QueryError"]
