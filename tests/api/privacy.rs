//! Privacy (SPEC §9): addresses are kept only as keyed hashes, and the hashes only for the
//! retention period. These tests read the tables themselves.

use std::time::Duration;

use majlis::privacy::purge_ip_hashes;
use sqlx::Connection;
use uuid::Uuid;

use crate::helpers::{Backend, TestApp, spawn_app};
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

on_both_backends!(
    addresses_are_stored_only_as_keyed_hashes,
    address_hashes_are_forgotten_after_the_retention_period,
);
