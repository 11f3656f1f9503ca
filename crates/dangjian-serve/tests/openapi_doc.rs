//! `docs/openapi.json` is the document the service serves, generated from its types
//! (`DANGJIAN_BLESS=1 cargo test -p dangjian-serve --test openapi_doc` writes it anew).

#[test]
fn docs_openapi_json_is_the_generated_document() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    let want = dangjian::output::json_text(&dangjian_serve::openapi::document()).unwrap();
    if std::env::var_os("DANGJIAN_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/openapi.json is not the generated document; write it anew with \
         DANGJIAN_BLESS=1 cargo test -p dangjian-serve --test openapi_doc"
    );
}

#[test]
fn every_write_takes_its_table_rows_and_every_path_answers_errors_as_json() {
    let doc = dangjian_serve::openapi::document();
    for t in ["activities", "progress", "observations"] {
        let body = &doc["paths"][format!("/api/v1/{t}")]["post"]["requestBody"]["content"]
            ["application/json"]["schema"];
        assert_eq!(body["$ref"], format!("#/components/schemas/{t}_rows"));
        let rows = &doc["components"]["schemas"][format!("{t}_rows")];
        assert_eq!(rows["type"], "array");
    }
    // The id every activity row needs, a progress row's key columns.
    let act = &doc["components"]["schemas"]["activities_rows"]["items"];
    assert!(act["required"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "id"));
    let prog = &doc["components"]["schemas"]["progress_rows"]["items"]["required"];
    assert!(prog.as_array().unwrap().iter().any(|c| c == "initiative"));
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            for (status, answer) in op["responses"].as_object().unwrap() {
                if status.starts_with('4') {
                    assert!(
                        answer["content"]["application/json"]["schema"].is_object(),
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }
}
