//! The one way to reach Redis, a single server or a Redis Cluster, for every Redis user
//! (`counters::redis`, `popularity::redis`).
//!
//! `redis.url` names either:
//! - one server: `redis://[user:password@]host:port[/db]` (or `rediss://`), reached through a
//!   `ConnectionManager` (multiplexed, reconnecting);
//! - a cluster: `redis+cluster://[user:password@]host1:port1,host2:port2,…` (or
//!   `rediss+cluster://`), some of its nodes, from which the client learns the rest and
//!   follows slot moves and failovers on its own.
//!
//! On a cluster every command goes to the node serving its key's slot, and a pipeline or a
//! script must keep all its keys in one slot: the callers put a `{hash tag}` in keys used
//! together. Pub/sub needs no tag: a `PUBLISH` on any node reaches subscribers on every node,
//! so one subscription on one node hears every instance; when that node goes away the
//! subscriber moves to the next node listed (see `subscribe`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::Context as _;
use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig, PubSub};
use redis::cluster::ClusterClientBuilder;
use redis::cluster_async::ClusterConnection;
use redis::{Client, Cmd, Pipeline, RedisFuture, Value};

const CLUSTER_SCHEMES: [(&str, &str); 2] = [
    ("redis+cluster://", "redis://"),
    ("rediss+cluster://", "rediss://"),
];

/// Where Redis is, parsed from `redis.url`.
#[derive(Clone)]
pub enum Target {
    Single(Client),
    /// One client per listed node (for pub/sub), in the order listed.
    Cluster(Vec<Client>),
}

/// Per-attempt and connection bounds; callers bound each whole call on top of these.
#[derive(Clone, Copy)]
pub struct Timeouts {
    pub response: Duration,
    pub connection: Duration,
}

