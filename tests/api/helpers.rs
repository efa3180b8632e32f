//! `spawn_app()`: a real server on a free port, over a fresh database, with typed helpers.
//!
//! Every test runs on the embedded back-ends (a fresh SQLite file, in-process state), and
//! again on PostgreSQL (a fresh database, dropped afterwards) and Redis when
//! `MAJLIS_TEST_DATABASE_URL` / `MAJLIS_TEST_REDIS_URL` are set.

use std::time::Duration;

use jsonwebtoken::{EncodingKey, Header, encode};
use majlis::clock::Clock;
use majlis::config::Settings;
use majlis::startup::Application;
use majlis::state::AppState;
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};
use sqlx::Connection;
use uuid::Uuid;

pub const SSO_SECRET: &str = "sso-site-secret";
pub const OTHER_SSO_SECRET: &str = "other-site-secret";

#[derive(Debug, Clone)]
pub enum Backend {
    Embedded,
    External { database: String, redis: Option<String> },
}

impl Backend {
    /// PostgreSQL (and Redis) from the environment; `None`, with a note, when unset.
    pub fn external() -> Option<Self> {
        let database = std::env::var("MAJLIS_TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty());
        let redis = std::env::var("MAJLIS_TEST_REDIS_URL")
            .ok()
            .filter(|u| !u.is_empty());
        match database {
            Some(database) => Some(Self::External { database, redis }),
            None => {
                eprintln!("note: MAJLIS_TEST_DATABASE_URL is unset; skipping the PostgreSQL run");
                None
            }
        }
    }
}

/// A database made for one test (or shared by the instances of one test).
pub struct TestDatabase {
    pub url: String,
    /// PostgreSQL: (maintenance url, database name) to drop afterwards.
    drop: Option<(String, String)>,
}

impl TestDatabase {
    pub async fn create(backend: &Backend) -> Self {
        match backend {
            Backend::Embedded => {
                let dir = std::env::temp_dir().join("majlis-tests");
                std::fs::create_dir_all(&dir).expect("temp dir");
                let file = dir.join(format!("{}.db", Uuid::now_v7().simple()));
                Self {
                    url: format!("sqlite://{}", file.display()),
                    drop: None,
                }
            }
            Backend::External { database, .. } => {
                let name = format!("majlis_t_{}", Uuid::now_v7().simple());
                let mut conn = sqlx::PgConnection::connect(database)
                    .await
                    .expect("connect to the test PostgreSQL");
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut conn)
                    .await
                    .expect("create test database");
                let url = replace_db_name(database, &name);
                Self {
                    url,
                    drop: Some((database.clone(), name)),
                }
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((maintenance, name)) = self.drop.take() {
            // Drop runs outside async code; a small runtime of its own does the work.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async {
                    if let Ok(mut conn) = sqlx::PgConnection::connect(&maintenance).await {
                        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                        let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await;
                    }
                });
            })
            .join();
        } else if let Some(path) = self.url.strip_prefix("sqlite://") {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
        }
    }
}

fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let base = match base.rfind('/') {
        Some(i) if i > "postgres://".len() => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub clock: Clock,
    pub state: AppState,
    handle: actix_web::dev::ServerHandle,
    _db: Option<std::sync::Arc<TestDatabase>>,
}

/// Settings for tests: port 0, one worker, and the test sites:
/// `demo` (guests, no premod, generous limits), `sso` (SSO only), `other` (another SSO site),
/// `premod` (everything held), `strict` (tight rate limits), `filtered` (the filter's defaults).
pub fn test_settings(db_url: &str, redis: Option<&str>) -> Settings {
    let mut s = Settings::defaults().expect("default settings");
    s.server.port = 0;
    s.server.workers = Some(1);
    s.server.shutdown_grace_secs = 1;
    s.database.url = db_url.to_string();
    s.database.max_connections = 5;
    s.redis.url = redis.map(str::to_string);
    // Each test app (and its peers) gets its own keys and channel on the shared Redis, so
    // counters and events of other tests, or of earlier runs, never leak into it.
    s.redis.namespace = format!("majlis-test:{}:", Uuid::now_v7().simple());
    let mut demo = s.sites.get("demo").expect("demo site").clone();
    // The comments-core tests post ordinary texts and test threading, paging and the like, not
    // the learned models (whose default holds up to 10% of clean comments by design): their
    // sites hold on the models only when they are nearly sure. The word lists still apply.
    // The filter's own tests use `filtered`, which keeps the models' thresholds.
    let filtered = demo.clone();
    demo.abuse_hold_threshold = Some(0.95);
    demo.spam_hold_threshold = Some(0.95);
    let mut generous = demo.clone();
    generous.comment_burst = 1000;
    generous.comment_per_minute = 1000;
    generous.ip_burst = 1000;
    generous.ip_per_minute = 1000;
    let mut sso = generous.clone();
    sso.guests = false;
    sso.sso_secret = Some(SSO_SECRET.into());
    let mut other = sso.clone();
    other.sso_secret = Some(OTHER_SSO_SECRET.into());
    let mut premod = generous.clone();
    premod.premod = majlis::config::PremodPolicy::All;
    let mut strict = demo;
    strict.comment_burst = 2;
    strict.comment_per_minute = 1;
    strict.ip_burst = 3;
    strict.ip_per_minute = 1;
    s.sites.insert("demo".into(), generous);
    s.sites.insert("sso".into(), sso);
    s.sites.insert("other".into(), other);
    s.sites.insert("premod".into(), premod);
    s.sites.insert("strict".into(), strict);
    s.sites.insert("filtered".into(), filtered);
    s
}

