//! Who may post: SSO tokens signed by the host site, guest tokens this service issued, and
//! everything else refused with a `401`/`403` that says why (SPEC §2, §9).

#![allow(clippy::expect_used, reason = "a test fails loudly on what it did not expect")]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use majlis::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::helpers::{
    Auth, Backend, OTHER_SSO_SECRET, SSO_SECRET, TestApp, assert_problem, spawn_app, sso_token,
};
use crate::on_both_backends;

fn in_an_hour() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp() + 3600
}

/// A JWT with any header and claims, HMAC-SHA256-signed with `secret` whatever `alg` says.
fn hand_made_jwt(header: &Value, claims: &Value, secret: &[u8]) -> String {
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("hmac key");
    mac.update(signing_input.as_bytes());
    format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

fn signed(alg: Algorithm, claims: &Value, secret: &str) -> String {
    encode(
        &Header::new(alg),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()).expect("key"),
    )
    .expect("sign")
}

const UNAUTHORIZED: StatusCode = StatusCode::UNAUTHORIZED;

/// Posts on `site` (article `a1`) with `auth`; answers the status and the problem's code,
/// having checked the answer is problem+json.
async fn attempt(app: &TestApp, site: &str, auth: &Auth) -> (StatusCode, String) {
    let body = json!({"body": "تعليق", "author_name": "زائر"});
    let res = app.post_comment(site, "a1", auth, body).await;
    let status = res.status();
    let content_type = res.headers().get("content-type").cloned();
    let problem: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(
        content_type.as_ref().map(|v| v.as_bytes()),
        Some(&b"application/problem+json"[..]),
        "{problem}"
    );
    (status, problem["code"].as_str().unwrap_or("").to_string())
}

fn refusal(status: StatusCode, code: &str) -> (StatusCode, String) {
    (status, code.to_string())
}

async fn a_valid_sso_token_posts_under_the_name_it_carries(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let token = sso_token(SSO_SECRET, "reader-17", "ليلى", 3600);

    // Act
    let res = app
        .post_comment("sso", "a1", &Auth::Bearer(token), json!({"body": "مقال ممتاز"}))
        .await;

    // Assert
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.expect("json");
    assert_eq!(created["status"], "published");
    assert_eq!(created["author"]["name"], "ليلى");
    assert!(
        created.get("guest_token").is_none(),
        "an SSO commenter gets no guest token: {created}"
    );
    let page = app.thread("sso", "a1", "", &Auth::None).await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["comments"][0]["author"]["name"], "ليلى");
}

