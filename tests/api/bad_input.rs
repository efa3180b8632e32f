//! Bad input gets a `4xx` problem+json with a stable code (and, for fields, which field and
//! why), never a `500`, and writes nothing (SPEC §9).

#![allow(clippy::expect_used, reason = "a test fails loudly on what it did not expect")]

use std::io::{Read, Write};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Auth, Backend, TestApp, spawn_app};
use crate::on_both_backends;

const ARTICLE: &str = "bad-input";

/// One bad request body and what it must be answered with.
struct BodyCase {
    why: &'static str,
    content_type: Option<&'static str>,
    body: Vec<u8>,
    status: StatusCode,
    code: &'static str,
    /// The expected `{field, code}` entry of `errors`, for `422`s.
    field: Option<(&'static str, &'static str)>,
}

/// A body as a guest's first post sends it.
fn guest(body: impl Into<Value>) -> Value {
    json!({"body": body.into(), "author_name": "زائر"})
}

fn case(why: &'static str, body: &[u8], status: StatusCode, code: &'static str) -> BodyCase {
    BodyCase {
        why,
        content_type: Some("application/json"),
        body: body.to_vec(),
        status,
        code,
        field: None,
    }
}

/// Not JSON: `400 malformed_json`.
fn syntax(why: &'static str, body: &[u8]) -> BodyCase {
    case(why, body, StatusCode::BAD_REQUEST, "malformed_json")
}

