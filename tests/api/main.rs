//! The HTTP test suite: one binary, one module per concern. Each test runs on the embedded
//! back-ends and, when the test URLs are set, on PostgreSQL + Redis (`on_both_backends!`).
#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests fail loudly")]

mod helpers;

mod articles;
mod auth_tokens;
mod bad_input;
mod comment_helpers;
mod counts;
mod editing;
mod filtering;
mod idempotency;
mod instances;
mod lexicon_api;
mod likes;
mod live_events;
mod moderation_audit;
mod moderation_claims;
mod moderation_decisions;
mod moderation_helpers;
mod moderation_priority;
mod moderation_queues;
mod moderation_roles;
mod moderation_users;
mod operations;
#[allow(dead_code, reason = "the API tests start plain servers only")]
#[path = "../support/own_redis.rs"]
mod own_redis;
mod page_cache;
mod paging;
mod popularity;
mod popularity_faults;
mod popularity_lists;
mod popularity_related;
mod privacy;
mod rate_limits;
mod reports;
mod sanctions;
mod smoke;
mod threading;
mod visibility;
mod widget;
