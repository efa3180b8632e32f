//! What every operation can answer besides its own responses, added to the OpenAPI document
//! once instead of repeated on every handler: errors are `application/problem+json` (SPEC §9),
//! and the HTTP layer's refusals (malformed request, body too large, URI too long, wrong
//! media type, database unavailable) can come from any route. Without them a client generated
//! from the document, or a schema checker such as schemathesis, meets answers the document
//! never mentioned.

use serde_json::{Map, Value, json};

const PROBLEM: &str = "application/problem+json";

/// Answers any operation may give, with why.
const COMMON: &[(&str, &str)] = &[
    ("400", "Malformed request: JSON, query string or header"),
    ("414", "Path or query string too long"),
    (
        "422",
        "A field of the path, query or body failed validation; `errors` names it",
    ),
    (
        "503",
        "The database is unavailable; retry after `Retry-After` seconds",
    ),
];

/// Answers any operation that takes a body may give.
const WITH_BODY: &[(&str, &str)] = &[
    ("413", "Request body over 16 KB"),
    ("415", "Request body not `application/json`"),
];

/// Adds the `Problem` schema if no handler did, makes every error response problem+json, and adds the common
/// error responses to every operation.
pub fn add_problem_responses(doc: &mut Value) {
    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut);
    match schemas {
        // The handlers' own `Problem` schema (error.rs), where a handler already named it.
        Some(schemas) => {
            schemas.entry("Problem").or_insert_with(problem_schema);
        }
        None => {
            doc["components"]["schemas"] = json!({ "Problem": problem_schema() });
        }
    }
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            if matches!(
                method.as_str(),
                "parameters" | "summary" | "description" | "servers"
            ) {
                continue;
            }
            add_to_operation(operation);
        }
    }
}

fn add_to_operation(operation: &mut Value) {
    let takes_body = operation.get("requestBody").is_some();
    let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) else {
        return;
    };
    for (status, response) in responses.iter_mut() {
        if status.starts_with('4') || status.starts_with('5') {
            response["content"] = problem_content();
        }
    }
    let extra = COMMON.iter().chain(if takes_body { WITH_BODY } else { &[] });
    for (status, description) in extra {
        responses
            .entry(status.to_string())
            .or_insert_with(|| json!({ "description": description, "content": problem_content() }));
    }
}

fn problem_content() -> Value {
    let mut content = Map::new();
    content.insert(
        PROBLEM.into(),
        json!({ "schema": { "$ref": "#/components/schemas/Problem" } }),
    );
    Value::Object(content)
}

/// RFC 9457 problem details with the service's stable `code` and field errors.
fn problem_schema() -> Value {
    json!({
        "type": "object",
        "required": ["type", "title", "status", "code"],
        "properties": {
            "type": { "type": "string" },
            "title": { "type": "string" },
            "status": { "type": "integer" },
            "code": { "type": "string", "description": "Stable, machine-readable reason" },
            "detail": { "type": "string" },
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["field", "code", "message"],
                    "properties": {
                        "field": { "type": "string" },
                        "code": { "type": "string" },
                        "message": { "type": "string" }
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_responses_become_problems_and_common_ones_are_added() {
        let mut doc = json!({
            "paths": {
                "/a": {
                    "get": { "responses": {
                        "200": { "description": "ok", "content": { "application/json": {} } },
                        "404": { "description": "missing", "content": { "application/json": {} } }
                    } },
                    "post": { "requestBody": {}, "responses": { "201": { "description": "made" } } }
                }
            }
        });

        add_problem_responses(&mut doc);

        let get = &doc["paths"]["/a"]["get"]["responses"];
        assert!(get["404"]["content"][PROBLEM].is_object(), "{get}");
        assert!(get["404"]["content"]["application/json"].is_null(), "{get}");
        assert!(get["200"]["content"]["application/json"].is_object(), "{get}");
        assert!(get["414"].is_object() && get["413"].is_null(), "{get}");
        let post = &doc["paths"]["/a"]["post"]["responses"];
        assert!(post["413"].is_object() && post["415"].is_object(), "{post}");
        assert!(doc["components"]["schemas"]["Problem"].is_object());
    }
}