async fn forged_expired_and_malformed_sso_tokens_are_refused(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let valid = sso_token(SSO_SECRET, "reader-1", "Sara", 3600);
    let parts: Vec<&str> = valid.split('.').collect();
    let other_claims = json!({"sub": "admin", "name": "Sara", "exp": in_an_hour()});
    let tampered_payload = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(other_claims.to_string()),
        parts[2]
    );
    let mut signature = URL_SAFE_NO_PAD.decode(parts[2]).expect("signature");
    signature[0] ^= 0x55;
    let bad_signature = format!("{}.{}.{}", parts[0], parts[1], URL_SAFE_NO_PAD.encode(signature));
    let claims = json!({"sub": "reader-1", "name": "Sara", "exp": in_an_hour()});
    let alg_none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(json!({"alg": "none", "typ": "JWT"}).to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    // Algorithm confusion: an RS256 header over an HMAC signature made with the shared secret.
    let rs256 = hand_made_jwt(
        &json!({"alg": "RS256", "typ": "JWT"}),
        &claims,
        SSO_SECRET.as_bytes(),
    );
    let sara = |secret: &str, exp_in_secs: i64| sso_token(secret, "reader-1", "Sara", exp_in_secs);
    let named = |name: &str| sso_token(SSO_SECRET, "reader-1", name, 3600);
    let hs256 = |claims: Value| signed(Algorithm::HS256, &claims, SSO_SECRET);
    let exp = in_an_hour();
    #[rustfmt::skip]
    let cases: Vec<(&str, String, &str)> = vec![
        ("expired an hour ago", sara(SSO_SECRET, -3600), "token_expired"),
        ("expired ten seconds ago (no leeway)", sara(SSO_SECRET, -10), "token_expired"),
        ("signed with another site's secret", sara(OTHER_SSO_SECRET, 3600), "invalid_token"),
        ("payload swapped after signing", tampered_payload, "invalid_token"),
        ("signature bytes changed", bad_signature, "invalid_token"),
        ("`alg: none`, unsigned", alg_none, "invalid_token"),
        ("HS512 with the right secret", signed(Algorithm::HS512, &claims, SSO_SECRET), "invalid_token"),
        ("RS256 header, HMAC signature", rs256, "invalid_token"),
        ("no `sub` claim", hs256(json!({"name": "Sara", "exp": exp})), "invalid_token"),
        ("no `exp` claim", hs256(json!({"sub": "reader-1", "name": "Sara"})), "invalid_token"),
        ("no `name` claim", hs256(json!({"sub": "reader-1", "exp": exp})), "invalid_token"),
        ("empty `sub`", sso_token(SSO_SECRET, "", "Sara", 3600), "invalid_token"),
        ("blank name", named("   "), "invalid_token"),
        ("bidi override in the name", named("Sara\u{202E}nimda"), "invalid_token"),
        ("65-character name", named(&"س".repeat(65)), "invalid_token"),
        ("avatar that is not https",
         hs256(json!({"sub": "reader-1", "name": "Sara", "exp": exp, "avatar": "javascript:alert(1)"})),
         "invalid_token"),
        ("not a JWT at all", "not-a-jwt".to_string(), "invalid_token"),
        ("two segments only", format!("{}.{}", parts[0], parts[1]), "invalid_token"),
    ];

    for (why, token, code) in &cases {
        // Act + Assert
        let got = attempt(&app, "sso", &Auth::Bearer(token.clone())).await;
        assert_eq!(got, refusal(UNAUTHORIZED, code), "{why}");
    }

    // Nothing was written by any of them.
    let page = app.thread("sso", "a1", "", &Auth::None).await;
    assert_eq!(page["total"], 0, "refused tokens wrote: {page}");
}

async fn a_token_of_one_site_does_not_sign_in_on_another(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let for_sso = sso_token(SSO_SECRET, "reader-1", "Sara", 3600);
    let for_other = sso_token(OTHER_SSO_SECRET, "reader-1", "Sara", 3600);

    // Act + Assert: each token works only where its secret is configured.
    let got = attempt(&app, "other", &Auth::Bearer(for_sso)).await;
    assert_eq!(
        got,
        refusal(UNAUTHORIZED, "invalid_token"),
        "a token for `sso` on `other`"
    );
    let res = app
        .post_comment("other", "a1", &Auth::Bearer(for_other), json!({"body": "hello"}))
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "a token for `other` posts on `other`"
    );
}

async fn an_sso_token_is_refused_where_sso_is_not_configured(backend: Backend) {
    let app = spawn_app(&backend).await;
    let token = sso_token(SSO_SECRET, "reader-1", "Sara", 3600);

    let res = app
        .post_comment("demo", "a1", &Auth::Bearer(token), json!({"body": "hello"}))
        .await;

    assert_problem(res, StatusCode::UNAUTHORIZED, "sso_not_configured").await;
}

async fn an_anonymous_post_on_an_sso_only_site_needs_a_login(backend: Backend) {
    let app = spawn_app(&backend).await;

    let res = app
        .post_comment(
            "sso",
            "a1",
            &Auth::None,
            json!({"body": "hello", "author_name": "زائر"}),
        )
        .await;

    assert_problem(res, StatusCode::UNAUTHORIZED, "login_required").await;
    assert_eq!(app.thread("sso", "a1", "", &Auth::None).await["total"], 0);
}

async fn a_guest_token_is_refused_on_a_site_without_guests(backend: Backend) {
    // Arrange: a genuine guest token, issued by `demo`.
    let app = spawn_app(&backend).await;
    let (_, guest) = app.guest_comment("a1", "تعليق زائر").await;

    // Act
    let res = app
        .post_comment("sso", "a1", &guest, json!({"body": "hello"}))
        .await;

    // Assert
    assert_problem(res, StatusCode::FORBIDDEN, "guests_not_allowed").await;
}

