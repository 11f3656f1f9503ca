//! One small bad ledger per validation rule of docs/LEDGER.md: the kind of problem and where.

use dangjian::ledger::{
    from_json_str, from_json_str_with, LedgerError, Location, ProblemKind, Problems, Severity,
    ValidateOptions,
};
use std::collections::HashSet;

use serde_json::{json, Value};

/// A small valid ledger: a district with a village and an enterprise, a branch of three
/// formal members, a key task with progress, an indicator with a formula.
fn base() -> Value {
    json!({
        "format": "dangjian-ledger/1",
        "units": [
            {"id": "d", "kind": "district", "name": "区"},
            {"id": "v", "kind": "village", "name": "村", "parent": "d"},
            {"id": "e", "kind": "enterprise", "name": "企业", "parent": "v", "above_scale": true}
        ],
        "designations": [{"unit": "v", "designation": "beautiful_circle", "since": "2019-01-01"}],
        "orgs": [{"id": "b", "kind": "branch", "name": "支部", "hosts": ["e"], "established": "2018-01-01"}],
        "elections": [{"org": "b", "date": "2018-01-05"}],
        "people": [
            {"id": "p1", "name": "甲", "org": "b", "joined": "2000-01-01", "confirmed": "2001-01-01"},
            {"id": "p2", "name": "乙", "org": "b", "joined": "2000-01-01", "confirmed": "2001-01-01"},
            {"id": "p3", "name": "丙", "org": "b", "joined": "2000-01-01", "confirmed": "2001-01-01"}
        ],
        "roles": [{"person": "p1", "role": "secretary", "target": "b", "start": "2018-01-05"}],
        "initiatives": [{"id": "t", "kind": "key_task", "programme": "growth", "title": "任务", "unit": "v", "start": "2019-01-01", "deadline": "2019-12-31"}],
        "progress": [{"initiative": "t", "date": "2019-03-01", "percent": 10}],
        "activities": [{"kind": "patrol", "date": "2019-03-02", "subject": "v", "people": ["p1"]}],
        "duties": [{"id": "du", "activity": "theme_day", "applies_to": "org:branch", "cadence": "1m"}],
        "indicators": [
            {"id": "a", "name": "A"},
            {"id": "b2", "name": "B"},
            {"id": "c", "name": "C", "formula": "a * b2"}
        ],
        "observations": [{"indicator": "a", "unit": "v", "date": "2019-03-01", "value": 2}],
        "targets": [{"metric": "coverage.org", "due": "2019-12-31", "value": 1}]
    })
}

/// The problems of a ledger loaded with every check, as the command line and Python load.
fn problems_of(doc: &Value) -> Problems {
    match from_json_str_with(&doc.to_string(), &ValidateOptions::full()) {
        Ok(_) => Problems::default(),
        Err(LedgerError::Invalid(p)) => p,
        Err(e) => panic!("unexpected error {e}"),
    }
}

/// Asserts that the ledger fails with exactly one error of `kind` at `pointer`.
fn assert_error(doc: Value, kind: ProblemKind, pointer: &str) {
    let p = problems_of(&doc);
    let errors: Vec<_> = p.errors().collect();
    assert_eq!(errors.len(), 1, "expected one error, got {p}");
    assert_eq!(errors[0].kind, kind, "{p}");
    assert_eq!(
        errors[0].location,
        Location::Json {
            pointer: pointer.to_string()
        },
        "{p}"
    );
    assert!(!errors[0].message.is_empty());
}

fn with(mut doc: Value, f: impl FnOnce(&mut Value)) -> Value {
    f(&mut doc);
    doc
}

#[test]
fn base_ledger_is_valid_without_warnings() {
    let p = problems_of(&base());
    assert!(p.0.is_empty(), "{p:?}");
}

#[test]
fn unknown_unit_kind_lists_the_allowed_ones() {
    let doc = with(base(), |d| d["units"][1]["kind"] = json!("town"));
    let p = problems_of(&doc);
    assert!(
        p.0[0].message.contains("district, area, village"),
        "{}",
        p.0[0].message
    );
    assert_error(doc, ProblemKind::UnknownTerm, "/units/1/kind");
}

