//! Building and running the application: one code path for `main` and for the tests, which
//! bind port 0 and move the clock.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::Arc;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::http::{Method, header};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, middleware, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use utoipa_actix_web::AppExt;

use crate::auth::GuestTokens;
use crate::clock::Clock;
use crate::comments::page_cache::PageCache;
use crate::config::Settings;
use crate::counters::{MemoryState, RedisState, SharedState};
use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::popularity::{MemoryViews, Popularity, RedisViews, ViewCounters};
use crate::routes::{self, ops::OpenApiDoc};
use crate::screening::{self, Screening};
use crate::state::{AppState, ServerKeys};
use crate::storage::{self, Store};

pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_with_clock(settings, Clock::default()).await
    }

    /// Connects the store and shared state, binds the listener and prepares the server.
    pub async fn build_with_clock(settings: Settings, clock: Clock) -> anyhow::Result<Self> {
        let metrics = Metrics::new()?;
        let store = storage::connect(&settings.database.url, settings.database.max_connections).await?;
        let shared: Arc<dyn SharedState> = match &settings.redis.url {
            Some(url) => {
                Arc::new(RedisState::connect_in(url, &settings.redis.namespace, metrics.clone()).await?)
            }
            None => Arc::new(MemoryState::new()),
        };
        let views: Arc<dyn ViewCounters> = match &settings.redis.url {
            Some(url) => {
                Arc::new(RedisViews::connect(url, &settings.redis.namespace, metrics.clone()).await?)
            }
            None => Arc::new(MemoryViews::new()),
        };
        let popularity = Arc::new(Popularity::new(views, metrics.clone(), &settings.popularity));
        popularity.start();
        let keys = Arc::new(server_keys(&settings, store.as_ref()).await?);
        let screening = Arc::new(Screening::load(store.as_ref(), metrics.clone()).await?);
        screening::spawn_refresher(screening.clone(), store.clone());
        crate::privacy::spawn_retention(
            store.clone(),
            clock.clone(),
            settings.privacy.ip_hash_retention_days,
        );
        let pages = Arc::new(PageCache::default());
        pages.clone().spawn_invalidator(shared.as_ref());
        let listener = TcpListener::bind((settings.server.host.as_str(), settings.server.port))?;
        let port = listener.local_addr()?.port();
        let state = AppState {
            settings: Arc::new(settings),
            store,
            shared,
            metrics,
            clock,
            keys,
            screening,
            pages,
            popularity,
        };
        crate::moderation::depth::spawn_refresher(
            state.store.clone(),
            state.settings.clone(),
            state.metrics.clone(),
        );
        crate::popularity::readership::spawn(state.clone());
        let server = serve(listener, state.clone())?;
        tracing::info!(port, backend = state.shared.name(), "majlis listening");
        Ok(Self { port, server, state })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until the server is stopped (SIGINT/SIGTERM in production): stops accepting,
    /// lets requests in flight finish, flushes the view batch, then closes the pools.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        self.state.popularity.shutdown().await;
        self.state.store.close().await;
        tracing::info!("majlis stopped");
        result
    }

    /// A handle that stops the server, for tests of shutdown.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }
}

fn serve(listener: TcpListener, state: AppState) -> std::io::Result<Server> {
    let grace = state.settings.server.shutdown_grace_secs;
    let workers = state.settings.server.workers;
    let document = routes::openapi_document();
    let methods = web::Data::new(RouteMethods::from_openapi(&document));
    let openapi = web::Data::new(OpenApiDoc(document.to_string()));
    let data = web::Data::new(state);
    let mut server = HttpServer::new(move || {
        App::new()
            .wrap(middleware::Compress::default())
            .wrap(cors(&data.settings))
            .wrap(middleware::from_fn(crate::middleware::observe))
            .app_data(data.clone())
            .app_data(openapi.clone())
            .app_data(methods.clone())
            .app_data(routes::query_config())
            .app_data(routes::path_config())
            .into_utoipa_app()
            .configure(routes::configure)
            .default_service(web::to(no_route))
            .into_app()
    })
    // Without TCP_NODELAY a response written in several pieces (a compressed, chunked body)
    // waits on Nagle's algorithm for the client's delayed ACK: ~40 ms per request on a
    // kept-alive connection.
    .tcp_nodelay(true)
    .listen(listener)?
    .shutdown_timeout(grace);
    if let Some(n) = workers {
        server = server.workers(n);
    }
    Ok(server.run())
}

