//! A `redis-server` of a test's own (plain, or a cluster node in a directory of its own), so
//! the test can take it away and bring it back. Shared by `tests/counters.rs` and `tests/api`.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct OwnRedis {
    pub port: u16,
    child: Child,
    /// A cluster node's directory (its `nodes.conf`), removed with the node.
    dir: Option<PathBuf>,
}

impl OwnRedis {
    /// A plain server on `port`; `None` without `redis-server` on the PATH.
    pub fn start(port: u16) -> Option<Self> {
        Self::spawn(port, Command::new("redis-server"), None)
    }

    /// A cluster-enabled server on `port`, in a directory of its own.
    pub fn start_cluster_node(port: u16) -> Option<Self> {
        let dir = std::env::temp_dir().join(format!("majlis-cluster-node-{port}"));
        std::fs::create_dir_all(&dir).ok()?;
        let mut command = Command::new("redis-server");
        command
            .args(["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"])
            // A replica's first sync starts at once, not after the default 5 s.
            .args(["--repl-diskless-sync-delay", "0"])
            .arg("--dir")
            .arg(&dir);
        Self::spawn(port, command, Some(dir))
    }

    fn spawn(port: u16, mut command: Command, dir: Option<PathBuf>) -> Option<Self> {
        let child = command
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
            .ok()?;
        Some(Self { port, child, dir })
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// A connection, once the server answers `PING` (within 5 s, or the test fails).
    pub async fn connection(&self) -> redis::aio::MultiplexedConnection {
        let client = redis::Client::open(self.url()).expect("client");
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

impl Drop for OwnRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
