//! The reads of docs/SERVICE.md against a real server on 127.0.0.1: authentication,
//! scopes, the answers as the command line writes them, and 400 for a bad query.

mod common;

use common::{example_json, json};
use dangjian::metrics::{Engine, Query};
use dangjian::output::{DataFormat, Output};
use reqwest::StatusCode;

#[test]
fn healthz_needs_no_token() {
    let s = example_json();
    let r = s.client.get(s.url("/healthz")).send().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json(r)["status"], "ok");
    // It takes no query parameter: one is a 400, as everywhere.
    let r = s.client.get(s.url("/healthz?x=1")).send().unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[test]
fn no_token_or_an_unknown_one_is_401_with_a_basic_challenge() {
    let s = example_json();
    for path in [
        "/api/v1/report",
        "/",
        "/api/v1/openapi.json",
        "/api/v1/catalogue",
    ] {
        let r = s.client.get(s.url(path)).send().unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert!(r.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Basic"));
        assert!(json(r)["error"].as_str().unwrap().contains("token"));
    }
    let r = s
        .client
        .get(s.url("/api/v1/report"))
        .bearer_auth("not-a-token")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // The right token under another token's name.
    let r = s
        .client
        .get(s.url("/api/v1/report"))
        .basic_auth("reader", Some(s.token("root")))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[test]
fn basic_auth_with_the_token_name_opens_the_page() {
    let s = example_json();
    let r = s
        .client
        .get(s.url("/"))
        .basic_auth("root", Some(s.token("root")))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let page = r.text().unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("城西新区"));
    // No token in the page, nor the server's folder.
    assert!(!page.contains(s.token("root")));
    assert!(!page.contains(s.dir.0.to_str().unwrap()));
}

#[test]
fn the_report_is_what_the_command_line_writes() {
    let s = example_json();
    let l = dangjian::example();
    let engine = Engine::new(&l);
    let q = Query {
        as_of: chrono::NaiveDate::from_ymd_opt(2019, 7, 31),
        by: Some(dangjian::model::UnitKind::Area),
        ..Query::default()
    };
    let want = dangjian::output::report_json(&engine.evaluate(&q).unwrap()).unwrap();
    let r = s.get("root", "/api/v1/report?as_of=2019-07-31&by=area");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/json");
    assert_eq!(r.text().unwrap(), want);
    // Any date spelling a ledger accepts.
    let r = s.get("root", "/api/v1/report?as_of=2019%2F7%2F31&by=area");
    assert_eq!(r.text().unwrap(), want);
}

#[test]
fn drill_downs_answer_json_and_csv_as_the_command_line() {
    let s = example_json();
    let l = dangjian::example();
    let engine = Engine::new(&l);
    let q = Query::default();
    for (path, o) in [
        ("tasks", Output::Tasks),
        ("duties", Output::Duties),
        ("coverage", Output::Coverage),
        ("cadres", Output::Cadres),
    ] {
        let want = dangjian::output::drill_down(&l, &engine, o, &q, DataFormat::Json).unwrap();
        let r = s.get("root", &format!("/api/v1/{path}"));
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.text().unwrap(), want, "{path}");
        let want = dangjian::output::drill_down(&l, &engine, o, &q, DataFormat::Csv).unwrap();
        let r = s.get("root", &format!("/api/v1/{path}?format=csv"));
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        assert_eq!(r.text().unwrap(), want, "{path} csv");
    }
}

#[test]
fn stats_and_catalogue_answer_as_the_command_line() {
    let s = example_json();
    let l = dangjian::example();
    let engine = Engine::new(&l);
    for t in dangjian::stats::StatsTable::ALL {
        let want = dangjian::output::stats_json(&engine, t, &Query::default()).unwrap();
        let r = s.get("root", &format!("/api/v1/stats/{}", t.id()));
        assert_eq!(r.text().unwrap(), want);
    }
    let r = s.get("root", "/api/v1/stats/nope");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let want = dangjian::output::catalogue_json(&dangjian::metrics::catalogue_for(&l)).unwrap();
    assert_eq!(s.get("reader", "/api/v1/catalogue").text().unwrap(), want);
}

