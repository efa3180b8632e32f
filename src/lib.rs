//! majlis: comments and engagement for news sites, Arabic first.
//!
//! # Layout
//!
//! - `config`: settings and their layering (defaults → file → environment).
//! - `startup`: `Application::build` binds the listener and wires everything; `main` and the
//!   tests share it.
//! - `routes`: the route table and one file per handler; `middleware`: request ids, logs,
//!   HTTP metrics, URI bounds; `error`: `ApiError` → problem+json.
//! - `comments`: the comments core (posting flow, status policy, representations, live events).
//! - `auth`: SSO tokens, guest tokens, staff keys.
//! - `filter`: the content filter, pure: normalization, word lists, signals, classifiers,
//!   the verdict. `screening`: the filter as a service (run-time word lists, per-site models).
//! - `moderation`: queues, decision rules, the queue cursor, what follows a decision, the
//!   queue-depth gauge.
//! - `domain`: parsed types (ids, comment bodies, names, statuses, cursors).
//! - `storage`: the `Store` trait, PostgreSQL and SQLite implementations.
//! - `counters`: shared state (rate limits, live events): Redis or in-process.
//! - `popularity`: view beacons, "most read" windows, related stories: Redis or in-process.
//! - `redis_link`: the one way to reach Redis, one server or a Redis Cluster.
//! - `metrics`: every Prometheus metric, in one registry per application.
//! - `demo`: the demo site's seeded content (pages in `routes/demo.rs`, widget in `widget/`).
//! - `privacy`: the retention job (address hashes, idempotency keys).
//! - `clock`: the service's "now", movable in tests. `state`: what handlers share.
//! - `cli`: `serve`, `migrate`, `keys`; `filter_cli`: `filter check | eval | train`. `telemetry`: structured logs.

pub mod auth;
pub mod cli;
pub mod clock;
pub mod comments;
pub mod config;
pub mod counters;
pub mod demo;
pub mod domain;
pub mod encoded;
pub mod error;
pub mod filter;
pub mod filter_cli;
pub mod metrics;
pub mod middleware;
pub mod moderation;
pub mod popularity;
pub mod privacy;
pub mod redis_link;
pub mod routes;
pub mod screening;
pub mod startup;
pub mod state;
pub mod storage;
pub mod telemetry;
