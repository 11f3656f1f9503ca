//! The writes of docs/SERVICE.md against a real server on 127.0.0.1 over an SQLite ledger:
//! all or nothing, re-sends unchanged, 409, 422 with pointers, 400, 413, 415, scopes, the
//! change log, the whole ledger with a dry run, and reads that see every answered write.

mod common;

use common::{json, serve_ledger, Running};
use dangjian::metrics::{Engine, Query};
use dangjian_serve::Limits;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn example_db() -> Running {
    serve_ledger(&dangjian::example(), "ledger.sqlite", Limits::default())
}

/// POST a JSON body with `who`'s token.
fn post(s: &Running, who: &str, path: &str, body: &Value) -> reqwest::blocking::Response {
    s.client
        .post(s.url(path))
        .bearer_auth(s.token(who))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .unwrap()
}

/// The ledger as stored in the database, read by another reader of the file.
fn stored(s: &Running) -> dangjian::Ledger {
    dangjian::load(s.dir.path("ledger.sqlite")).unwrap()
}

fn patrol(id: &str, subject: &str, date: &str) -> Value {
    json!({"id": id, "kind": "patrol", "date": date, "subject": subject})
}

#[test]
fn posted_patrols_are_stored_and_every_later_read_sees_them() {
    let s = example_db();
    let before = s
        .get("root", "/api/v1/duties?as_of=2019-07-31")
        .text()
        .unwrap();
    let r = post(
        &s,
        "writer",
        "/api/v1/activities",
        &json!([
            patrol("w1", "huachuan_road", "2019-07-30"),
            patrol("w2", "huachuan_road", "2019-07-31")
        ]),
    );
    assert_eq!(r.status(), StatusCode::CREATED);
    let a = json(r);
    assert_eq!(
        (a["added"].as_u64(), a["unchanged"].as_u64()),
        (Some(2), Some(0))
    );
    assert_eq!(a["change"], 1);
    // On disk before the answer: another reader of the file finds them.
    let l = stored(&s);
    assert_eq!(l.activities.len(), dangjian::example().activities.len() + 2);
    assert!(l
        .activities
        .iter()
        .any(|x| x.id.as_ref().is_some_and(|i| i.text() == "w2")));
    // The reads answer for the ledger as stored, as the command line would.
    let engine = Engine::new(&l);
    let q = Query {
        as_of: chrono::NaiveDate::from_ymd_opt(2019, 7, 31),
        ..Query::default()
    };
    let after = s
        .get("root", "/api/v1/duties?as_of=2019-07-31")
        .text()
        .unwrap();
    assert_ne!(after, before);
    assert_eq!(
        after,
        dangjian::output::drill_down(
            &l,
            &engine,
            dangjian::output::Output::Duties,
            &q,
            dangjian::output::DataFormat::Json
        )
        .unwrap()
    );
    assert_eq!(
        s.get("root", "/api/v1/report?as_of=2019-07-31")
            .text()
            .unwrap(),
        dangjian::output::report_json(&engine.evaluate(&q).unwrap()).unwrap()
    );
}

#[test]
fn a_request_sent_again_is_unchanged_and_stores_nothing_twice() {
    let s = example_db();
    let body = json!([patrol("again1", "huachuan_road", "2019-07-30")]);
    assert_eq!(
        post(&s, "writer", "/api/v1/activities", &body).status(),
        StatusCode::CREATED
    );
    let r = post(&s, "writer", "/api/v1/activities", &body);
    assert_eq!(r.status(), StatusCode::CREATED);
    let a = json(r);
    assert_eq!(
        (a["added"].as_u64(), a["unchanged"].as_u64()),
        (Some(0), Some(1))
    );
    let n = stored(&s)
        .activities
        .iter()
        .filter(|x| x.id.as_ref().is_some_and(|i| i.text() == "again1"))
        .count();
    assert_eq!(n, 1);
    // Progress and observations are keyed: the same key and content is unchanged too.
    let p = json!([{"initiative": "task_muchangjiang_housing", "date": "2019-07-31", "percent": 6, "x_source": "filler"}]);
    let a = json(post(&s, "writer", "/api/v1/progress", &p));
    assert_eq!(
        (a["added"].as_u64(), a["unchanged"].as_u64()),
        (Some(0), Some(1)),
        "{a}"
    );
}