#[test]
fn unknown_org_kind_initiative_kind_role_programme() {
    assert_error(
        with(base(), |d| d["orgs"][0]["kind"] = json!("club")),
        ProblemKind::UnknownTerm,
        "/orgs/0/kind",
    );
    assert_error(
        with(base(), |d| d["initiatives"][0]["kind"] = json!("dream")),
        ProblemKind::UnknownTerm,
        "/initiatives/0/kind",
    );
    assert_error(
        with(base(), |d| d["roles"][0]["role"] = json!("boss")),
        ProblemKind::UnknownTerm,
        "/roles/0/role",
    );
    assert_error(
        with(base(), |d| d["initiatives"][0]["programme"] = json!("blue")),
        ProblemKind::UnknownTerm,
        "/initiatives/0/programme",
    );
}

#[test]
fn unknown_applies_to_and_cadence() {
    assert_error(
        with(base(), |d| d["duties"][0]["applies_to"] = json!("team:x")),
        ProblemKind::UnknownTerm,
        "/duties/0/applies_to",
    );
    assert_error(
        with(base(), |d| d["duties"][0]["applies_to"] = json!("org:club")),
        ProblemKind::UnknownTerm,
        "/duties/0/applies_to",
    );
    assert_error(
        with(base(), |d| d["duties"][0]["cadence"] = json!("2m")),
        ProblemKind::UnknownTerm,
        "/duties/0/cadence",
    );
    assert_error(
        with(base(), |d| d["duties"][0]["cadence"] = json!("0d")),
        ProblemKind::UnknownTerm,
        "/duties/0/cadence",
    );
}

#[test]
fn activity_kinds_and_designations_are_open() {
    let doc = with(base(), |d| {
        d["activities"][0]["kind"] = json!("tea_party");
        d["designations"][0]["designation"] = json!("star_village");
    });
    assert!(!problems_of(&doc).has_errors());
}

#[test]
fn unknown_column_is_an_error_but_x_columns_are_kept() {
    assert_error(
        with(base(), |d| d["units"][0]["colour"] = json!("red")),
        ProblemKind::UnknownColumn,
        "/units/0/colour",
    );
    let doc = with(base(), |d| d["units"][0]["x_colour"] = json!("red"));
    let l = from_json_str(&doc.to_string()).unwrap();
    assert_eq!(
        l.units[0].extra.get("x_colour").map(String::as_str),
        Some("red")
    );
}

#[test]
fn missing_required_value() {
    assert_error(
        with(base(), |d| d["units"][1]["name"] = json!("")),
        ProblemKind::MissingValue,
        "/units/1/name",
    );
}

#[test]
fn duplicate_id_across_tables() {
    // A person whose id is a unit's id: ids are unique across the four tables together.
    assert_error(
        with(base(), |d| d["people"][2]["id"] = json!("v")),
        ProblemKind::DuplicateId,
        "/people/2/id",
    );
}

#[test]
fn duplicate_id_message_points_at_the_first_use_in_the_source() {
    let doc = with(base(), |d| d["people"][2]["id"] = json!("v"));
    let p = problems_of(&doc);
    let e = p.errors().next().unwrap();
    assert!(
        e.message.contains("already used at /units/1/id"),
        "{}",
        e.message
    );
}

#[test]
fn reference_to_a_missing_id() {
    assert_error(
        with(base(), |d| d["roles"][0]["target"] = json!("nowhere")),
        ProblemKind::MissingReference,
        "/roles/0/target",
    );
    assert_error(
        with(base(), |d| d["units"][2]["parent"] = json!("nowhere")),
        ProblemKind::MissingReference,
        "/units/2/parent",
    );
    // A person's org must be an org, not a unit.
    assert_error(
        with(base(), |d| d["people"][0]["org"] = json!("v")),
        ProblemKind::MissingReference,
        "/people/0/org",
    );
}

#[test]
fn target_metric_must_exist() {
    assert_error(
        with(base(), |d| {
            d["targets"][0]["metric"] = json!("nothing_here")
        }),
        ProblemKind::MissingReference,
        "/targets/0/metric",
    );
}

#[test]
fn one_unit_twice_in_hosts() {
    assert_error(
        with(base(), |d| d["orgs"][0]["hosts"] = json!(["e", "e"])),
        ProblemKind::DuplicateHost,
        "/orgs/0/hosts",
    );
}

#[test]
fn cycle_in_unit_parents() {
    // d is the root; v -> e -> v is a cycle.
    assert_error(
        with(base(), |d| d["units"][1]["parent"] = json!("e")),
        ProblemKind::Cycle,
        "/units/1/parent",
    );
}