pub async fn spawn_app(backend: &Backend) -> TestApp {
    let db = std::sync::Arc::new(TestDatabase::create(backend).await);
    let redis = match backend {
        Backend::External { redis, .. } => redis.clone(),
        Backend::Embedded => None,
    };
    spawn_with(test_settings(&db.url, redis.as_deref()), Some(db)).await
}

/// A second instance on the same database and Redis as `first`.
pub async fn spawn_peer(first: &TestApp) -> TestApp {
    let settings = (*first.state.settings).clone();
    spawn_with(settings, first._db.clone()).await
}

pub async fn spawn_with(settings: Settings, db: Option<std::sync::Arc<TestDatabase>>) -> TestApp {
    if std::env::var("TEST_LOG").is_ok() {
        majlis::telemetry::init(&settings.log);
    }
    let clock = Clock::default();
    let app = Application::build_with_clock(settings, clock.clone())
        .await
        .expect("build the application");
    let address = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    TestApp {
        address,
        client,
        clock,
        state,
        handle,
        _db: db,
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Stop the server (and its pool) before the database is dropped.
        let handle = self.handle.clone();
        tokio::spawn(async move { handle.stop(false).await });
    }
}

/// A commenter's credentials as the widget sends them.
#[derive(Debug, Clone)]
pub enum Auth {
    None,
    Guest(String),
    Bearer(String),
    Raw(String),
}

impl TestApp {
    /// The database this app runs on, for tests that read the tables themselves.
    pub fn database_url(&self) -> &str {
        &self.state.settings.database.url
    }

    pub fn request(&self, method: Method, path: &str, auth: &Auth) -> RequestBuilder {
        let builder = self.client.request(method, format!("{}{}", self.address, path));
        match auth {
            Auth::None => builder,
            Auth::Guest(t) => builder.header("Authorization", format!("Guest {t}")),
            Auth::Bearer(t) => builder.header("Authorization", format!("Bearer {t}")),
            Auth::Raw(v) => builder.header("Authorization", v),
        }
    }

    pub async fn get(&self, path: &str, auth: &Auth) -> Response {
        self.request(Method::GET, path, auth)
            .send()
            .await
            .expect("request")
    }

    pub async fn post_json(&self, path: &str, auth: &Auth, body: &Value) -> Response {
        self.request(Method::POST, path, auth)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// Posts a comment on `site`/`article`.
    pub async fn post_comment(&self, site: &str, article: &str, auth: &Auth, body: Value) -> Response {
        self.post_json(
            &format!("/v1/sites/{site}/articles/{article}/comments"),
            auth,
            &body,
        )
        .await
    }

    /// Posts as a new guest on `demo`; returns the comment and the guest's credentials.
    pub async fn guest_comment(&self, article: &str, text: &str) -> (Value, Auth) {
        let res = self
            .post_comment(
                "demo",
                article,
                &Auth::None,
                json!({"body": text, "author_name": "زائر"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let body: Value = res.json().await.expect("json");
        let token = body["guest_token"].as_str().expect("guest token").to_string();
        (body, Auth::Guest(token))
    }

    /// Posts as an existing commenter on `demo`.
    pub async fn comment_as(&self, auth: &Auth, article: &str, text: &str, parent: Option<&str>) -> Value {
        let res = self
            .post_comment("demo", article, auth, json!({"body": text, "parent_id": parent}))
            .await;
        let status = res.status();
        let body: Value = res.json().await.expect("json");
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }

    pub async fn thread(&self, site: &str, article: &str, query: &str, auth: &Auth) -> Value {
        let res = self
            .get(
                &format!("/v1/sites/{site}/articles/{article}/comments?{query}"),
                auth,
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.expect("json")
    }

    /// A staff key with `role`, stored through the same code as `majlis keys create`.
    pub async fn staff_key(&self, role: majlis::domain::Role) -> String {
        let (key, key_hash) = majlis::auth::generate_staff_key();
        self.state
            .store
            .insert_staff_key(&majlis::storage::NewStaffKey {
                id: Uuid::now_v7(),
                name: format!("test {}", role.as_str()),
                role,
                key_hash,
                created_at: self.clock.now(),
            })
            .await
            .expect("insert key");
        key
    }
}

/// An SSO token as the host site would sign it.
pub fn sso_token(secret: &str, sub: &str, name: &str, exp_in_secs: i64) -> String {
    let exp = time::OffsetDateTime::now_utc().unix_timestamp() + exp_in_secs;
    encode(
        &Header::default(),
        &json!({"sub": sub, "name": name, "exp": exp}),
        &EncodingKey::from_secret(secret.as_bytes()).expect("key"),
    )
    .expect("sign")
}

/// Asserts a problem+json answer with `status` and `code`; returns the problem.
pub async fn assert_problem(res: Response, status: StatusCode, code: &str) -> Value {
    let got = res.status();
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(got, status, "status for {body}");
    assert_eq!(
        content_type, "application/problem+json",
        "content type for {body}"
    );
    assert_eq!(body["code"], code, "code in {body}");
    assert_eq!(body["status"], status.as_u16(), "status in {body}");
    body
}

/// Runs each named test on the embedded back-ends, and on PostgreSQL + Redis when configured.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod embedded {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Embedded).await
                }
            )*
        }
        mod postgres_redis {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(backend) = $crate::helpers::Backend::external() {
                        super::$name(backend).await
                    }
                }
            )*
        }
    };
}