#[test]
fn the_same_id_with_other_content_is_409_naming_the_row_and_nothing_is_stored() {
    let s = example_db();
    assert_eq!(
        post(
            &s,
            "writer",
            "/api/v1/activities",
            &json!([patrol("c1", "huachuan_road", "2019-07-30")])
        )
        .status(),
        StatusCode::CREATED
    );
    let r = post(
        &s,
        "writer",
        "/api/v1/activities",
        &json!([
            patrol("c2", "huachuan_road", "2019-07-30"),
            patrol("c1", "huachuan_road", "2019-07-29")
        ]),
    );
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let a = json(r);
    assert_eq!(a["conflicts"][0]["pointer"], "/1", "{a}");
    assert!(a["error"].is_string());
    // All or nothing: c2, though fine, is not stored.
    assert!(!stored(&s)
        .activities
        .iter()
        .any(|x| x.id.as_ref().is_some_and(|i| i.text() == "c2")));
}

#[test]
fn every_problem_comes_at_once_as_422_located_by_json_pointer() {
    let s = example_db();
    let n0 = stored(&s).activities.len();
    let r = post(
        &s,
        "writer",
        "/api/v1/activities",
        &json!([
            patrol("p1", "huachuan_road", "2019-07-30"),
            patrol("p2", "huachuan_road", "2019-02-30"),
            patrol("p3", "no_such_road", "2019-07-30"),
        ]),
    );
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let a = json(r);
    let locations: Vec<&str> = a["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["location"].as_str().unwrap())
        .collect();
    assert!(locations.contains(&"/1/date"), "{a}");
    assert!(locations.contains(&"/2/subject"), "{a}");
    for p in a["problems"].as_array().unwrap() {
        assert_eq!(p["severity"], "error");
        assert!(!p["message"].as_str().unwrap().is_empty());
    }
    assert_eq!(stored(&s).activities.len(), n0);
}

#[test]
fn a_body_not_json_or_not_an_array_of_objects_is_400() {
    let s = example_db();
    for body in [
        "not json",
        "{\"id\": \"x\"}",
        "",
        "[{\"id\": \"x\"}",
        "null",
    ] {
        let r = s
            .client
            .post(s.url("/api/v1/activities"))
            .bearer_auth(s.token("writer"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{body}");
        assert!(json(r)["error"].is_string());
    }
    // An array whose rows are not objects is an array: each row is a problem (422) at
    // its place.
    let r = post(&s, "writer", "/api/v1/activities", &json!([1, 2]));
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(r)["problems"][0]["location"], "/0");
    let r = s
        .client
        .post(s.url("/api/v1/activities"))
        .bearer_auth(s.token("writer"))
        .header("content-type", "application/json")
        .body(vec![0xff, 0xfe, b'['])
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[test]
fn another_content_type_is_415() {
    let s = example_db();
    for ct in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut req = s
            .client
            .post(s.url("/api/v1/activities"))
            .bearer_auth(s.token("writer"))
            .body(json!([patrol("t1", "huachuan_road", "2019-07-30")]).to_string());
        if let Some(ct) = ct {
            req = req.header("content-type", ct);
        }
        let r = req.send().unwrap();
        assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{ct:?}");
        assert!(json(r)["error"].is_string());
    }
    // A charset is fine.
    let r = s
        .client
        .post(s.url("/api/v1/activities"))
        .bearer_auth(s.token("writer"))
        .header("content-type", "application/json; charset=utf-8")
        .body(json!([patrol("t1", "huachuan_road", "2019-07-30")]).to_string())
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
}

#[test]
fn a_body_over_the_limit_or_too_many_rows_is_413_and_stores_nothing() {
    let s = serve_ledger(
        &dangjian::example(),
        "ledger.sqlite",
        Limits {
            max_body: 1000,
            max_rows: 3,
        },
    );
    let n0 = stored(&s).activities.len();
    let big: Vec<Value> = (0..20)
        .map(|i| patrol(&format!("big{i}"), "huachuan_road", "2019-07-30"))
        .collect();
    let r = post(&s, "writer", "/api/v1/activities", &Value::Array(big));
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(json(r)["error"].as_str().unwrap().contains("1000"));
    let four: Vec<Value> = (0..4)
        .map(|i| patrol(&format!("r{i}"), "huachuan_road", "2019-07-30"))
        .collect();
    let r = post(&s, "writer", "/api/v1/activities", &Value::Array(four));
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(json(r)["error"].as_str().unwrap().contains("rows"));
    // A body without a length (chunked) is cut at the limit too. The server may close the
    // connection while the client still sends: then the client sees no answer, and tries
    // again.
    let r = (0..5)
        .find_map(|_| {
            let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
                (0..11).map(|_| Ok([b' '; 100].to_vec())).collect();
            s.client
                .post(s.url("/api/v1/activities"))
                .bearer_auth(s.token("writer"))
                .header("content-type", "application/json")
                .body(reqwest::blocking::Body::new(ChunkReader(
                    chunks.into_iter(),
                )))
                .send()
                .ok()
        })
        .expect("an answer to a chunked body");
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(stored(&s).activities.len(), n0);
}

/// A body read in pieces, sent without a length.
struct ChunkReader<I>(I);

impl<I: Iterator<Item = Result<Vec<u8>, std::io::Error>>> std::io::Read for ChunkReader<I> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.0.next() {
            None => Ok(0),
            Some(Err(e)) => Err(e),
            Some(Ok(c)) => {
                let n = c.len().min(buf.len());
                buf[..n].copy_from_slice(&c[..n]);
                Ok(n)
            }
        }
    }
}

