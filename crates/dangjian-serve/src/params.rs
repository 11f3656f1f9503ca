//! Query parameters, read as the command line reads its options: `as_of`, `from` (any date
//! spelling a ledger accepts), `scope`, `by`, `metrics` (comma separated), and
//! `at_risk_tolerance`, `young_age`. A parameter the endpoint does not take, one given
//! twice or a bad value is a 400 that says so: a typo such as `asof=` never answers for the
//! default date.

use dangjian::metrics::Query;
use dangjian::model::{Sym, UnitId, UnitKind};

use crate::error::ApiError;

/// The parameters of a query, each as the command line's option of the same name.
pub const QUERY: [&str; 7] = [
    "as_of",
    "from",
    "scope",
    "by",
    "metrics",
    "at_risk_tolerance",
    "young_age",
];

/// The decoded pairs of a query string, each name at most once and among `allowed`.
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Decodes `raw` (the part after `?`), refusing names not in `allowed` and repeats.
    pub fn parse(raw: Option<&str>, allowed: &[&str]) -> Result<Params, ApiError> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let raw = raw.unwrap_or("");
        if raw.len() > 8192 {
            return Err(ApiError::bad_request(
                "the query string is longer than 8192 bytes",
            ));
        }
        for (k, v) in form_urlencoded::parse(raw.as_bytes()) {
            if k.is_empty() && v.is_empty() {
                continue;
            }
            if !allowed.contains(&k.as_ref()) {
                let takes = if allowed.is_empty() {
                    "this endpoint takes no query parameters".to_string()
                } else {
                    format!("this endpoint takes {}", allowed.join(", "))
                };
                return Err(ApiError::bad_request(format!(
                    "unknown query parameter `{}`; {takes}",
                    clip(&k)
                )));
            }
            if pairs.iter().any(|(p, _)| *p == k) {
                return Err(ApiError::bad_request(format!(
                    "query parameter `{k}` is given twice; give it once"
                )));
            }
            pairs.push((k.into_owned(), v.into_owned()));
        }
        Ok(Params(pairs))
    }

    /// The value of `name`, if given.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The engine's query, with `scope` as given (`None`: the caller's default).
    pub fn query(&self) -> Result<Query, ApiError> {
        let date = |name: &str| -> Result<Option<chrono::NaiveDate>, ApiError> {
            self.get(name)
                .map(|v| {
                    dangjian::ledger::parse_date(v)
                        .map_err(|e| ApiError::bad_request(format!("`{name}={}`: {e}", clip(v))))
                })
                .transpose()
        };
        let mut q = Query {
            as_of: date("as_of")?,
            from: date("from")?,
            ..Query::default()
        };
        if let Some(s) = self.get("scope") {
            // An id nobody has used is not interned (ids live as long as the process), so
            // a stranger cannot grow the table: it is an unknown scope at once.
            if Sym::existing(s).is_none() {
                return Err(ApiError::bad_request(format!(
                    "scope `{}` is not a unit id of this ledger",
                    clip(s)
                )));
            }
            q.scope = Some(UnitId::new(s));
        }
        if let Some(by) = self.get("by") {
            q.by = Some(
                by.parse::<UnitKind>()
                    .map_err(|e| ApiError::bad_request(format!("`by={}`: {e}", clip(by))))?,
            );
        }
        if let Some(m) = self.get("metrics") {
            let list: Vec<String> = m
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            if list.is_empty() {
                return Err(ApiError::bad_request(
                    "`metrics=` is empty; give metric ids or prefixes, comma separated",
                ));
            }
            q.metrics = Some(list);
        }
        if let Some(t) = self.get("at_risk_tolerance") {
            q.at_risk_tolerance =
                t.parse::<f64>()
                    .ok()
                    .filter(|t| t.is_finite())
                    .ok_or_else(|| {
                        ApiError::bad_request(format!(
                            "`at_risk_tolerance={}` is not a number such as 0.1",
                            clip(t)
                        ))
                    })?;
        }
        if let Some(a) = self.get("young_age") {
            q.young_age = a
                .parse::<i32>()
                .ok()
                .filter(|a| (0..=200).contains(a))
                .ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "`young_age={}` is not a whole number of years such as 35",
                        clip(a)
                    ))
                })?;
        }
        Ok(q)
    }
}

/// At most 80 characters of what a client sent, for a message.
pub fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(80).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}