impl Target {
    /// Parses `redis.url`; a cluster URL becomes one `redis://` URL per node, each with the
    /// credentials and path of the whole.
    pub fn parse(url: &str) -> anyhow::Result<Self> {
        let Some((cluster_scheme, node_scheme)) =
            CLUSTER_SCHEMES.iter().find(|(scheme, _)| url.starts_with(scheme))
        else {
            return Ok(Self::Single(Client::open(url).context("invalid Redis URL")?));
        };
        let rest = &url[cluster_scheme.len()..];
        let (authority, tail) = rest.find(['/', '?']).map_or((rest, ""), |i| rest.split_at(i));
        let (userinfo, hosts) = match authority.rfind('@') {
            Some(at) => (&authority[..=at], &authority[at + 1..]),
            None => ("", authority),
        };
        let nodes = hosts
            .split(',')
            .map(str::trim)
            .filter(|host| !host.is_empty())
            .map(|host| {
                Client::open(format!("{node_scheme}{userinfo}{host}{tail}"))
                    .with_context(|| format!("invalid Redis Cluster node {host:?}"))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        anyhow::ensure!(!nodes.is_empty(), "a Redis Cluster URL lists no node");
        Ok(Self::Cluster(nodes))
    }

    /// The command connection. Fails when no listed node answers.
    pub async fn connect(&self, timeouts: Timeouts) -> anyhow::Result<Commands> {
        match self {
            Self::Single(client) => {
                let config = ConnectionManagerConfig::new()
                    .set_response_timeout(Some(timeouts.response))
                    .set_connection_timeout(Some(timeouts.connection))
                    // Requests wait on a reconnection in progress, so keep its retries short;
                    // the next call after a failure starts a fresh attempt anyway.
                    .set_number_of_retries(1)
                    .set_max_delay(timeouts.response);
                let manager = client
                    .get_connection_manager_with_config(config)
                    .await
                    .context("could not connect to Redis")?;
                Ok(Commands::Single(manager))
            }
            Self::Cluster(nodes) => {
                let retry_ms = u64::try_from(timeouts.response.as_millis()).unwrap_or(u64::MAX);
                let client =
                    ClusterClientBuilder::new(nodes.iter().map(|node| node.get_connection_info().clone()))
                        .response_timeout(timeouts.response)
                        .connection_timeout(timeouts.connection)
                        // A few quick retries ride out a MOVED slot or a failover; the callers'
                        // deadline bounds the total, as with one server.
                        .retries(3)
                        .min_retry_wait(retry_ms / 10)
                        .max_retry_wait(retry_ms)
                        .overall_response_timeout(None)
                        .build()
                        .context("invalid Redis Cluster URL")?;
                let connection = client
                    .get_async_connection()
                    .await
                    .context("could not connect to Redis Cluster")?;
                Ok(Commands::Cluster(connection))
            }
        }
    }

    /// A pub/sub connection subscribed to `channel`. On a cluster, tries the listed nodes in
    /// turn, starting after the one used last, so a subscriber whose node went away moves on
    /// to a live one.
    pub async fn subscribe(&self, channel: &str, rotation: &AtomicUsize) -> redis::RedisResult<PubSub> {
        let nodes = match self {
            Self::Single(client) => std::slice::from_ref(client),
            Self::Cluster(nodes) => nodes.as_slice(),
        };
        let start = rotation.load(Ordering::Relaxed);
        let mut last_error = None;
        for offset in 0..nodes.len() {
            let index = (start + offset) % nodes.len();
            match subscribe_on(&nodes[index], channel).await {
                Ok(pubsub) => {
                    // The next attempt starts with the node after this one.
                    rotation.store(index + 1, Ordering::Relaxed);
                    return Ok(pubsub);
                }
                Err(err) => last_error = Some(err),
            }
        }
        Err(last_error
            .unwrap_or_else(|| redis::RedisError::from((redis::ErrorKind::Io, "no Redis node listed"))))
    }
}

async fn subscribe_on(client: &Client, channel: &str) -> redis::RedisResult<PubSub> {
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.subscribe(channel).await?;
    Ok(pubsub)
}

/// The command connection: cheap to clone, shared by every request.
#[derive(Clone)]
pub enum Commands {
    Single(ConnectionManager),
    Cluster(ClusterConnection),
}

impl ConnectionLike for Commands {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Self::Single(conn) => conn.req_packed_command(cmd),
            Self::Cluster(conn) => conn.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Self::Single(conn) => conn.req_packed_commands(pipeline, offset, count),
            Self::Cluster(conn) => conn.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Self::Single(conn) => conn.get_db(),
            Self::Cluster(conn) => conn.get_db(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes(url: &str) -> Vec<String> {
        match Target::parse(url) {
            Ok(Target::Cluster(nodes)) => nodes
                .iter()
                .map(|n| format!("{:?}", n.get_connection_info().addr()))
                .collect(),
            Ok(Target::Single(_)) => vec!["single".to_owned()],
            Err(err) => vec![format!("error: {err}")],
        }
    }

    #[test]
    fn a_plain_url_is_one_server() {
        assert_eq!(nodes("redis://127.0.0.1:6379"), ["single"]);
    }

    #[test]
    fn a_cluster_url_lists_its_nodes() {
        let listed = nodes("redis+cluster://u:secret@10.0.0.1:7000, 10.0.0.2:7001/0");
        assert_eq!(listed.len(), 2, "{listed:?}");
        assert!(
            listed[0].contains("10.0.0.1") && listed[0].contains("7000"),
            "{listed:?}"
        );
        assert!(
            listed[1].contains("10.0.0.2") && listed[1].contains("7001"),
            "{listed:?}"
        );
    }

    #[test]
    fn a_cluster_url_passes_its_credentials_to_every_node() {
        let Ok(Target::Cluster(nodes)) = Target::parse("redis+cluster://u:secret@a:1,b:2") else {
            panic!("not a cluster");
        };
        for node in nodes {
            let redis = node.get_connection_info().redis_settings();
            assert_eq!(redis.username(), Some("u"));
            assert_eq!(redis.password(), Some("secret"));
        }
    }

    #[test]
    fn a_cluster_url_without_nodes_is_refused() {
        assert!(Target::parse("redis+cluster://").is_err());
        assert!(Target::parse("redis+cluster://,").is_err());
    }
}
