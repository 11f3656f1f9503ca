"""Type stubs of the compiled module ``dangjian._dangjian`` (checked by mypy.stubtest)."""

from typing import Any, Dict, List, Optional, Tuple, final

__version__: str

@final
class Table:
    """An Arrow table leaving Rust through the Arrow PyCapsule interface."""

    @property
    def kind(self) -> str: ...
    @property
    def num_rows(self) -> int: ...
    @property
    def column_names(self) -> List[str]: ...
    @property
    def column_types(self) -> List[str]: ...
    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object: ...
    def __arrow_c_schema__(self) -> object: ...
    def __len__(self) -> int: ...
    def preview(self, n: int) -> List[List[str]]: ...

@final
class Ledger:
    """A ledger loaded into memory."""

    def counts(self) -> List[Tuple[str, int]]: ...
    def root(self) -> Optional[Tuple[str, str]]: ...
    def latest_date(self) -> Optional[str]: ...
    def validate(self, as_of: Optional[str] = None) -> List[Dict[str, str]]: ...
    def save(self, path: str) -> None: ...
    def to_json(self) -> str: ...
    def table(self, name: str) -> Table: ...
    def pseudonymize(self, salt: Optional[str] = None, coarsen_birth_dates: bool = False) -> Ledger: ...
    def _evaluate_only(self, as_of: Optional[str] = None, by: Optional[str] = None) -> int: ...
    def metrics(
        self,
        as_of: Optional[str] = None,
        from_: Optional[str] = None,
        scope: Optional[str] = None,
        by: Optional[str] = None,
        metrics: Optional[List[str]] = None,
        at_risk_tolerance: Optional[float] = None,
        young_age: Optional[int] = None,
    ) -> Table: ...
    def metrics_json(
        self,
        as_of: Optional[str] = None,
        from_: Optional[str] = None,
        scope: Optional[str] = None,
        by: Optional[str] = None,
        metrics: Optional[List[str]] = None,
        at_risk_tolerance: Optional[float] = None,
        young_age: Optional[int] = None,
    ) -> str: ...
    def drilldown(
        self,
        kind: str,
        as_of: Optional[str] = None,
        from_: Optional[str] = None,
        scope: Optional[str] = None,
        by: Optional[str] = None,
        at_risk_tolerance: Optional[float] = None,
        young_age: Optional[int] = None,
    ) -> Table: ...
    def trend(
        self,
        start: str,
        end: str,
        freq: str = "M",
        metrics: Optional[List[str]] = None,
        from_: Optional[str] = None,
        scope: Optional[str] = None,
        by: Optional[str] = None,
        at_risk_tolerance: Optional[float] = None,
        young_age: Optional[int] = None,
    ) -> Table: ...

def example() -> Ledger: ...
def load(path: str) -> Ledger: ...
def template() -> Ledger: ...
def from_json(text: str) -> Ledger: ...
def catalogue(ledger: Optional[Ledger] = None) -> Table: ...
def report_html(
    ledger: Ledger,
    as_of: Optional[str] = None,
    from_: Optional[str] = None,
    scope: Optional[str] = None,
    by: Optional[str] = None,
    metrics: Optional[List[str]] = None,
    at_risk_tolerance: Optional[float] = None,
    young_age: Optional[int] = None,
    max_rows: int = 500,
    list_rows: int = 30,
    trend_months: int = 12,
) -> str: ...
def metrics_html(
    ledger: Ledger,
    as_of: Optional[str] = None,
    from_: Optional[str] = None,
    scope: Optional[str] = None,
    by: Optional[str] = None,
    metrics: Optional[List[str]] = None,
    at_risk_tolerance: Optional[float] = None,
    young_age: Optional[int] = None,
    limit: int = 20,
) -> str: ...
def trend_html(
    ledger: Ledger,
    start: str,
    end: str,
    freq: str = "M",
    metrics: Optional[List[str]] = None,
    from_: Optional[str] = None,
    scope: Optional[str] = None,
    by: Optional[str] = None,
    at_risk_tolerance: Optional[float] = None,
    young_age: Optional[int] = None,
    limit: int = 20,
) -> str: ...
def ledger_html(ledger: Ledger) -> str: ...
def display_names(ledger: Ledger) -> Dict[str, Dict[str, Any]]: ...