#[test]
fn rights_and_scopes_limit_writes() {
    let s = example_db();
    let n0 = stored(&s).activities.len();
    // A read token may not write.
    let r = post(
        &s,
        "reader",
        "/api/v1/activities",
        &json!([patrol("s1", "huachuan_road", "2019-07-30")]),
    );
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // A scoped token may write in its subtree only: one row outside refuses the request.
    let r = post(
        &s,
        "huachuan",
        "/api/v1/activities",
        &json!([
            patrol("s2", "huachuan_road", "2019-07-30"),
            patrol("s3", "xizhou_road", "2019-07-30")
        ]),
    );
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(json(r)["error"].as_str().unwrap().contains("xizhou_road"));
    assert_eq!(stored(&s).activities.len(), n0);
    let r = post(
        &s,
        "huachuan",
        "/api/v1/activities",
        &json!([patrol("s2", "huachuan_road", "2019-07-30")]),
    );
    assert_eq!(r.status(), StatusCode::CREATED);
    // Observations of a unit outside, progress of a task outside: 403 as well.
    let r = post(
        &s,
        "huachuan",
        "/api/v1/observations",
        &json!([{"indicator": "lotus_area", "unit": "lidian", "date": "2019-07-20", "value": 1}]),
    );
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "{}", r.text().unwrap());
    // No token: 401.
    let r = s
        .client
        .post(s.url("/api/v1/activities"))
        .header("content-type", "application/json")
        .body("[]")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[test]
fn a_ledger_that_is_not_a_database_is_served_read_only() {
    let s = common::example_json();
    let r = post(
        &s,
        "root",
        "/api/v1/activities",
        &json!([patrol("ro", "huachuan_road", "2019-07-30")]),
    );
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(json(r)["error"].as_str().unwrap().contains(".sqlite"));
}

