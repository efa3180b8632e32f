//! Redis Cluster nodes going away, on two-node clusters the tests build themselves: node A
//! serves every slot; node B serves none (so it can die while the cluster stays up), or is
//! A's replica (so it can take over when A dies).

use std::time::Duration;

use majlis::counters::{RateLimit, RedisState, SharedState};
use majlis::metrics::Metrics;

use super::own_redis::OwnRedis;
use super::{event, receive, redis_url, unique};

/// The channel `RedisState::connect` subscribes to (the default namespace).
const CHANNEL: &str = "majlis:events";

async fn query<T: redis::FromRedisValue>(
    conn: &mut redis::aio::MultiplexedConnection,
    cmd: &redis::Cmd,
) -> T {
    cmd.query_async(conn).await.expect("cluster set-up command")
}

async fn cluster_ok(conn: &mut redis::aio::MultiplexedConnection) -> bool {
    let info: String = query(conn, redis::cmd("CLUSTER").arg("INFO")).await;
    info.lines().any(|line| line.trim() == "cluster_state:ok")
}

async fn subscribers(conn: &mut redis::aio::MultiplexedConnection) -> i64 {
    let (_, count): (String, i64) = query(conn, redis::cmd("PUBSUB").arg("NUMSUB").arg(CHANNEL)).await;
    count
}

/// A serves every slot and meets B; returns once both see the cluster up.
async fn form_cluster(
    conn_a: &mut redis::aio::MultiplexedConnection,
    conn_b: &mut redis::aio::MultiplexedConnection,
    port_b: u16,
) {
    let _: String = query(
        conn_a,
        redis::cmd("CLUSTER").arg("ADDSLOTSRANGE").arg(0).arg(16383),
    )
    .await;
    let _: String = query(
        conn_a,
        redis::cmd("CLUSTER").arg("MEET").arg("127.0.0.1").arg(port_b),
    )
    .await;
    let formed = async {
        while !(cluster_ok(conn_a).await && cluster_ok(conn_b).await) {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(20), formed)
        .await
        .expect("the two-node cluster never formed");
}

/// Makes the node on `conn` a replica of `master_id`; returns once its first sync is done.
async fn replicate(conn: &mut redis::aio::MultiplexedConnection, master_id: &str) {
    // The node may not know the master's id yet.
    while redis::cmd("CLUSTER")
        .arg("REPLICATE")
        .arg(master_id)
        .query_async::<String>(conn)
        .await
        .is_err()
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    loop {
        let info: String = query(conn, redis::cmd("INFO").arg("replication")).await;
        if info.contains("master_link_status:up") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

type Conn = redis::aio::MultiplexedConnection;

/// Nodes A and B of a cluster of the test's own, A serving every slot and B joined with none,
/// with a connection to each; `None` (the test skips) without the shared test Redis or a
/// `redis-server` to start.
async fn two_node_cluster() -> Option<(OwnRedis, OwnRedis, Conn, Conn)> {
    redis_url()?;
    let (port_a, port_b) = free_ports();
    let (Some(a), Some(b)) = (
        OwnRedis::start_cluster_node(port_a),
        OwnRedis::start_cluster_node(port_b),
    ) else {
        eprintln!("note: no redis-server on PATH; skipping the cluster fail-over test");
        return None;
    };
    let (mut conn_a, mut conn_b) = (a.connection().await, b.connection().await);
    form_cluster(&mut conn_a, &mut conn_b, port_b).await;
    Some((a, b, conn_a, conn_b))
}

fn free_ports() -> (u16, u16) {
    let bind = || std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
    let (a, b) = (bind(), bind());
    let port = |l: &std::net::TcpListener| l.local_addr().expect("address").port();
    (port(&a), port(&b))
}

#[tokio::test]
async fn the_event_subscriber_moves_to_another_cluster_node_when_its_node_dies() {
    // Arrange: A serves every slot, B joins it with none.
    let Some((a, b, mut conn_a, mut conn_b)) = two_node_cluster().await else {
        return;
    };
    let (port_a, port_b) = (a.port, b.port);
    // B listed first: the subscriber starts there.
    let url = format!("redis+cluster://127.0.0.1:{port_b},127.0.0.1:{port_a}");
    let state = RedisState::connect(&url, Metrics::new().expect("metrics"))
        .await
        .expect("connect to the test cluster");
    let mut rx = state.subscribe();
    assert_eq!(subscribers(&mut conn_b).await, 1, "subscribed on B");
    assert_eq!(subscribers(&mut conn_a).await, 0, "not on A");
    let before = event(&unique("before"));
    state.publish(&before).await.expect("publish");
    receive(&mut rx, &before).await.expect("heard through B");

    // Act
    drop(conn_b);
    drop(b);

    // Assert: events flow again, now through A.
    let after = event(&unique("after"));
    let recovered = async {
        loop {
            if state.publish(&after).await.is_ok() && receive(&mut rx, &after).await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(20), recovered)
        .await
        .expect("events never resumed after B died");
    assert_eq!(subscribers(&mut conn_a).await, 1, "the subscriber moved to A");
}

#[tokio::test]
async fn rate_limits_follow_a_failover_to_the_replica() {
    // Arrange: B replicates A, which serves every slot.
    let Some((a, b, mut conn_a, mut conn_b)) = two_node_cluster().await else {
        return;
    };
    let (port_a, port_b) = (a.port, b.port);
    let a_id: String = query(&mut conn_a, redis::cmd("CLUSTER").arg("MYID")).await;
    tokio::time::timeout(Duration::from_secs(20), replicate(&mut conn_b, &a_id))
        .await
        .expect("B never became A's replica");
    let url = format!("redis+cluster://127.0.0.1:{port_a},127.0.0.1:{port_b}");
    let state = RedisState::connect(&url, Metrics::new().expect("metrics"))
        .await
        .expect("connect to the test cluster");
    let limit = RateLimit {
        burst: 1,
        per_minute: 1,
    };

    // Act: A dies; B takes its slots over (what the cluster does on its own after
    // `cluster-node-timeout` when other masters can vote; this one has none).
    drop(conn_a);
    drop(a);
    let _: String = query(&mut conn_b, redis::cmd("CLUSTER").arg("FAILOVER").arg("TAKEOVER")).await;

    // Assert: buckets are kept in Redis again, now on B (not in the in-process fallback).
    let followed = async {
        loop {
            let key = unique("failover");
            state.take_token(&key, limit).await;
            let exists: i64 = query(
                &mut conn_b,
                redis::cmd("EXISTS").arg(format!("majlis:rl:{{}}:{key}")),
            )
            .await;
            if exists == 1 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(20), followed)
        .await
        .expect("rate limits never reached the new master");
}
