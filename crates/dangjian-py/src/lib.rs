//! Python bindings of dangjian (filled by the Python issue).
use pyo3::prelude::*;

/// The compiled module `dangjian._dangjian`.
#[pymodule]
mod _dangjian {
    use pyo3::prelude::*;

    /// The version of the dangjian core.
    #[pymodule_export]
    const __version__: &str = env!("CARGO_PKG_VERSION");

    #[pyfunction]
    fn _ping() -> PyResult<bool> {
        Ok(true)
    }
}
