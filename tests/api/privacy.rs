//! Privacy (SPEC §9): addresses are kept only as keyed hashes, and the hashes only for the
//! retention period; an admin exports or erases a commenter's data. These tests read the
//! tables themselves.

use std::time::Duration;

use majlis::domain::Role;
use majlis::privacy::purge_ip_hashes;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::Connection;
use uuid::Uuid;

use crate::comment_helpers::{id_of, json_with, like, report};
use crate::helpers::{Auth, Backend, TestApp, assert_problem, spawn_app};
use crate::on_both_backends;

/// The client address the test server sees.
const ADDRESS: &str = "127.0.0.1";

/// Every text value of every table, as one string per row.
async fn all_rows(app: &TestApp) -> Vec<String> {
    let url = app.database_url();
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.expect("connect");
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'",
        )
        .fetch_all(&mut conn)
        .await
        .expect("tables");
        let mut rows = Vec::new();
        for table in tables {
            let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info($1)")
                .bind(&table)
                .fetch_all(&mut conn)
                .await
                .expect("columns");
            let joined = columns
                .iter()
                // Ids are BLOBs, which are not text: compared as hex.
                .map(|c| format!("COALESCE(CASE typeof(\"{c}\") WHEN 'blob' THEN hex(\"{c}\") ELSE CAST(\"{c}\" AS TEXT) END, '')"))
                .collect::<Vec<_>>()
                .join(" || '|' || ");
            let sql = format!("SELECT {joined} FROM \"{table}\"");
            rows.extend(
                sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql))
                    .fetch_all(&mut conn)
                    .await
                    .expect("rows"),
            );
        }
        rows
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
        )
        .fetch_all(&mut conn)
        .await
        .expect("tables");
        let mut rows = Vec::new();
        for table in tables {
            let sql = format!("SELECT t::text FROM \"{table}\" t");
            rows.extend(
                sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql))
                    .fetch_all(&mut conn)
                    .await
                    .expect("rows"),
            );
        }
        rows
    }
}

async fn ip_hash_of(app: &TestApp, comment: &str) -> Option<String> {
    let id = Uuid::parse_str(comment).expect("comment id");
    let sql = "SELECT ip_hash FROM comments WHERE id = $1";
    let url = app.database_url();
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.expect("connect");
        sqlx::query_scalar(sql)
            .bind(id)
            .fetch_one(&mut conn)
            .await
            .expect("read")
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
        sqlx::query_scalar(sql)
            .bind(id)
            .fetch_one(&mut conn)
            .await
            .expect("read")
    }
}

async fn addresses_are_stored_only_as_keyed_hashes(backend: Backend) {
    // Arrange + Act: a guest posts and likes.
    let app = spawn_app(&backend).await;
    let (comment, _) = app.guest_comment("privacy", "تعليق لاختبار الخصوصية").await;
    let id = comment["id"].as_str().expect("id");

    // Assert: the comment has a hash, which is not the address in any plain form.
    let hash = ip_hash_of(&app, id).await.expect("a hash is kept");
    assert_eq!(hash.len(), 32, "{hash}");
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit()), "{hash}");
    let unkeyed = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(ADDRESS.as_bytes()));
    assert!(
        !unkeyed.starts_with(&hash),
        "the hash is a plain SHA-256 of the address"
    );
    // …and no row of any table holds the address.
    let rows = all_rows(&app).await;
    assert!(
        rows.iter().any(|r| r.contains(&hash)),
        "the read found the hash: {rows:?}"
    );
    let leaks: Vec<&String> = rows.iter().filter(|r| r.contains(ADDRESS)).collect();
    assert!(leaks.is_empty(), "the address is stored: {leaks:?}");
}

async fn address_hashes_are_forgotten_after_the_retention_period(backend: Backend) {
    // Arrange: one comment now, one 60 days later.
    let app = spawn_app(&backend).await;
    let (old, auth) = app.guest_comment("privacy", "تعليق قديم").await;
    app.clock.advance(Duration::from_secs(60 * 86_400));
    let recent = app.comment_as(&auth, "privacy", "تعليق أحدث", None).await;
    let (old, recent) = (
        old["id"].as_str().expect("id"),
        recent["id"].as_str().expect("id"),
    );

    // Act: 31 more days: the first is 91 days old, the second 31.
    app.clock.advance(Duration::from_secs(31 * 86_400));
    let purged = purge_ip_hashes(app.state.store.as_ref(), &app.clock, 90)
        .await
        .expect("purge");
    let again = purge_ip_hashes(app.state.store.as_ref(), &app.clock, 90)
        .await
        .expect("purge");
    let kept_forever = purge_ip_hashes(app.state.store.as_ref(), &app.clock, 0)
        .await
        .expect("purge");

    // Assert
    assert_eq!(purged, 1);
    assert_eq!(ip_hash_of(&app, old).await, None);
    assert!(
        ip_hash_of(&app, recent).await.is_some(),
        "a recent hash was purged"
    );
    assert_eq!(again, 0, "the purge is idempotent");
    assert_eq!(kept_forever, 0, "retention 0 keeps hashes");
    assert!(ip_hash_of(&app, recent).await.is_some());
}

fn user_data_path(comment: &Value) -> String {
    let author = comment["author"]["id"].as_str().expect("author id");
    format!("/v1/moderation/users/demo/{author}/data")
}