#[test]
fn cycle_in_org_parents() {
    let doc = with(base(), |d| {
        d["orgs"][0]["parent"] = json!("b");
    });
    assert_error(doc, ProblemKind::Cycle, "/orgs/0/parent");
}

#[test]
fn a_date_that_is_not_a_date() {
    assert_error(
        with(base(), |d| d["roles"][0]["start"] = json!("2019-02-30")),
        ProblemKind::BadDate,
        "/roles/0/start",
    );
    // JSON takes ISO only; the spreadsheet spellings are for CSV and Excel.
    assert_error(
        with(base(), |d| d["roles"][0]["start"] = json!("2019/2/3")),
        ProblemKind::BadDate,
        "/roles/0/start",
    );
}

#[test]
fn end_before_start() {
    assert_error(
        with(base(), |d| d["units"][1]["since"] = json!("2019-05-01"))
            .pipe(|d| with(d, |d| d["units"][1]["until"] = json!("2019-04-30"))),
        ProblemKind::EndBeforeStart,
        "/units/1/until",
    );
    assert_error(
        with(base(), |d| d["orgs"][0]["dissolved"] = json!("2017-12-31")),
        ProblemKind::EndBeforeStart,
        "/orgs/0/dissolved",
    );
    assert_error(
        with(base(), |d| d["roles"][0]["end"] = json!("2018-01-04")),
        ProblemKind::EndBeforeStart,
        "/roles/0/end",
    );
    assert_error(
        with(base(), |d| {
            d["initiatives"][0]["deadline"] = json!("2018-12-31")
        }),
        ProblemKind::EndBeforeStart,
        "/initiatives/0/deadline",
    );
    assert_error(
        with(base(), |d| {
            d["designations"][0]["until"] = json!("2018-12-31")
        }),
        ProblemKind::EndBeforeStart,
        "/designations/0/until",
    );
    let duty = with(base(), |d| {
        d["duties"][0]["from"] = json!("2019-02-01");
        d["duties"][0]["to"] = json!("2019-01-01");
    });
    assert_error(duty, ProblemKind::EndBeforeStart, "/duties/0/to");
    // Equal is fine.
    assert!(
        !problems_of(&with(base(), |d| d["roles"][0]["end"] = json!("2018-01-05"))).has_errors()
    );
}

#[test]
fn confirmed_before_joined() {
    assert_error(
        with(base(), |d| {
            d["people"][0]["confirmed"] = json!("1999-12-31")
        }),
        ProblemKind::ConfirmedBeforeJoined,
        "/people/0/confirmed",
    );
}

#[test]
fn election_before_the_org_was_established() {
    assert_error(
        with(base(), |d| d["elections"][0]["date"] = json!("2017-12-31")),
        ProblemKind::ElectionBeforeEstablished,
        "/elections/0/date",
    );
}

#[test]
fn percent_weight_min_count_ranges() {
    assert_error(
        with(base(), |d| d["progress"][0]["percent"] = json!(100.5)),
        ProblemKind::PercentOutOfRange,
        "/progress/0/percent",
    );
    assert_error(
        with(base(), |d| d["progress"][0]["percent"] = json!(-1)),
        ProblemKind::PercentOutOfRange,
        "/progress/0/percent",
    );
    assert_error(
        with(base(), |d| d["initiatives"][0]["weight"] = json!(0)),
        ProblemKind::WeightNotPositive,
        "/initiatives/0/weight",
    );
    assert_error(
        with(base(), |d| d["duties"][0]["min_count"] = json!(1.5)),
        ProblemKind::BadMinCount,
        "/duties/0/min_count",
    );
    assert_error(
        with(base(), |d| d["duties"][0]["min_count"] = json!(0)),
        ProblemKind::BadMinCount,
        "/duties/0/min_count",
    );
}

#[test]
fn thousands_separators_are_refused() {
    assert_error(
        with(base(), |d| d["observations"][0]["value"] = json!("1,600")),
        ProblemKind::ThousandsSeparator,
        "/observations/0/value",
    );
}

