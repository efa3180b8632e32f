//! Settings and their layering: the compiled-in `config/default.toml`, then
//! `{config dir}/{MAJLIS_ENV}.toml`, then `MAJLIS__SECTION__KEY` environment variables.

use std::collections::BTreeMap;
use std::path::PathBuf;

use config::{Config, Environment, File, FileFormat};
use secrecy::SecretString;
use serde::Deserialize;

const DEFAULT_TOML: &str = include_str!("../config/default.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    #[serde(default)]
    pub redis: RedisSettings,
    #[serde(default)]
    pub log: LogSettings,
    pub comments: CommentSettings,
    #[serde(default)]
    pub secrets: SecretSettings,
    #[serde(default)]
    pub privacy: PrivacySettings,
    pub sites: BTreeMap<String, SiteSettings>,
    #[serde(default)]
    pub popularity: crate::popularity::PopularitySettings,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub shutdown_grace_secs: u64,
    /// HTTP worker threads; one per core when unset.
    #[serde(default)]
    pub workers: Option<usize>,
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
}

#[derive(Clone, Deserialize)]
pub struct DatabaseSettings {
    pub url: String,
    pub max_connections: u32,
}

/// The URL may carry a password: never print it.
impl std::fmt::Debug for DatabaseSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseSettings")
            .field("url", &redact_url(&self.url))
            .field("max_connections", &self.max_connections)
            .finish()
    }
}

#[derive(Clone, Deserialize)]
pub struct RedisSettings {
    pub url: Option<String>,
    /// Prefix of every key and channel, so deployments can share a Redis.
    #[serde(default = "default_namespace")]
    pub namespace: String,
}

impl Default for RedisSettings {
    fn default() -> Self {
        Self {
            url: None,
            namespace: default_namespace(),
        }
    }
}

fn default_namespace() -> String {
    crate::counters::DEFAULT_NAMESPACE.to_string()
}

impl std::fmt::Debug for RedisSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisSettings")
            .field("url", &self.url.as_deref().map(redact_url))
            .field("namespace", &self.namespace)
            .finish()
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct LogSettings {
    pub format: String,
    pub level: String,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            format: "pretty".into(),
            level: "info".into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct CommentSettings {
    pub max_length: usize,
    pub max_depth: i32,
    pub min_form_ms: i64,
}

/// How long personal data is kept.
#[derive(Debug, Clone, Deserialize)]
pub struct PrivacySettings {
    /// Days a comment keeps the keyed hash of its poster's address (for abuse investigations
    /// and per-address limits); a purge job forgets older ones. 0 keeps them forever.
    pub ip_hash_retention_days: u32,
}

impl Default for PrivacySettings {
    fn default() -> Self {
        Self {
            ip_hash_retention_days: 90,
        }
    }
}

/// Server-wide secrets. When unset, a random value is generated once and kept in the
/// database (`local_secrets`), so every instance sharing the database agrees on it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SecretSettings {
    pub ip_hash_key: Option<SecretString>,
    pub guest_token_key: Option<SecretString>,
    pub cursor_key: Option<SecretString>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PremodPolicy {
    Off,
    Links,
    NewUsers,
    All,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SiteSettings {
    pub name: String,
    pub lang: String,
    #[serde(default)]
    pub origins: Vec<String>,
    /// HS256 secret the host site signs its SSO tokens with; no SSO when unset.
    pub sso_secret: Option<SecretString>,
    pub guests: bool,
    pub premod: PremodPolicy,
    pub edit_window_secs: i64,
    pub report_threshold: i64,
    pub comment_per_minute: u32,
    pub comment_burst: u32,
    pub ip_per_minute: u32,
    pub ip_burst: u32,
    /// Hold a comment when its abuse score reaches this (default: the model's proposal).
    #[serde(default)]
    pub abuse_hold_threshold: Option<f32>,
    /// Hold a comment as suspected spam when its spam score reaches this (default: the model's).
    #[serde(default)]
    pub spam_hold_threshold: Option<f32>,
}

impl SiteSettings {
    /// The site's own filter thresholds, where it sets them.
    pub fn filter_overrides(&self) -> crate::filter::Overrides {
        crate::filter::Overrides {
            abuse_hold: self.abuse_hold_threshold,
            spam_hold: self.spam_hold_threshold,
        }
    }
}

impl Settings {
    /// Loads the layered configuration from the process environment.
    pub fn load() -> Result<Self, config::ConfigError> {
        let dir = std::env::var("MAJLIS_CONFIG_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|_| "config".into());
        let env = std::env::var("MAJLIS_ENV").unwrap_or_else(|_| "local".into());
        Config::builder()
            .add_source(File::from_str(DEFAULT_TOML, FileFormat::Toml))
            .add_source(File::from(dir.join(format!("{env}.toml"))).required(false))
            .add_source(
                Environment::with_prefix("MAJLIS")
                    .prefix_separator("__")
                    .separator("__")
                    .try_parsing(true),
            )
            .build()?
            .try_deserialize()
    }

    /// The compiled-in defaults alone, for tests and tools that must not read the environment.
    pub fn defaults() -> Result<Self, config::ConfigError> {
        Config::builder()
            .add_source(File::from_str(DEFAULT_TOML, FileFormat::Toml))
            .build()?
            .try_deserialize()
    }

    pub fn site(&self, id: &str) -> Option<&SiteSettings> {
        self.sites.get(id)
    }
}

/// `scheme://user:password@host` → `scheme://user:***@host`.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &userinfo[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_password_is_never_printed() {
        let s = DatabaseSettings {
            url: "postgres://me:hunter2@db/majlis".into(),
            max_connections: 1,
        };
        let shown = format!("{s:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("me:***@db"), "{shown}");
    }

    #[test]
    fn a_redis_cluster_password_is_never_printed() {
        let s = RedisSettings {
            url: Some("redis+cluster://me:hunter2@r1:7000,r2:7000".into()),
            namespace: default_namespace(),
        };
        let shown = format!("{s:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("me:***@r1:7000,r2:7000"), "{shown}");
    }

    #[test]
    fn the_compiled_in_defaults_declare_the_demo_site() {
        let s = Settings::defaults().expect("defaults parse");
        let demo = s.site("demo").expect("demo site");
        assert!(demo.guests);
        assert_eq!(demo.premod, PremodPolicy::Off);
        assert_eq!(s.server.port, 8080);
        assert_eq!(s.database.url, "sqlite://data/majlis.db");
        assert!(s.redis.url.is_none());
    }
}
