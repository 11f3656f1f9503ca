//! The envelope of every JSON output: which output and version, the resolved dates, the
//! scope and breakdown, then the rows ([`crate::output`] has the schemas). It sits at the
//! bottom so that the engine, the statistics and the command line all write the same one.

use chrono::NaiveDate;
use serde_json::{json, Map, Value};

use crate::model::{UnitId, UnitKind, Vocabulary};

/// A JSON output of dangjian.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Output {
    /// The metric rows (`dangjian report`).
    Report,
    /// The key-task drill-down (`dangjian tasks`).
    Tasks,
    /// The duty-obligation drill-down (`dangjian duties`).
    Duties,
    /// The enterprise-coverage drill-down (`dangjian coverage`).
    Coverage,
    /// The cadre drill-down (`dangjian cadres`).
    Cadres,
    /// The metric catalogue (`dangjian catalogue`).
    Catalogue,
    /// The statistics table 企业建立党的基层组织情况 (`dangjian stats enterprise_orgs`).
    EnterpriseOrgs,
    /// The statistics table 组织生活开展情况统计表 (`dangjian stats org_life`).
    OrgLife,
}

impl Output {
    /// Every output, in the order `dangjian schema` lists them.
    pub const ALL: [Output; 8] = [
        Output::Report,
        Output::Tasks,
        Output::Duties,
        Output::Coverage,
        Output::Cadres,
        Output::Catalogue,
        Output::EnterpriseOrgs,
        Output::OrgLife,
    ];

    /// The name `dangjian schema NAME` takes: the command that writes it.
    pub fn id(self) -> &'static str {
        match self {
            Output::Report => "report",
            Output::Tasks => "tasks",
            Output::Duties => "duties",
            Output::Coverage => "coverage",
            Output::Cadres => "cadres",
            Output::Catalogue => "catalogue",
            Output::EnterpriseOrgs => "enterprise_orgs",
            Output::OrgLife => "org_life",
        }
    }

    /// The `format` of its envelope: `dangjian-<name>/<version>`.
    pub fn format(self) -> &'static str {
        match self {
            Output::Report => "dangjian-report/1",
            Output::Tasks => "dangjian-tasks/1",
            Output::Duties => "dangjian-duties/1",
            Output::Coverage => "dangjian-coverage/1",
            Output::Cadres => "dangjian-cadres/1",
            Output::Catalogue => "dangjian-catalogue/1",
            Output::EnterpriseOrgs => "dangjian-enterprise_orgs/1",
            Output::OrgLife => "dangjian-org_life/1",
        }
    }

    /// The output named `name` (`report`, `tasks`, ...).
    pub fn from_id(name: &str) -> Option<Output> {
        Output::ALL.into_iter().find(|o| o.id() == name)
    }

    /// The names, for messages: `report, tasks, ...`.
    pub fn names() -> String {
        Output::ALL.map(Output::id).join(", ")
    }
}

/// The scope an output answers for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeRef {
    /// The unit id.
    pub id: UnitId,
    /// Its name.
    pub name: String,
}

/// What an output answers: which output, the resolved dates, the scope and breakdown.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    /// The output.
    pub output: Output,
    /// The evaluation date (none for the catalogue).
    pub as_of: Option<NaiveDate>,
    /// The window start (none for the catalogue).
    pub from: Option<NaiveDate>,
    /// The scope (none for the catalogue).
    pub scope: Option<ScopeRef>,
    /// The breakdown kind, if any.
    pub by: Option<UnitKind>,
}

impl Header {
    /// The head of an output that answers no query (the catalogue).
    pub fn bare(output: Output) -> Header {
        Header {
            output,
            as_of: None,
            from: None,
            scope: None,
            by: None,
        }
    }

    /// The envelope around `rows` (a JSON array).
    pub fn envelope(&self, rows: Value) -> Value {
        let mut doc = Map::new();
        doc.insert("format".into(), self.output.format().into());
        let date = |d: Option<NaiveDate>| d.map_or(Value::Null, |d| d.to_string().into());
        doc.insert("as_of".into(), date(self.as_of));
        doc.insert("from".into(), date(self.from));
        doc.insert(
            "scope".into(),
            self.scope.as_ref().map_or(
                Value::Null,
                |s| json!({"id": s.id.as_str(), "name": s.name}),
            ),
        );
        doc.insert(
            "by".into(),
            self.by.map_or(Value::Null, |k| k.id().to_string().into()),
        );
        doc.insert("rows".into(), rows);
        Value::Object(doc)
    }

    /// The envelope around rows serialized as they are.
    pub fn envelope_rows<R: serde::Serialize>(
        &self,
        rows: &[R],
    ) -> Result<Value, serde_json::Error> {
        Ok(self.envelope(serde_json::to_value(rows)?))
    }
}