#[test]
fn a_token_sees_its_scope_by_default_and_403_outside_it() {
    let s = example_json();
    let r = json(s.get("reader", "/api/v1/report"));
    assert_eq!(r["scope"]["id"], "huachuan_area");
    // A unit below its scope: yes.
    let r = s.get("reader", "/api/v1/report?scope=shangxie");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json(r)["scope"]["id"], "shangxie");
    // Above or beside: 403, whatever the endpoint.
    for path in [
        "/api/v1/report?scope=chengxi",
        "/api/v1/tasks?scope=lidian_area",
        "/api/v1/stats/org_life?scope=lidian",
        "/?scope=chengxi",
    ] {
        let r = s.get("reader", path);
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
        assert!(json(r)["error"].as_str().unwrap().contains("outside"));
    }
    // The drill-downs of a scoped token hold only its rows.
    let rows = json(s.get("reader", "/api/v1/tasks"))["rows"].clone();
    let root_rows = json(s.get("root", "/api/v1/tasks"))["rows"].clone();
    assert!(rows.as_array().unwrap().len() < root_rows.as_array().unwrap().len());
}

#[test]
fn a_bad_query_is_400_with_a_message_never_the_default() {
    let s = example_json();
    for (path, says) in [
        (
            "/api/v1/report?asof=2019-07-31",
            "unknown query parameter `asof`",
        ),
        ("/api/v1/report?as_of=2019-13-45", "as_of"),
        ("/api/v1/report?as_of=2019-07-31&as_of=2019-07-30", "twice"),
        ("/api/v1/report?scope=nowhere_at_all", "not a unit"),
        ("/api/v1/report?scope=p_zhumin", "not a unit"),
        ("/api/v1/report?by=galaxy", "galaxy"),
        ("/api/v1/report?metrics=nosuch.metric", "nosuch.metric"),
        ("/api/v1/report?from=2019-08-01&as_of=2019-07-31", "after"),
        ("/api/v1/report?young_age=old", "young_age"),
        ("/api/v1/tasks?format=xml", "format"),
        (
            "/api/v1/catalogue?scope=chengxi",
            "takes no query parameters",
        ),
        ("/api/v1/report?%FF%FE=1", "unknown query parameter"),
    ] {
        let r = s.get("root", path);
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(r.headers()["content-type"], "application/json");
        let msg = json(r)["error"].as_str().unwrap().to_string();
        assert!(msg.contains(says), "{path}: {msg}");
    }
}

#[test]
fn unknown_paths_and_methods_answer_json() {
    let s = example_json();
    let r = s.get("root", "/api/v1/nothing");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(json(r)["error"].is_string());
    let r = s
        .client
        .delete(s.url("/api/v1/report"))
        .bearer_auth(s.token("root"))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(json(r)["error"].is_string());
}

#[test]
fn the_openapi_document_is_3_1_and_lists_every_endpoint() {
    let s = example_json();
    let doc = json(s.get("reader", "/api/v1/openapi.json"));
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/healthz",
        "/",
        "/api/v1/report",
        "/api/v1/tasks",
        "/api/v1/duties",
        "/api/v1/coverage",
        "/api/v1/cadres",
        "/api/v1/stats/{name}",
        "/api/v1/catalogue",
        "/api/v1/openapi.json",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    // The report's rows are the core's schema of the report.
    assert_eq!(
        doc["paths"]["/api/v1/report"]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"]["$ref"],
        "#/components/schemas/report"
    );
    assert_eq!(
        doc["components"]["schemas"]["report"]["properties"]["format"]["const"],
        "dangjian-report/1"
    );
}

#[test]
fn no_auth_is_refused_unless_the_address_is_loopback() {
    let dir = common::Dir::new("noauth");
    let data = dir.path("ledger.json");
    dangjian::save(&dangjian::example(), &data).unwrap();
    let opts = |listen: &str| dangjian_serve::Options {
        data: data.clone(),
        listen: listen.parse().unwrap(),
        no_auth: true,
        ..Default::default()
    };
    // Refused before anything is bound.
    for addr in ["0.0.0.0:0", "[::]:0", "192.0.2.1:0"] {
        let e = dangjian_serve::Server::start(&opts(addr)).err().unwrap();
        assert!(e.to_string().contains("loopback"), "{addr}: {e}");
    }
    let s = dangjian_serve::Server::start(&opts("127.0.0.1:0")).unwrap();
    let r = reqwest::blocking::get(format!("http://{}/api/v1/report", s.addr())).unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[test]
fn a_token_added_while_the_service_runs_works_without_a_restart() {
    let s = example_json();
    let path = s.dir.path("tokens.toml");
    let mut file = dangjian_serve::tokens::Tokens::read(&path).unwrap();
    let fresh = file
        .add("late", "lidian_area", dangjian_serve::tokens::Right::Read)
        .unwrap();
    file.write(&path).unwrap();
    let r = s
        .client
        .get(s.url("/api/v1/report"))
        .bearer_auth(&fresh)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json(r)["scope"]["id"], "lidian_area");
    // The file holds its hash, never the token.
    assert!(!std::fs::read_to_string(&path).unwrap().contains(&fresh));
}
