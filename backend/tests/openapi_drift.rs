//! The committed `openapi.yaml` must be exactly what the code generates.
//! Regenerate with `make openapi` (runs `interviewos export-openapi`).
#[test]
fn committed_spec_matches_the_code() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.yaml"))
            .expect("openapi.yaml at the repository root");
    let generated = interviewos::openapi::yaml();
    if committed != generated {
        let first = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(committed.lines().count().min(generated.lines().count()));
        panic!(
            "openapi.yaml is out of date (first difference at line {}). Run `make openapi` and commit the result.",
            first + 1
        );
    }
}

#[test]
fn every_operation_documents_its_errors() {
    let spec = interviewos::openapi::spec();
    let json = serde_json::to_value(&spec).unwrap();
    for (path, item) in json["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            if path.starts_with("/api/") {
                assert!(responses.contains_key("500"), "{method} {path} lacks 500");
                assert!(responses.contains_key("503"), "{method} {path} lacks 503");
            }
            // The Stripe webhook reads raw bytes (no JSON extractor): 400/413 only.
            let body_codes: &[&str] = if op["operationId"] == "webhook" {
                &["400", "413"]
            } else {
                &["400", "413", "415", "422"]
            };
            if op.get("requestBody").is_some() {
                for code in body_codes {
                    assert!(
                        responses.contains_key(*code),
                        "{method} {path} lacks {code}"
                    );
                }
            }
            // Every documented status is one the operation can really answer: 422 needs a JSON body
            // or query parameters (a malformed path id is a 404), 415 a JSON body.
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let has_query = params.iter().any(|p| p["in"] == "query");
            let json_body = op.get("requestBody").is_some() && op["operationId"] != "webhook";
            if responses.contains_key("422") {
                assert!(
                    json_body || has_query,
                    "{method} {path} documents a 422 it cannot answer"
                );
            }
            if responses.contains_key("415") {
                assert!(
                    json_body,
                    "{method} {path} documents a 415 it cannot answer"
                );
            }
            if op.get("security").is_some() {
                assert!(responses.contains_key("401"), "{method} {path} lacks 401");
            }
        }
    }
}