#[test]
fn duplicate_progress_observation_target_on_one_day() {
    let p = with(base(), |d| {
        d["progress"]
            .as_array_mut()
            .unwrap()
            .push(json!({"initiative": "t", "date": "2019-03-01", "percent": 20}))
    });
    assert_error(p, ProblemKind::DuplicateProgress, "/progress/1/date");
    let o = with(base(), |d| {
        d["observations"]
            .as_array_mut()
            .unwrap()
            .push(json!({"indicator": "a", "unit": "v", "date": "2019-03-01", "value": 3}))
    });
    assert_error(o, ProblemKind::DuplicateObservation, "/observations/1/date");
    // An empty scope is the root: the two targets collide.
    let t = with(base(), |d| {
        d["targets"].as_array_mut().unwrap().push(
            json!({"metric": "coverage.org", "scope": "d", "due": "2019-12-31", "value": 0.9}),
        )
    });
    assert_error(t, ProblemKind::DuplicateTarget, "/targets/1/due");
}

#[test]
fn indicator_ids_and_formulas() {
    assert_error(
        with(base(), |d| d["indicators"][0]["id"] = json!("1a"))
            .pipe(|d| with(d, |d| d["observations"][0]["indicator"] = json!("1a")))
            .pipe(|d| with(d, |d| d["indicators"][2]["formula"] = json!("b2 * 2"))),
        ProblemKind::BadIndicatorId,
        "/indicators/0/id",
    );
    assert_error(
        with(base(), |d| d["indicators"][2]["formula"] = json!("a *")),
        ProblemKind::BadFormula,
        "/indicators/2/formula",
    );
    assert_error(
        with(base(), |d| d["indicators"][2]["formula"] = json!("a * zz")),
        ProblemKind::UnknownFormulaOperand,
        "/indicators/2/formula",
    );
    let cyc = with(base(), |d| {
        d["indicators"][1]["formula"] = json!("c + 1");
    });
    assert_error(cyc, ProblemKind::FormulaCycle, "/indicators/1/formula");
    let observed = with(base(), |d| {
        d["observations"]
            .as_array_mut()
            .unwrap()
            .push(json!({"indicator": "c", "unit": "v", "date": "2019-03-01", "value": 3}))
    });
    assert_error(
        observed,
        ProblemKind::FormulaObserved,
        "/observations/1/indicator",
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let doc = with(base(), |d| {
        d["units"][1]["kind"] = json!("town");
        d["roles"][0]["start"] = json!("soon");
        d["progress"][0]["percent"] = json!(120);
    });
    let p = problems_of(&doc);
    let kinds: Vec<_> = p.errors().map(|e| e.kind).collect();
    assert_eq!(kinds.len(), 3, "{p}");
    assert!(kinds.contains(&ProblemKind::UnknownTerm));
    assert!(kinds.contains(&ProblemKind::BadDate));
    assert!(kinds.contains(&ProblemKind::PercentOutOfRange));
}

#[test]
fn warnings_do_not_stop_loading() {
    // Progress going down, a branch with 2 formal members, an activity after the
    // evaluation date (the latest progress/activity/observation date is the default).
    let doc = with(base(), |d| {
        d["progress"]
            .as_array_mut()
            .unwrap()
            .push(json!({"initiative": "t", "date": "2019-03-05", "percent": 5}));
        d["people"][2]["confirmed"] = json!(null);
        d["roles"][0]["start"] = json!("2019-06-01");
    });
    let loaded =
        dangjian::ledger::from_json_str_with(&doc.to_string(), &Default::default()).unwrap();
    let kinds: Vec<_> = loaded
        .warnings
        .iter()
        .map(|w| (w.kind, w.severity))
        .collect();
    assert!(
        kinds.contains(&(ProblemKind::ProgressDecreases, Severity::Warning)),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(ProblemKind::SmallBranch, Severity::Warning)),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(ProblemKind::AfterEvaluationDate, Severity::Warning)),
        "{kinds:?}"
    );
}

