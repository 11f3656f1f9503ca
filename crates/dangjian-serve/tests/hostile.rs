//! docs/SERVICE.md, "Hostile input": any body, header or query gives a 4xx with a message,
//! never a 5xx, a panic or a half-written change. Deterministic pseudo-random inputs (a
//! fixed seed), against a real server on 127.0.0.1.

mod common;

use common::{json, serve_ledger};
use dangjian_serve::Limits;

/// xorshift64*: the same inputs on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }

    fn pick<'a>(&mut self, of: &[&'a str]) -> &'a str {
        of[self.next() as usize % of.len()]
    }
}

/// Pieces of JSON that make mutated bodies reach the row checks.
const PIECES: [&str; 16] = [
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "\"id\"",
    "\"kind\"",
    "\"date\"",
    "\"subject\"",
    "\"patrol\"",
    "\"2019-07-30\"",
    "\"huachuan_road\"",
    "null",
    "1e999",
    "\"\\u0000\"",
];

#[test]
fn hostile_bodies_headers_and_queries_answer_4xx_and_store_nothing() {
    let s = serve_ledger(
        &dangjian::example(),
        "ledger.sqlite",
        Limits {
            max_body: 64 << 10,
            max_rows: 100,
        },
    );
    let n0 = dangjian::load(s.dir.path("ledger.sqlite"))
        .unwrap()
        .activities
        .len();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let check = |what: &str, r: reqwest::blocking::Response| {
        let status = r.status();
        let body = r.text().unwrap_or_default();
        assert!(
            status.is_client_error() || status.is_success(),
            "{what}: {status} {body}"
        );
        if status.is_client_error() {
            let v: serde_json::Value = serde_json::from_str(&body)
                .unwrap_or_else(|_| panic!("{what}: {status} not JSON: {body}"));
            assert!(
                v["error"].is_string() || v["problems"].is_array(),
                "{what}: {body}"
            );
        }
        status
    };
    // Bodies: random bytes, and random sequences of JSON pieces.
    for i in 0..300 {
        let path = rng.pick(&[
            "/api/v1/activities",
            "/api/v1/progress",
            "/api/v1/observations",
        ]);
        let body = if i % 2 == 0 {
            let n = (rng.next() % 300) as usize;
            rng.bytes(n)
        } else {
            let n = (rng.next() % 40) as usize;
            (0..n)
                .map(|_| rng.pick(&PIECES))
                .collect::<String>()
                .into_bytes()
        };
        let r = s
            .client
            .post(s.url(path))
            .bearer_auth(s.token("writer"))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .unwrap();
        let status = check(
            &format!("POST {path} {:?}", String::from_utf8_lossy(&body)),
            r,
        );
        assert_ne!(
            status,
            reqwest::StatusCode::CREATED,
            "{:?}",
            String::from_utf8_lossy(&body)
        );
    }
    // Headers.
    let long = "x".repeat(6000);
    for auth in [
        "Bearer".to_string(),
        "Bearer ".to_string(),
        format!("Bearer {long}"),
        "Basic !!!".to_string(),
        "Basic Og==".to_string(),     // ":"
        "Basic cm9vdA==".to_string(), // "root", no password
        "Digest x".to_string(),
        "  ".to_string(),
    ] {
        let r = s
            .client
            .get(s.url("/api/v1/report"))
            .header("authorization", auth.as_str())
            .send()
            .unwrap();
        assert_eq!(check(&auth, r), reqwest::StatusCode::UNAUTHORIZED, "{auth}");
    }
    let r = s
        .client
        .get(s.url("/api/v1/report"))
        .header(
            "authorization",
            reqwest::header::HeaderValue::from_bytes(b"Bearer \xff\xfe").unwrap(),
        )
        .send()
        .unwrap();
    assert_eq!(
        check("non-UTF-8 token", r),
        reqwest::StatusCode::UNAUTHORIZED
    );
    // Queries: random percent-encoded bytes as names and values.
    for _ in 0..200 {
        let (nk, nv) = (1 + (rng.next() % 12) as usize, (rng.next() % 20) as usize);
        let k: String = rng.bytes(nk).iter().map(|b| format!("%{b:02X}")).collect();
        let v: String = rng.bytes(nv).iter().map(|b| format!("%{b:02X}")).collect();
        let name = rng
            .pick(&[
                "as_of",
                "from",
                "scope",
                "by",
                "metrics",
                "young_age",
                "at_risk_tolerance",
                &k,
            ])
            .to_string();
        let path = rng.pick(&[
            "/api/v1/report",
            "/api/v1/tasks",
            "/",
            "/api/v1/stats/org_life",
        ]);
        let url = format!("{}?{name}={v}", s.url(path));
        let r = s
            .client
            .get(&url)
            .bearer_auth(s.token("root"))
            .send()
            .unwrap();
        check(&url, r);
    }
    let r = s.get(
        "root",
        &format!("/api/v1/report?as_of={}", "9".repeat(9000)),
    );
    check("a long query", r);
    let r = s.get("root", "/api/v1/%ff%00/../report");
    check("a strange path", r);
    // Nothing of it was stored, and the service still answers.
    assert_eq!(
        dangjian::load(s.dir.path("ledger.sqlite"))
            .unwrap()
            .activities
            .len(),
        n0
    );
    assert_eq!(
        json(s.get("root", "/api/v1/changes"))["changes"],
        serde_json::json!([])
    );
}
