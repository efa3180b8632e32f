//! The event subscriber moving to another Redis Cluster node when its node goes away, on a
//! two-node cluster the test builds itself: node A serves every slot, node B none, so B can
//! be killed while the cluster stays up.

use std::time::Duration;

use majlis::counters::{RedisState, SharedState};
use majlis::metrics::Metrics;

use super::{event, receive, redis_url, unique};

/// The channel `RedisState::connect` subscribes to (the default namespace).
const CHANNEL: &str = "majlis:events";

/// A cluster-enabled `redis-server` of the test's own, in its own directory.
struct ClusterNode {
    port: u16,
    child: std::process::Child,
    dir: std::path::PathBuf,
}

impl ClusterNode {
    fn start(port: u16) -> Option<Self> {
        let dir = std::env::temp_dir().join(format!("majlis-cluster-node-{port}"));
        std::fs::create_dir_all(&dir).ok()?;
        let child = std::process::Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"])
            .args(["--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(&dir)
            .stdout(std::process::Stdio::null())
            .spawn()
            .ok()?;
        Some(Self { port, child, dir })
    }

    async fn connection(&self) -> redis::aio::MultiplexedConnection {
        let client = redis::Client::open(format!("redis://127.0.0.1:{}", self.port)).expect("client");
        for _ in 0..100 {
            if let Ok(mut conn) = client.get_multiplexed_async_connection().await
                && redis::cmd("PING").query_async::<String>(&mut conn).await.is_ok()
            {
                return conn;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("redis-server on port {} never answered", self.port);
    }
}

impl Drop for ClusterNode {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

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

fn free_ports() -> (u16, u16) {
    let bind = || std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
    let (a, b) = (bind(), bind());
    let port = |l: &std::net::TcpListener| l.local_addr().expect("address").port();
    (port(&a), port(&b))
}

#[tokio::test]
async fn the_event_subscriber_moves_to_another_cluster_node_when_its_node_dies() {
    if redis_url().is_none() {
        return;
    }
    let (port_a, port_b) = free_ports();
    let (Some(a), Some(b)) = (ClusterNode::start(port_a), ClusterNode::start(port_b)) else {
        eprintln!("note: no redis-server on PATH; skipping the cluster fail-over test");
        return;
    };
    let (mut conn_a, mut conn_b) = (a.connection().await, b.connection().await);
    // Arrange: A serves every slot, B joins it with none.
    let _: String = query(
        &mut conn_a,
        redis::cmd("CLUSTER").arg("ADDSLOTSRANGE").arg(0).arg(16383),
    )
    .await;
    let _: String = query(
        &mut conn_a,
        redis::cmd("CLUSTER").arg("MEET").arg("127.0.0.1").arg(port_b),
    )
    .await;
    let formed = async {
        while !(cluster_ok(&mut conn_a).await && cluster_ok(&mut conn_b).await) {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(20), formed)
        .await
        .expect("the two-node cluster never formed");
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