async fn an_admin_exports_everything_stored_about_a_commenter(backend: Backend) {
    // Arrange: a guest comments twice, likes and reports another guest's comment.
    let app = spawn_app(&backend).await;
    let (mine, me) = app.guest_comment("export", "تعليقي الأول للتصدير").await;
    app.comment_as(&me, "export", "تعليقي الثاني للتصدير", None).await;
    let (theirs, _) = app.guest_comment("export", "تعليق شخص آخر").await;
    let their_id = id_of(&theirs);
    json_with(like(&app, &their_id, &me).await, StatusCode::OK).await;
    let reported = report(
        &app,
        &their_id,
        &me,
        &json!({"reason": "off_topic", "note": "ملاحظتي"}),
    )
    .await;
    assert!(reported.status().is_success(), "{}", reported.status());
    let admin = Auth::Bearer(app.staff_key(Role::Admin).await);

    // Act
    let res = app.get(&user_data_path(&mine), &admin).await;

    // Assert
    assert!(res.headers().contains_key("content-disposition"));
    let data = json_with(res, StatusCode::OK).await;
    let bodies: Vec<&str> = data["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .filter_map(|c| c["body"].as_str())
        .collect();
    assert_eq!(bodies, ["تعليقي الأول للتصدير", "تعليقي الثاني للتصدير"], "{data}");
    assert_eq!(data["likes"][0]["comment_id"], their_id.as_str(), "{data}");
    assert_eq!(data["reports"][0]["note"], "ملاحظتي", "{data}");
    assert_eq!(data["name"], mine["author"]["name"]);
}

async fn only_an_admin_exports_or_erases(backend: Backend) {
    let app = spawn_app(&backend).await;
    let (mine, _) = app.guest_comment("export", "تعليق").await;
    let path = user_data_path(&mine);
    let moderator = Auth::Bearer(app.staff_key(Role::Moderator).await);
    let admin = Auth::Bearer(app.staff_key(Role::Admin).await);

    for method in [Method::GET, Method::DELETE] {
        let none = app
            .request(method.clone(), &path, &Auth::None)
            .send()
            .await
            .expect("request");
        assert_problem(none, StatusCode::UNAUTHORIZED, "staff_key_required").await;
        let low = app
            .request(method.clone(), &path, &moderator)
            .send()
            .await
            .expect("request");
        assert_eq!(low.status(), StatusCode::FORBIDDEN, "{method} as a moderator");
        let unknown = format!("/v1/moderation/users/demo/{}/data", Uuid::now_v7());
        let missing = app
            .request(method.clone(), &unknown, &admin)
            .send()
            .await
            .expect("request");
        assert_problem(missing, StatusCode::NOT_FOUND, "commenter_not_found").await;
    }
    // Nothing was erased by the refused requests.
    let page = app.thread("demo", "export", "", &Auth::None).await;
    assert_eq!(page["total"], 1, "{page}");
}

async fn an_erased_commenter_leaves_tombstones_and_no_personal_data(backend: Backend) {
    // Arrange: A posts a comment that B answers, and a second one; A reports B's reply.
    let app = spawn_app(&backend).await;
    let created = app
        .post_comment(
            "demo",
            "erase",
            &Auth::None,
            json!({"body": "النص الخاص الأول", "author_name": "سلمى المحذوفة"}),
        )
        .await;
    let first = json_with(created, StatusCode::CREATED).await;
    let a = Auth::Guest(first["guest_token"].as_str().expect("guest token").to_string());
    let first_id = id_of(&first);
    app.comment_as(&a, "erase", "النص الخاص الثاني", None).await;
    let (_, b) = app.guest_comment("erase-other", "تعليق في مقال آخر").await;
    let reply = app
        .comment_as(&b, "erase", "رد من شخص آخر", Some(&first_id))
        .await;
    let noted = report(
        &app,
        &id_of(&reply),
        &a,
        &json!({"reason": "other", "note": "ملاحظة خاصة"}),
    )
    .await;
    assert!(noted.status().is_success(), "{}", noted.status());
    let name = first["author"]["name"].as_str().expect("name").to_string();
    let admin = Auth::Bearer(app.staff_key(Role::Admin).await);
    assert_eq!(app.thread("demo", "erase", "", &Auth::None).await["total"], 3);

    // Act
    let res = app
        .request(Method::DELETE, &user_data_path(&first), &admin)
        .send()
        .await
        .expect("erase");
    let again = app
        .request(Method::DELETE, &user_data_path(&first), &admin)
        .send()
        .await
        .expect("erase");

    // Assert: the thread keeps B's reply under a tombstone; A's second comment is gone.
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        again.status(),
        StatusCode::NO_CONTENT,
        "erasing twice is harmless"
    );
    let page = app.thread("demo", "erase", "", &Auth::None).await;
    assert_eq!(page["total"], 1, "{page}");
    let comments = page["comments"].as_array().expect("comments");
    assert_eq!(comments.len(), 1, "{page}");
    assert_eq!(comments[0]["status"], "deleted");
    assert_eq!(comments[0]["replies"][0]["id"], reply["id"]);
    // No table holds A's words, name or note any more.
    let rows = all_rows(&app).await;
    for secret in [
        "النص الخاص الأول",
        "النص الخاص الثاني",
        "ملاحظة خاصة",
        name.as_str(),
    ] {
        let found: Vec<&String> = rows.iter().filter(|r| r.contains(secret)).collect();
        assert!(found.is_empty(), "{secret:?} is still stored: {found:?}");
    }
    // The audit log says who erased whom, and nothing more.
    let audit = json_with(
        app.get("/v1/moderation/audit?site=demo", &admin).await,
        StatusCode::OK,
    )
    .await;
    let erasures = audit.to_string().matches("commenter.erase").count();
    assert_eq!(erasures, 2, "{audit}");
}

on_both_backends!(
    addresses_are_stored_only_as_keyed_hashes,
    address_hashes_are_forgotten_after_the_retention_period,
    an_admin_exports_everything_stored_about_a_commenter,
    only_an_admin_exports_or_erases,
    an_erased_commenter_leaves_tombstones_and_no_personal_data,
);
