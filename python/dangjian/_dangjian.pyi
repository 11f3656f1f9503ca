"""Type stubs of the compiled module ``dangjian._dangjian`` (checked by mypy.stubtest)."""

from typing import Any, Callable, ClassVar, Dict, List, Optional, Sequence, Tuple, final

from dangjian._types import (
    DrillDown,
    Freq,
    LedgerTable,
    Manifest,
    PartsFormat,
    Problem,
    StatsName,
    TableKind,
    UnitKind,
)

__version__: str

class DangjianError(Exception):
    """Every error dangjian raises on purpose derives from this."""

class LedgerError(DangjianError, ValueError):
    """A ledger that does not load or validate; ``problems`` lists every located problem."""

    problems: ClassVar[Sequence[Problem]]

class QueryError(DangjianError, ValueError):
    """A metric query that cannot be answered: a bad date, scope, metric id or argument."""

    problems: ClassVar[Sequence[Problem]]

@final
class Table:
    """An Arrow table leaving Rust through the Arrow PyCapsule interface."""

    @property
    def kind(self) -> TableKind: ...
    @property
    def num_rows(self) -> int: ...
    @property
    def column_names(self) -> List[str]: ...
    @property
    def column_types(self) -> List[str]: ...
    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object: ...
    def __arrow_c_schema__(self) -> object: ...
    def __len__(self) -> int: ...
    def to_pylist(self) -> List[Dict[str, Any]]: ...
    def preview(self, n: int) -> List[List[str]]: ...

@final
class Ledger:
    """A ledger loaded into memory."""

    def counts(self) -> List[Tuple[str, int]]: ...
    def root(self) -> Optional[Tuple[str, str]]: ...
    def latest_date(self) -> Optional[str]: ...
    def partial(
        self,
        as_of: Optional[str],
        from_: Optional[str] = None,
        scope: Optional[str] = None,
        by: Optional[str] = None,
        metrics: Optional[List[str]] = None,
        at_risk_tolerance: Optional[float] = None,
        young_age: Optional[int] = None,
        shared: Optional[Tuple[List[str], List[str], List[str]]] = None,
        whole_root: Optional[str] = None,
        ipc: bool = False,
    ) -> Any: ...
    def validate(self, as_of: Optional[str] = None) -> List[Problem]: ...
    def problems(self, as_of: Optional[str] = None) -> Table: ...
    def save(self, path: str) -> None: ...
    def to_json(self) -> str: ...
    def table(self, name: LedgerTable) -> Table: ...
    def pseudonymize(self, salt: Optional[str] = None, coarsen_birth_dates: bool = False) -> Ledger: ...
    def _evaluate_only(self, as_of: Optional[str] = None, by: Optional[UnitKind] = None) -> int: ...
    def metrics(
        self,
        as_of: Optional[str] = None,
        from_: Optional[str] = None,
        scope: Optional[str] = None,
        by: Optional[UnitKind] = None,
        metrics: Optional[List[str]] = None,
        at_risk_tolerance: Optional[float] = None,
        young_age: Optional[int] = None,
    ) -> Table: ...
    def metrics_json(
        self,
        as_of: Optional[str] = None,
        from_: Optional[str] = None,
        scope: Optional[str] = None,
        by: Optional[UnitKind] = None,
        metrics: Optional[List[str]] = None,
        at_risk_tolerance: Optional[float] = None,
        young_age: Optional[int] = None,
    ) -> str: ...
    def drilldown(
        self,
        kind: DrillDown,
        as_of: Optional[str] = None,
        from_: Optional[str] = None,
        scope: Optional[str] = None,
        by: Optional[UnitKind] = None,
        at_risk_tolerance: Optional[float] = None,
        young_age: Optional[int] = None,
    ) -> Table: ...
    def stats(
        self,
        name: StatsName,
        as_of: Optional[str] = None,
        from_: Optional[str] = None,
        scope: Optional[str] = None,
        by: Optional[UnitKind] = None,
    ) -> Table: ...
    def trend(
        self,
        start: str,
        end: str,
        freq: Freq = "M",
        metrics: Optional[List[str]] = None,
        from_: Optional[str] = None,
        scope: Optional[str] = None,
        by: Optional[UnitKind] = None,
        at_risk_tolerance: Optional[float] = None,
        young_age: Optional[int] = None,
    ) -> Table: ...

def example() -> Ledger: ...
def load(path: str, progress: Optional[Callable[[str, int, int], None]] = None) -> Ledger: ...
def generate(districts: int = 1, seed: int = 0, ids: str = "numbered") -> Ledger: ...
def template() -> Ledger: ...
def from_json(text: str) -> Ledger: ...
def catalogue(ledger: Optional[Ledger] = None) -> Table: ...
def import_rows(
    mapping: str,
    source: str,
    into: str,
    sheet: Optional[str] = None,
    dry_run: bool = False,
) -> Dict[str, Any]: ...
def split(
    ledger: Ledger,
    by: UnitKind,
    to: str,
    format: PartsFormat = "csv",
    force: bool = False,
) -> Manifest: ...
def read_manifest(path: str) -> Manifest: ...
def load_part(manifest: str, part: Optional[str] = None, top: Optional[Ledger] = None) -> Ledger: ...
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
def merge(parts: List[Any], finish: bool = True, ipc: bool = False) -> Any: ...
