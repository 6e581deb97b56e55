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
            if op.get("requestBody").is_some() {
                for code in ["400", "413", "415", "422"] {
                    assert!(responses.contains_key(code), "{method} {path} lacks {code}");
                }
            }
            if op.get("security").is_some() {
                assert!(responses.contains_key("401"), "{method} {path} lacks 401");
            }
        }
    }
}