async fn forged_or_garbled_guest_tokens_are_refused(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let (_, guest) = app.guest_comment("a1", "تعليق زائر").await;
    let Auth::Guest(token) = guest else {
        unreachable!("guest_comment returns a guest")
    };
    let mut bytes = URL_SAFE_NO_PAD.decode(&token).expect("token is base64url");
    let mut other_id = bytes.clone();
    bytes[20] ^= 1;
    other_id[3] ^= 1;
    #[rustfmt::skip]
    let cases: Vec<(&str, &str, String)> = vec![
        ("a flipped bit in the MAC", "demo", URL_SAFE_NO_PAD.encode(&bytes)),
        ("someone else's id under this MAC", "demo", URL_SAFE_NO_PAD.encode(&other_id)),
        ("not base64", "demo", "!!!not-a-token!!!".to_string()),
        ("too short", "demo", URL_SAFE_NO_PAD.encode([7u8; 8])),
        ("absurdly long", "demo", "A".repeat(500)),
        ("a real token taken to another guest site", "strict", token.clone()),
    ];

    for (why, site, forged) in &cases {
        // Act + Assert
        let got = attempt(&app, site, &Auth::Guest(forged.clone())).await;
        assert_eq!(got, refusal(UNAUTHORIZED, "invalid_guest_token"), "{why}");
    }

    // The real token still works, and nothing else was written.
    let res = app
        .post_comment("demo", "a1", &Auth::Guest(token), json!({"body": "ثانٍ"}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(app.thread("demo", "a1", "", &Auth::None).await["total"], 2);
    assert_eq!(app.thread("strict", "a1", "", &Auth::None).await["total"], 0);
}

async fn a_malformed_authorization_header_is_refused(backend: Backend) {
    let app = spawn_app(&backend).await;
    let cases = [
        ("Basic credentials", "Basic dXNlcjpwYXNz"),
        ("Bearer with nothing", "Bearer"),
        ("Guest with nothing", "Guest"),
        ("lower-case scheme", "bearer abc"),
        ("unknown scheme", "Token abc"),
        ("a bare token", "eyJhbGciOiJIUzI1NiJ9"),
    ];

    for (why, header) in cases {
        let got = attempt(&app, "demo", &Auth::Raw(header.into())).await;
        assert_eq!(got, refusal(UNAUTHORIZED, "invalid_authorization"), "{why}");
    }
    let too_long = format!("Bearer {}", "a".repeat(5000));
    let got = attempt(&app, "demo", &Auth::Raw(too_long)).await;
    assert_eq!(
        got,
        refusal(UNAUTHORIZED, "invalid_authorization"),
        "a 5 KB header"
    );
    assert_eq!(app.thread("demo", "a1", "", &Auth::None).await["total"], 0);
}

async fn a_staff_key_does_not_post_comments(backend: Backend) {
    // Arrange
    let app = spawn_app(&backend).await;
    let key = app.staff_key(Role::Admin).await;

    // Act + Assert: on a guest site and on an SSO site alike.
    for site in ["demo", "sso"] {
        let got = attempt(&app, site, &Auth::Bearer(key.clone())).await;
        assert_eq!(
            got,
            refusal(StatusCode::FORBIDDEN, "staff_key_not_commenter"),
            "a staff key on {site}"
        );
    }
}

on_both_backends!(
    a_valid_sso_token_posts_under_the_name_it_carries,
    forged_expired_and_malformed_sso_tokens_are_refused,
    a_token_of_one_site_does_not_sign_in_on_another,
    an_sso_token_is_refused_where_sso_is_not_configured,
    an_anonymous_post_on_an_sso_only_site_needs_a_login,
    a_guest_token_is_refused_on_a_site_without_guests,
    forged_or_garbled_guest_tokens_are_refused,
    a_malformed_authorization_header_is_refused,
    a_staff_key_does_not_post_comments,
);