#[test]
fn wide_joint_branch_and_large_branch_warn() {
    let doc = with(base(), |d| {
        let units = d["units"].as_array_mut().unwrap();
        for i in 0..6 {
            units.push(json!({"id": format!("w{i}"), "kind": "enterprise", "name": "小企业", "parent": "v"}));
        }
        d["orgs"].as_array_mut().unwrap().push(json!({"id": "j", "kind": "joint_branch", "name": "联合支部", "hosts": ["w0", "w1", "w2", "w3", "w4", "w5"], "established": "2018-01-01"}));
        let people = d["people"].as_array_mut().unwrap();
        for i in 0..51 {
            people.push(json!({"id": format!("m{i}"), "name": "党员", "org": "j", "joined": "2000-01-01", "confirmed": "2001-01-01"}));
        }
    });
    let p = problems_of(&doc);
    assert!(!p.has_errors(), "{p}");
    let loaded =
        dangjian::ledger::from_json_str_with(&doc.to_string(), &Default::default()).unwrap();
    let kinds: Vec<_> = loaded.warnings.iter().map(|w| w.kind).collect();
    assert!(kinds.contains(&ProblemKind::WideJointBranch), "{kinds:?}");
    assert!(kinds.contains(&ProblemKind::LargeBranch), "{kinds:?}");
}

#[test]
fn not_json_and_wrong_format_tag() {
    let e = from_json_str("{not json").unwrap_err();
    assert_eq!(e.problems().unwrap().0[0].kind, ProblemKind::Format);
    let e = from_json_str(r#"{"format": "other/2", "units": []}"#).unwrap_err();
    assert_eq!(
        e.problems().unwrap().0[0].location,
        Location::Json {
            pointer: "/format".into()
        }
    );
    let e = from_json_str(r#"{"format": "dangjian-ledger/1", "units": {}}"#).unwrap_err();
    assert_eq!(e.problems().unwrap().0[0].kind, ProblemKind::Format);
}

#[test]
fn several_roots_are_an_error() {
    let doc = with(base(), |d| d["units"][1]["parent"] = json!(null));
    assert_error(doc, ProblemKind::SeveralRoots, "/units/1/parent");
}

trait Pipe: Sized {
    fn pipe<T>(self, f: impl FnOnce(Self) -> T) -> T {
        f(self)
    }
}
impl Pipe for Value {}

#[test]
fn a_repeated_activity_id_names_its_latest_earlier_use() {
    // Activity ids a1, a2, a1, a1 (and one without an id): the third row repeats the first,
    // the fourth repeats the third.
    let doc = with(base(), |d| {
        let a = d["activities"][0].clone();
        let mut rows = Vec::new();
        for id in [Some("a1"), Some("a2"), Some("a1"), None, Some("a1")] {
            let mut r = a.clone();
            if let Some(id) = id {
                r["id"] = json!(id);
            }
            rows.push(r);
        }
        d["activities"] = json!(rows);
    });
    let p = problems_of(&doc);
    let dups: Vec<String> = p
        .errors()
        .filter(|e| e.kind == ProblemKind::DuplicateId)
        .map(|e| format!("{}: {}", e.location, e.message))
        .collect();
    assert_eq!(
        dups,
        [
            "/activities/2/id: id `a1` is already used at /activities/0/id; ids must be unique in activities",
            "/activities/4/id: id `a1` is already used at /activities/2/id; ids must be unique in activities",
        ]
    );
}

#[test]
fn a_target_metric_is_checked_by_the_check_passed_in_and_only_then() {
    // `tasks.on_tme` is no metric of the catalogue; the ledger alone does not know that.
    let doc = with(base(), |d| {
        d["targets"][0]["metric"] = json!("tasks.on_tme")
    });
    assert_error(
        doc.clone(),
        ProblemKind::MissingReference,
        "/targets/0/metric",
    );
    assert!(from_json_str(&doc.to_string()).is_ok());
    // A check of one's own is asked about dotted names with the ledger's duty and
    // indicator ids (`du`; `a`, `b2`, `c`), and its answer stands.
    fn only_on_tme(metric: &str, duties: &HashSet<&str>, indicators: &HashSet<&str>) -> bool {
        assert_eq!((duties.len(), indicators.len()), (1, 3));
        metric == "tasks.on_tme"
    }
    let mine = ValidateOptions {
        metric_ids: Some(only_on_tme),
        ..Default::default()
    };
    assert!(from_json_str_with(&doc.to_string(), &mine).is_ok());
    let catalogue = with(base(), |_| {});
    let err = from_json_str_with(&catalogue.to_string(), &mine).unwrap_err();
    let p = err.problems().unwrap();
    assert_eq!(p.errors().count(), 1, "{p}");
    // A name without a dot is an indicator id whatever the check: `x` is none.
    let undotted = with(base(), |d| d["targets"][0]["metric"] = json!("x"));
    assert!(from_json_str(&undotted.to_string()).is_err());
}