#[test]
fn ids_that_look_like_sql_are_stored_as_they_are() {
    let s = example_db();
    let id = "x'); DROP TABLE activities; --";
    let r = post(
        &s,
        "writer",
        "/api/v1/activities",
        &json!([patrol(id, "huachuan_road", "2019-07-30")]),
    );
    assert_eq!(r.status(), StatusCode::CREATED);
    let l = stored(&s);
    assert!(l
        .activities
        .iter()
        .any(|x| x.id.as_ref().is_some_and(|i| i.text() == id)));
    assert!(l.activities.len() > 1000);
}

#[test]
fn every_stored_write_is_in_the_change_log_for_admins() {
    let s = example_db();
    post(
        &s,
        "writer",
        "/api/v1/activities",
        &json!([patrol("l1", "huachuan_road", "2019-07-30")]),
    );
    post(
        &s,
        "huachuan",
        "/api/v1/activities",
        &json!([
            patrol("l1", "huachuan_road", "2019-07-30"),
            patrol("l2", "huachuan_road", "2019-07-31")
        ]),
    );
    let log = json(s.get("root", "/api/v1/changes"));
    let c = log["changes"].as_array().unwrap();
    assert_eq!(c.len(), 2, "{log}");
    assert_eq!(c[0]["number"], 1);
    assert_eq!(c[0]["token"], "writer");
    assert_eq!(c[0]["kind"], "append");
    assert_eq!(c[0]["table"], "activities");
    assert_eq!(
        (c[1]["added"].as_u64(), c[1]["unchanged"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(c[1]["token"], "huachuan");
    assert!(c[1]["time"].as_str().unwrap().starts_with("20"));
    let after = json(s.get("root", "/api/v1/changes?after=1"));
    assert_eq!(after["changes"].as_array().unwrap().len(), 1);
    assert_eq!(
        s.get("writer", "/api/v1/changes").status(),
        StatusCode::FORBIDDEN
    );
    // An admin of one area: the log names every token's writes, wherever; not for it.
    assert_eq!(
        s.get("area_admin", "/api/v1/changes").status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        s.get("root", "/api/v1/changes?after=x").status(),
        StatusCode::BAD_REQUEST
    );
}

#[test]
fn a_whole_ledger_replaces_the_stored_one_after_a_dry_run() {
    let s = example_db();
    let mut l = dangjian::example();
    l.activities.truncate(l.activities.len() - 10);
    let put = |who: &str, q: &str, ct: &str, body: Vec<u8>| {
        s.client
            .put(s.url(&format!("/api/v1/ledger{q}")))
            .bearer_auth(s.token(who))
            .header("content-type", ct)
            .body(body)
            .send()
            .unwrap()
    };
    let body = dangjian::ledger::to_json_string(&l).into_bytes();
    let r = put("root", "?dry_run=true", "application/json", body.clone());
    assert_eq!(r.status(), StatusCode::OK);
    let a = json(r);
    assert_eq!(a["dry_run"], true);
    assert!(a["change"].is_null());
    let acts = a["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["table"] == "activities")
        .unwrap()
        .clone();
    assert_eq!(acts["removed"], 10);
    assert_eq!(acts["added"], 0);
    // Nothing changed.
    assert_eq!(
        stored(&s).activities.len(),
        dangjian::example().activities.len()
    );
    // Only an admin of the whole ledger.
    assert_eq!(
        put("writer", "", "application/json", body.clone()).status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        put("root", "", "text/csv", body.clone()).status(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    let r = put("root", "", "application/json", body);
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json(r)["change"], 1);
    assert_eq!(stored(&s).activities.len(), l.activities.len());
    // A workbook too, its problems located by cell.
    let xlsx = dangjian::ledger::to_xlsx_bytes(&dangjian::example()).unwrap();
    let r = put("root", "", dangjian_serve::XLSX, xlsx);
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().unwrap());
    assert_eq!(
        stored(&s).activities.len(),
        dangjian::example().activities.len()
    );
    let mut bad = dangjian::example();
    bad.units[3].parent = Some(dangjian::model::UnitId::new("nowhere"));
    let xlsx = dangjian::ledger::to_xlsx_bytes(&bad).unwrap();
    let r = put("root", "", dangjian_serve::XLSX, xlsx);
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let a = json(r);
    assert!(
        a["problems"][0]["location"]
            .as_str()
            .unwrap()
            .starts_with("units!"),
        "{a}"
    );
    let r = put("root", "", dangjian_serve::XLSX, b"not a workbook".to_vec());
    assert!(r.status().is_client_error());
}

#[test]
fn warnings_do_not_block_a_write_and_come_back_in_the_201() {
    let s = example_db();
    // 陈天云, the road chief of 西周路, listed twice: counted once, said as a warning.
    let row = json!({"id": "warn1", "kind": "patrol", "date": "2019-07-30",
                     "subject": "xizhou_road", "people": ["p_chentianyun", "p_chentianyun"]});
    let r = post(&s, "writer", "/api/v1/activities", &json!([row]));
    assert_eq!(r.status(), StatusCode::CREATED);
    let a = json(r);
    assert_eq!(a["added"], 1);
    assert_eq!(a["warnings"][0]["location"], "/0/people", "{a}");
    assert_eq!(a["warnings"][0]["severity"], "warning");
    assert!(a["warnings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("twice"));
}

#[test]
fn a_row_outside_the_scope_is_403_before_a_conflict_or_a_problem_could_tell_what_is_stored() {
    // fanzhai (lidian_area) has a stored population of 1610 on 2018-12-31: a token of
    // huachuan_area sending another value used to get 409 with the stored value in it.
    let s = example_db();
    let row =
        json!([{"indicator": "population", "unit": "fanzhai", "date": "2018-12-31", "value": 0}]);
    let r = post(&s, "huachuan", "/api/v1/observations", &row);
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let text = r.text().unwrap();
    assert!(!text.contains("1610"), "{text}");
    assert!(
        text.contains("fanzhai") && text.contains("huachuan_area"),
        "{text}"
    );
    // The same with a bad date: 403, not 422.
    let row =
        json!([{"indicator": "population", "unit": "fanzhai", "date": "2018-13-31", "value": 0}]);
    assert_eq!(
        post(&s, "huachuan", "/api/v1/observations", &row).status(),
        StatusCode::FORBIDDEN
    );
    // A token of the whole ledger gets the conflict.
    let row =
        json!([{"indicator": "population", "unit": "fanzhai", "date": "2018-12-31", "value": 0}]);
    assert_eq!(
        post(&s, "root", "/api/v1/observations", &row).status(),
        StatusCode::CONFLICT
    );
}

#[test]
fn a_whole_ledger_that_would_lock_its_admin_out_is_refused() {
    let s = example_db();
    let put = |body: String| {
        s.client
            .put(s.url("/api/v1/ledger"))
            .bearer_auth(s.token("root"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .unwrap()
    };
    // No units at all, then a ledger whose root is not `chengxi` (the root token's scope).
    let r = put(r#"{"format": "dangjian-ledger/1"}"#.to_string());
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(json(r)["error"]
        .as_str()
        .unwrap()
        .starts_with("the new ledger has no units"));
    let other = r#"{"format": "dangjian-ledger/1", "units": [{"id": "elsewhere", "kind": "district", "name": "别处"}]}"#;
    let r = put(other.to_string());
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(json(r)["error"]
        .as_str()
        .unwrap()
        .starts_with("the new ledger's root is `elsewhere`, not `chengxi`"));
    // Nothing replaced: reads still answer.
    assert_eq!(
        stored(&s).activities.len(),
        dangjian::example().activities.len()
    );
    let r = s
        .client
        .get(s.url("/api/v1/report"))
        .bearer_auth(s.token("root"))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}