/// Each route pattern's methods, as the OpenAPI document lists them (`GET, POST`).
struct RouteMethods(HashMap<String, String>);

impl RouteMethods {
    fn from_openapi(document: &serde_json::Value) -> Self {
        const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];
        let paths = document["paths"].as_object().into_iter().flatten();
        Self(
            paths
                .map(|(pattern, item)| {
                    let allow: Vec<String> = METHODS
                        .iter()
                        .filter(|m| item.get(**m).is_some())
                        .map(|m| m.to_ascii_uppercase())
                        .collect();
                    (pattern.clone(), allow.join(", "))
                })
                .collect(),
        )
    }
}

/// No route took the request: `405` with `Allow` when the path is a route's (the method
/// guard turned it away), else `404`.
async fn no_route(req: HttpRequest, methods: web::Data<RouteMethods>) -> Result<HttpResponse, ApiError> {
    let allow = req
        .match_pattern()
        .and_then(|pattern| methods.0.get(&pattern).cloned());
    Err(match allow {
        Some(allow) => ApiError::MethodNotAllowed { allow },
        None => ApiError::not_found("route_not_found", "no such route"),
    })
}

/// CORS for the origins of every configured site; `http://localhost:*` allows any port.
fn cors(settings: &Settings) -> Cors {
    let patterns: Vec<String> = settings.sites.values().flat_map(|s| s.origins.clone()).collect();
    Cors::default()
        .allowed_origin_fn(move |origin, _| {
            let origin = origin.to_str().unwrap_or("");
            patterns.iter().any(|p| origin_matches(p, origin))
        })
        .allowed_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            header::RETRY_AFTER,
            header::HeaderName::from_static("x-request-id"),
        ])
        .max_age(3600)
}

pub fn origin_matches(pattern: &str, origin: &str) -> bool {
    match pattern.strip_suffix(":*") {
        Some(base) => origin
            .strip_prefix(base)
            .and_then(|rest| rest.strip_prefix(':'))
            .is_some_and(|port| {
                !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit())
            }),
        None => pattern == origin,
    }
}

/// Server keys from the configuration, or generated once and kept in the database so every
/// instance sharing it agrees.
async fn server_keys(settings: &Settings, store: &dyn Store) -> anyhow::Result<ServerKeys> {
    async fn secret(
        store: &dyn Store,
        configured: &Option<SecretString>,
        name: &str,
    ) -> anyhow::Result<Vec<u8>> {
        if let Some(s) = configured {
            return Ok(s.expose_secret().as_bytes().to_vec());
        }
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Ok(store
            .local_secret(name, &URL_SAFE_NO_PAD.encode(bytes))
            .await?
            .into_bytes())
    }
    let s = &settings.secrets;
    Ok(ServerKeys::new(
        GuestTokens::new(&secret(store, &s.guest_token_key, "guest_token_key").await?),
        secret(store, &s.cursor_key, "cursor_key").await?,
        &secret(store, &s.ip_hash_key, "ip_hash_key").await?,
    ))
}

#[cfg(test)]
mod tests {
    use super::origin_matches;

    #[test]
    fn a_port_wildcard_matches_any_port_and_nothing_else() {
        assert!(origin_matches("http://localhost:*", "http://localhost:3000"));
        assert!(!origin_matches("http://localhost:*", "http://localhost"));
        assert!(!origin_matches(
            "http://localhost:*",
            "http://localhost:3000.evil.test"
        ));
        assert!(!origin_matches(
            "http://localhost:*",
            "http://localhost.evil.test:80"
        ));
        assert!(origin_matches("https://news.example", "https://news.example"));
        assert!(!origin_matches(
            "https://news.example",
            "https://news.example.evil"
        ));
    }
}