/// JSON of the wrong shape: `422`, with at least one field error.
fn typed(why: &'static str, body: Value) -> BodyCase {
    case(
        why,
        body.to_string().as_bytes(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
}

/// A field that fails validation: `422` naming the field and why.
fn field(why: &'static str, body: Value, field: &'static str, code: &'static str) -> BodyCase {
    BodyCase {
        field: Some((field, code)),
        ..typed(why, body)
    }
}

/// Over the 16 KB body limit: `413`.
fn too_large(why: &'static str, body: Value) -> BodyCase {
    case(
        why,
        body.to_string().as_bytes(),
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
}

/// Not sent as JSON: `415`.
fn media(why: &'static str, content_type: Option<&'static str>) -> BodyCase {
    let body = br#"{"body": "x", "author_name": "n"}"#;
    BodyCase {
        content_type,
        ..case(
            why,
            body,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        )
    }
}

/// Checks a problem answer against a case; `why` names the case in every failure.
async fn assert_problem_for(res: reqwest::Response, why: &str, status: StatusCode, code: &str) -> Value {
    let got = res.status();
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let text = res.text().await.expect("body");
    let problem: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    assert_eq!(got, status, "{why}: status (body {text})");
    assert_eq!(
        content_type, "application/problem+json",
        "{why}: content type (body {text})"
    );
    assert_eq!(problem["code"], code, "{why}: code in {text}");
    assert_eq!(
        problem["status"],
        status.as_u16(),
        "{why}: the problem's own status in {text}"
    );
    problem
}

async fn bad_comment_bodies_are_refused_with_a_reason_and_write_nothing(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let path = format!("/v1/sites/demo/articles/{ARTICLE}/comments");
    let zalgo = |marks: usize| format!("a{}", "\u{0301}".repeat(marks));
    #[rustfmt::skip]
    let cases = vec![
        syntax("JSON cut short", b"{\"body\": "),
        syntax("trailing garbage", b"{\"body\": \"x\"} x"),
        syntax("invalid UTF-8 in a string", b"{\"body\": \"\xff\xfe\"}"),
        syntax("an empty request body", b""),
        // Which field a type error is on: `a_wrongly_typed_field_is_named_in_the_errors`.
        typed("a number for the body", json!({"body": 5})),
        typed("null for the body", json!({"body": null})),
        field("no body at all", json!({"author_name": "زائر"}), "body", "required"),
        field("an unknown field", json!({"body": "x", "is_admin": true}), "is_admin", "unknown_field"),
        field("an empty body", guest(""), "body", "empty"),
        field("a body of spaces and newlines", guest("  \n\t  "), "body", "empty"),
        field("2,001 characters", guest("ب".repeat(2001)), "body", "too_long"),
        field("a NUL byte", guest("a\u{0}b"), "body", "control_character"),
        field("an escape character", guest("a\u{1b}[31mred"), "body", "control_character"),
        field("100 combining marks on one letter", guest(zalgo(100)), "body", "combining_flood"),
        field("a guest without a name", json!({"body": "مرحبا"}), "author_name", "required"),
        field("a bidi override in the guest name", json!({"body": "x", "author_name": "admin\u{202E}nimda"}),
              "author_name", "unsafe_character"),
        field("a negative form time", json!({"body": "x", "author_name": "n", "form_ms": -1}), "form_ms", "range"),
        // 10,000 combining marks are 20 KB of UTF-8: over the body limit before any parsing.
        too_large("10,000 combining marks", guest(zalgo(10_000))),
        too_large("17 KB of JSON", guest("a".repeat(17 * 1024))),
        media("text/plain", Some("text/plain")),
        media("form-encoded", Some("application/x-www-form-urlencoded")),
        media("no content type", None),
    ];

    for case in cases {
        // Act
        let mut req = app.request(Method::POST, &path, &Auth::None).body(case.body);
        if let Some(ct) = case.content_type {
            req = req.header("content-type", ct);
        }
        let res = req.send().await.expect("request");

        // Assert
        let problem = assert_problem_for(res, case.why, case.status, case.code).await;
        if case.status == StatusCode::UNPROCESSABLE_ENTITY {
            assert!(
                problem["errors"].as_array().is_some_and(|e| !e.is_empty()),
                "{}: no errors in {problem}",
                case.why
            );
        }
        if let Some((field, code)) = case.field {
            let errors = problem["errors"]
                .as_array()
                .unwrap_or_else(|| panic!("{}: no errors in {problem}", case.why));
            assert!(
                errors
                    .iter()
                    .any(|e| e["field"] == field && e["code"] == code && e["message"].is_string()),
                "{}: expected {{field: {field}, code: {code}}} in {problem}",
                case.why
            );
        }
    }

    // Nothing was written by any of them.
    let page = app.thread("demo", ARTICLE, "", &Auth::None).await;
    assert_eq!(page["total"], 0, "bad input wrote: {page}");
    assert_eq!(page["comments"], json!([]));
}

async fn a_wrongly_typed_field_is_named_in_the_errors(backend: Backend) {
    let app = spawn_app(&backend).await;
    #[rustfmt::skip]
    let cases = [
        ("a number for the body", json!({"body": 5}), "body"),
        ("null for the body", json!({"body": null}), "body"),
        ("a list for the body", json!({"body": ["a"]}), "body"),
        ("a string for form_ms", json!({"body": "x", "form_ms": "soon"}), "form_ms"),
        ("a parent_id that is not a UUID", json!({"body": "x", "parent_id": "p-1"}), "parent_id"),
    ];

    for (why, body, field) in cases {
        let res = app.post_comment("demo", ARTICLE, &Auth::None, body).await;

        let problem =
            assert_problem_for(res, why, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert!(
            problem["errors"].as_array().is_some_and(|e| e
                .iter()
                .any(|e| e["field"] == field && e["code"] == "invalid_type")),
            "{why}: expected {{field: {field}, code: invalid_type}} in {problem}"
        );
    }
}

/// Sends a request line as written, bypassing the client's path normalization (which would
/// resolve `..` before sending). Answers the status code and the body.
fn raw_http(app: &TestApp, method: &str, target: &str, body: &str) -> (u16, String) {
    let addr = app.address.trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(&addr).expect("connect");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("timeout");
    let request = format!(
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

async fn unknown_and_malformed_paths_are_404s_with_a_code(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let unknown = uuid::Uuid::now_v7();
    let thread = |article: &str| format!("/v1/sites/demo/articles/{article}/comments");
    #[rustfmt::skip]
    let cases: Vec<(&str, Method, String, &str)> = vec![
        ("an unknown site", Method::POST, "/v1/sites/nosuch/articles/a1/comments".into(), "site_not_found"),
        ("an upper-case site id", Method::GET, "/v1/sites/DEMO/articles/a1/comments".into(), "site_not_found"),
        ("a 129-character article id", Method::POST, thread(&"a".repeat(129)), "article_not_found"),
        ("an encoded slash in the article id", Method::POST, thread("a%2Fb"), "article_not_found"),
        ("an encoded space in the article id", Method::POST, thread("a%20b"), "article_not_found"),
        ("a quote in the article id", Method::GET, thread("a'1"), "article_not_found"),
        ("an unknown comment id", Method::GET, format!("/v1/comments/{unknown}/replies"), "comment_not_found"),
        ("a malformed comment id", Method::GET, "/v1/comments/not-a-uuid/replies".into(), "comment_not_found"),
        ("liking a malformed comment id", Method::PUT, "/v1/comments/123/like".into(), "comment_not_found"),
        ("deleting an unknown comment", Method::DELETE, format!("/v1/comments/{unknown}"), "comment_not_found"),
        ("an unknown route", Method::GET, "/v1/nothing-here".into(), "route_not_found"),
    ];

    for (why, method, path, code) in cases {
        // Act
        let res = app
            .request(method, &path, &Auth::None)
            .json(&json!({"body": "x", "author_name": "زائر"}))
            .send()
            .await
            .expect("request");

        // Assert
        assert_problem_for(res, why, StatusCode::NOT_FOUND, code).await;
    }

    // `..` as an article id, sent as written (a client would resolve it).
    let app_ref = &app;
    let (status, body) = tokio::task::block_in_place(|| {
        raw_http(
            app_ref,
            "POST",
            "/v1/sites/demo/articles/../comments",
            r#"{"body":"x","author_name":"n"}"#,
        )
    });
    assert_eq!(status, 404, "`..` as an article id: {body}");
    let problem: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    assert_eq!(
        problem["code"], "article_not_found",
        "`..` as an article id: {body}"
    );
    assert_eq!(app.thread("demo", "a1", "", &Auth::None).await["total"], 0);
}

async fn an_overlong_query_string_is_414(backend: Backend) {
    let app = spawn_app(&backend).await;
    let query = format!("sort=newest&pad={}", "x".repeat(2048));

    let res = app
        .get(
            &format!("/v1/sites/demo/articles/a1/comments?{query}"),
            &Auth::None,
        )
        .await;

    assert_problem_for(
        res,
        "a 2 KB query string",
        StatusCode::URI_TOO_LONG,
        "uri_too_long",
    )
    .await;
}

async fn bad_query_parameters_are_400s(backend: Backend) {
    let app = spawn_app(&backend).await;
    #[rustfmt::skip]
    let cases = [
        ("an unknown sort", "sort=random", StatusCode::BAD_REQUEST, "invalid_query"),
        ("a limit that is not a number", "limit=ten", StatusCode::BAD_REQUEST, "invalid_query"),
        ("an unknown parameter", "debug=1", StatusCode::BAD_REQUEST, "invalid_query"),
        ("a forged cursor", "cursor=AAAA", StatusCode::BAD_REQUEST, "invalid_cursor"),
        ("a limit of zero", "limit=0", StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        ("a limit of 101", "limit=101", StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
    ];

    for (why, query, status, code) in cases {
        let res = app
            .get(
                &format!("/v1/sites/demo/articles/a1/comments?{query}"),
                &Auth::None,
            )
            .await;
        assert_problem_for(res, why, status, code).await;
    }
}

async fn markup_and_sql_in_a_body_are_stored_and_returned_as_plain_text(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    #[rustfmt::skip]
    let cases = [
        ("a script tag", "<script>alert('x')</script>"),
        ("an image with an error handler", "<img src=x onerror=\"alert(1)\">"),
        ("an SQL statement terminator", "'; DROP TABLE comments; --"),
        ("a classic injection", "Robert'); DROP TABLE commenters;-- و OR 1=1"),
        ("a LIKE wildcard and a backslash", "100% \\ _%_ \\x00"),
        ("HTML entities", "&lt;b&gt; &amp; &#x27;"),
    ];

    for (i, (why, text)) in cases.iter().enumerate() {
        let article = format!("verbatim-{i}");

        // Act
        let res = app
            .post_comment("demo", &article, &Auth::None, guest(*text))
            .await;

        // Assert: stored exactly as written, answered as JSON text, and nothing else happened.
        assert_eq!(res.status(), StatusCode::CREATED, "{why}");
        assert_eq!(res.headers()["content-type"], "application/json", "{why}");
        let created: Value = res.json().await.expect("json");
        assert_eq!(created["body"], *text, "{why}: as posted");
        let page = app.thread("demo", &article, "", &Auth::None).await;
        assert_eq!(page["total"], 1, "{why}: one comment");
        assert_eq!(page["comments"][0]["body"], *text, "{why}: as listed");
    }
    // The tables the "injections" named are still there.
    let again = app
        .post_comment("demo", "verbatim-0", &Auth::None, guest("still here"))
        .await;
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(
        app.thread("demo", "verbatim-0", "", &Auth::None).await["total"],
        2
    );
}

async fn a_route_asked_with_another_method_is_a_405_naming_its_methods(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let cases = [
        (Method::DELETE, "/v1/sites/demo/articles/a1/comments", "GET, POST"),
        (Method::GET, "/v1/sites/demo/articles/a1/views", "POST"),
        (Method::PUT, "/v1/sites/demo/popular", "GET"),
    ];

    for (method, path, allow) in cases {
        // Act
        let res = app
            .request(method.clone(), path, &Auth::None)
            .json(&json!({"body": "x", "author_name": "زائر"}))
            .send()
            .await
            .expect("request");

        // Assert
        let why = format!("{method} {path}");
        let got_allow = res
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        assert_eq!(got_allow, allow, "{why}: Allow");
        assert_problem_for(res, &why, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    }
    // Nothing was written by the refused DELETE-with-a-body.
    assert_eq!(app.thread("demo", "a1", "", &Auth::None).await["total"], 0);
}

on_both_backends!(
    bad_comment_bodies_are_refused_with_a_reason_and_write_nothing,
    a_route_asked_with_another_method_is_a_405_naming_its_methods,
    a_wrongly_typed_field_is_named_in_the_errors,
    unknown_and_malformed_paths_are_404s_with_a_code,
    an_overlong_query_string_is_414,
    bad_query_parameters_are_400s,
    markup_and_sql_in_a_body_are_stored_and_returned_as_plain_text,
);
