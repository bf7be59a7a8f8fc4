//! The OpenAPI document: served as JSON, listing exactly the routes the server answers, and
//! frozen by a structural snapshot (`openapi.snapshot.txt`) so that an accidental change of
//! the API — a route, a parameter, a field, a status — fails here. After an intended change,
//! run with `KIEMDIEM_UPDATE_SNAPSHOTS=1` and review the diff of the snapshot.

use crate::support::{TestApp, api_test, expect_json};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

api_test!(every_documented_operation_is_served);

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

async fn every_documented_operation_is_served(app: &TestApp) {
    let response = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .expect("sent");
    let served = expect_json(response, StatusCode::OK).await;
    let document = serde_json::to_value(kiemdiem_web::openapi::document()).expect("document");
    assert_eq!(served, document, "the served document is the built one");
    let paths = document["paths"].as_object().expect("paths");
    assert!(paths.len() >= 15, "too few paths: {}", paths.len());
    let mut uuid_routes = 0;
    for (path, item) in paths {
        assert!(path.starts_with("/api/v1/"), "{path} outside /api/v1");
        for method in METHODS {
            if item.get(method).is_none() {
                continue;
            }
            // Any value for the path parameters: the route must exist and take the method,
            // whatever the handler then answers.
            let concrete: String = path
                .split('/')
                .map(|part| if part.starts_with('{') { "X" } else { part })
                .collect::<Vec<_>>()
                .join("/");
            let method_name = method;
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let response = app
                .request(method.clone(), &concrete)
                .header("Content-Type", "application/json")
                .body("{}")
                .send()
                .await
                .expect("sent");
            let status = response.status();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            let code = body["error"]["code"].as_str().unwrap_or("");
            assert!(
                code != "route_not_found" && code != "method_not_allowed",
                "{method} {concrete} is documented but not served ({status}: {body})"
            );
            // "X" is no UUID: a route taking one says so, naming the parameter, before anything
            // else is read.
            let uuid_parameter = item[method_name]["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|p| p["in"] == "path" && p["schema"]["format"] == "uuid");
            if let Some(parameter) = uuid_parameter {
                assert_eq!(
                    (status, code),
                    (StatusCode::BAD_REQUEST, "invalid_path"),
                    "{method} {concrete}: {body}"
                );
                assert_eq!(
                    body["error"]["field"], parameter["name"],
                    "{method} {concrete}: {body}"
                );
                assert_eq!(
                    body["error"]["message"],
                    "«X» trong đường dẫn không phải một mã định danh (UUID)",
                    "{method} {concrete}"
                );
                uuid_routes += 1;
            }
        }
    }
    assert!(
        uuid_routes >= 30,
        "only {uuid_routes} routes take a UUID in the path"
    );
}

/// One line per operation (method, path, id, parameters, body, statuses with schemas) and one
/// per schema (fields with types, `!` when required).
fn summary(document: &Value) -> String {
    let mut out = String::new();
    let paths: BTreeMap<_, _> = document["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .collect();
    for (path, item) in paths {
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let parameters: Vec<String> = operation["parameters"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .map(|p| {
                            format!(
                                "{}:{}{}",
                                p["in"].as_str().unwrap_or("?"),
                                p["name"].as_str().unwrap_or("?"),
                                if p["required"] == true { "!" } else { "" }
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let body = operation["requestBody"]["content"]
                .as_object()
                .map(|c| {
                    c.iter()
                        .map(|(t, m)| format!("{t} {}", schema_text(&m["schema"])))
                        .collect::<Vec<_>>()
                        .join(" | ")
                })
                .unwrap_or_default();
            let responses: BTreeMap<_, _> = operation["responses"]
                .as_object()
                .expect("responses")
                .iter()
                .map(|(status, r)| {
                    let schema = r["content"]["application/json"]["schema"].clone();
                    (status.clone(), schema_text(&schema))
                })
                .collect();
            let responses: Vec<String> = responses
                .into_iter()
                .map(|(s, t)| format!("{s}={t}"))
                .collect();
            let security = if operation["security"].as_array().is_some_and(|s| {
                s.iter()
                    .all(|r| r.as_object().is_some_and(|o| o.is_empty()))
            }) {
                " public"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "{} {path} {}{security} params[{}] body[{body}] responses[{}]",
                method.to_uppercase(),
                operation["operationId"].as_str().unwrap_or("?"),
                parameters.join(" "),
                responses.join(" ")
            );
        }
    }
    let schemas: BTreeMap<_, _> = document["components"]["schemas"]
        .as_object()
        .expect("schemas")
        .iter()
        .collect();
    for (name, schema) in schemas {
        let _ = writeln!(out, "schema {name} {}", schema_fields(schema));
    }
    out
}

fn schema_fields(schema: &Value) -> String {
    if let Some(parts) = schema["allOf"].as_array() {
        return parts
            .iter()
            .map(schema_fields)
            .collect::<Vec<_>>()
            .join(" + ");
    }
    let Some(properties) = schema["properties"].as_object() else {
        return schema_text(schema);
    };
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let fields: BTreeMap<_, _> = properties.iter().collect();
    let fields: Vec<String> = fields
        .into_iter()
        .map(|(name, s)| {
            format!(
                "{name}{}:{}",
                if required.contains(&name.as_str()) {
                    "!"
                } else {
                    ""
                },
                schema_text(s)
            )
        })
        .collect();
    format!("{{{}}}", fields.join(" "))
}

/// A short type text: `Ref`, `[T]`, `string`, `string|null`, `{…}` for inline objects.
fn schema_text(schema: &Value) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        return reference
            .rsplit('/')
            .next()
            .unwrap_or(reference)
            .to_string();
    }
    for combinator in ["oneOf", "anyOf", "allOf"] {
        if let Some(parts) = schema[combinator].as_array() {
            return parts.iter().map(schema_text).collect::<Vec<_>>().join("|");
        }
    }
    let types = match &schema["type"] {
        Value::String(t) => vec![t.clone()],
        Value::Array(ts) => ts
            .iter()
            .filter_map(|t| t.as_str().map(String::from))
            .collect(),
        _ => Vec::new(),
    };
    let mut text: Vec<String> = types
        .iter()
        .map(|t| match t.as_str() {
            "array" => format!("[{}]", schema_text(&schema["items"])),
            "object" if schema["properties"].is_object() => schema_fields(schema),
            "string" if schema["enum"].is_array() => {
                let values: Vec<&str> = schema["enum"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                format!("string[{}]", values.join("|"))
            }
            "string" if schema["format"].is_string() => {
                format!("string({})", schema["format"].as_str().unwrap_or(""))
            }
            other => other.to_string(),
        })
        .collect();
    if text.is_empty() {
        text.push(if schema.is_null() {
            "-".into()
        } else {
            "any".into()
        });
    }
    text.join("|")
}

#[test]
fn the_api_matches_its_snapshot() {
    let document = serde_json::to_value(kiemdiem_web::openapi::document()).expect("document");
    let actual = summary(&document);
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/api/openapi.snapshot.txt"
    );
    if std::env::var_os("KIEMDIEM_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(path, &actual).expect("write the snapshot");
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    if actual != expected {
        let diff: Vec<String> = diff_lines(&expected, &actual);
        panic!(
            "the API changed (see below); if intended, run `KIEMDIEM_UPDATE_SNAPSHOTS=1 cargo test -p kiemdiem-web --test api openapi` and commit the snapshot\n{}",
            diff.join("\n")
        );
    }
}

fn diff_lines(expected: &str, actual: &str) -> Vec<String> {
    let old: Vec<&str> = expected.lines().collect();
    let new: Vec<&str> = actual.lines().collect();
    let mut out: Vec<String> = old
        .iter()
        .filter(|l| !new.contains(l))
        .map(|l| format!("- {l}"))
        .collect();
    out.extend(
        new.iter()
            .filter(|l| !old.contains(l))
            .map(|l| format!("+ {l}")),
    );
    out
}

#[test]
fn the_document_declares_sessions_and_tokens() {
    let document = serde_json::to_value(kiemdiem_web::openapi::document()).expect("document");
    let session = &document["components"]["securitySchemes"]["session"];
    assert_eq!(session["type"], "apiKey");
    assert_eq!(session["in"], "cookie");
    assert_eq!(session["name"], "kiemdiem_session");
    let token = &document["components"]["securitySchemes"]["token"];
    assert_eq!(token["type"], "http");
    assert_eq!(token["scheme"], "bearer");
    assert_eq!(document["security"][0]["session"], serde_json::json!([]));
    assert_eq!(document["security"][1]["token"], serde_json::json!([]));
    for public in [("/api/v1/health", "get"), ("/api/v1/session", "post")] {
        let operation = &document["paths"][public.0][public.1];
        assert!(operation["responses"].get("401").is_some() == (public.0 != "/api/v1/health"));
        assert!(
            operation["responses"].get("403").is_some() == (public.0 != "/api/v1/health"),
            "{public:?}"
        );
    }
    let org = &document["paths"]["/api/v1/orgs/{code}"]["get"];
    assert!(org["responses"].get("401").is_some());
    assert!(org["responses"].get("500").is_some());
}

/// The vocabularies the document describes by hand (`api::schema`) are exactly the codes the
/// server reads and writes.
#[test]
fn described_vocabularies_match_the_real_codes() {
    let document = serde_json::to_value(kiemdiem_web::openapi::document()).expect("document");
    let described = |name: &str| -> Vec<String> {
        document["components"]["schemas"][name]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} is an enum in the document"))
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect()
    };
    let codes = |values: Vec<Value>| -> Vec<String> {
        values
            .into_iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect()
    };
    assert_eq!(
        described("Level"),
        kiemdiem_rules::Level::DESCENDING
            .iter()
            .map(|l| l.code().to_string())
            .collect::<Vec<_>>()
    );
    assert_eq!(
        described("Stage"),
        kiemdiem_app::state::Stage::ALL
            .iter()
            .map(|s| s.code().to_string())
            .collect::<Vec<_>>()
    );
    assert_eq!(
        described("Step"),
        kiemdiem_app::plan::Step::ALL
            .iter()
            .map(|s| s.code().to_string())
            .collect::<Vec<_>>()
    );
    assert_eq!(
        described("RuleSet"),
        kiemdiem_rules::RuleSetId::ALL
            .iter()
            .map(|r| r.code().to_string())
            .collect::<Vec<_>>()
    );
    assert_eq!(
        described("SubjectKind"),
        kiemdiem_rules::SubjectKind::ALL
            .iter()
            .map(|k| k.code().to_string())
            .collect::<Vec<_>>()
    );
    let sources: Vec<Value> = described("OpinionSource")
        .iter()
        .map(|code| {
            let source: kiemdiem_app::evaluation::OpinionSource =
                serde_json::from_value(Value::String(code.clone()))
                    .unwrap_or_else(|e| panic!("{code}: {e}"));
            serde_json::to_value(source).expect("serialises")
        })
        .collect();
    assert_eq!(codes(sources), described("OpinionSource"));
}

/// The document's links let a client follow create → read: each link sits on a response the
/// creating operation documents, targets an operation that exists and fills a parameter that
/// operation has.
#[test]
fn links_lead_from_creation_to_reading() {
    let document = serde_json::to_value(kiemdiem_web::openapi::document()).expect("document");
    let operations: Vec<&Value> = document["paths"]
        .as_object()
        .expect("paths")
        .values()
        .flat_map(|item| item.as_object().expect("path item").values())
        .collect();
    let by_id = |id: &str| {
        operations
            .iter()
            .copied()
            .find(|op| op["operationId"] == id)
            .unwrap_or_else(|| panic!("no operation {id}"))
    };
    let mut followed = 0;
    for (from, status, name, target, parameter, expression) in kiemdiem_web::openapi::LINKS {
        let link = &by_id(from)["responses"][*status]["links"][*name];
        assert_eq!(link["operationId"], *target, "{from} {status} {name}");
        assert_eq!(link["parameters"][*parameter], *expression, "{from} {name}");
        let parameters = by_id(target)["parameters"].as_array().expect("parameters");
        assert!(
            parameters
                .iter()
                .any(|p| p["name"] == *parameter && p["in"] == "path"),
            "{target} has no path parameter {parameter}"
        );
        followed += 1;
    }
    for main in [
        "create_plan",
        "schedule_meeting",
        "prepare_ballot",
        "create_account",
    ] {
        assert!(
            kiemdiem_web::openapi::LINKS.iter().any(|l| l.0 == main),
            "{main} links to its read"
        );
    }
    assert!(followed >= 10);
}
