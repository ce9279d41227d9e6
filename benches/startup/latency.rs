//! A TCP proxy on loopback that adds a fixed delay to every byte in each direction, so a
//! request and its answer cost one round trip more: 40 ms each way in front of moto makes every
//! AWS call cost 80 ms more, as a call to a region does; 1 ms each way in front of MariaDB makes
//! every MySQL round trip cost 2 ms more, as a database in the same region does.
//!
//! The delay is latency, not a bandwidth cap: bytes read at `t` are written at `t + delay`
//! whatever else is in flight, in order, so pipelined requests overlap as they would on a real
//! link. Connection set-up is not delayed (a real first call also pays TCP's and TLS's round
//! trips; the figures are therefore a floor for cold connections).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::Instant;

/// A running proxy; dropping it stops accepting (open connections end with their peers).
pub struct LatencyProxy {
    pub addr: SocketAddr,
    counts: Arc<Counts>,
    accept: tokio::task::JoinHandle<()>,
}

#[derive(Default)]
struct Counts {
    connections: AtomicU64,
    /// Reads from clients that followed a read from the server (or opened the connection):
    /// for HTTP/1.1 and MySQL's request-response protocol, one request each.
    requests: AtomicU64,
}

impl LatencyProxy {
    /// Listens on a free loopback port and forwards each connection to `upstream`, each
    /// direction delayed by `one_way`.
    pub async fn start(upstream: SocketAddr, one_way: Duration) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let counts = Arc::new(Counts::default());
        let shared = counts.clone();
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let counts = shared.clone();
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    counts.connections.fetch_add(1, Ordering::Relaxed);
                    let _ = client.set_nodelay(true);
                    let _ = server.set_nodelay(true);
                    relay(client, server, one_way, counts).await;
                });
            }
        });
        Ok(Self {
            addr,
            counts,
            accept,
        })
    }

    /// Connections and requests forwarded so far.
    pub fn counts(&self) -> (u64, u64) {
        (
            self.counts.connections.load(Ordering::Relaxed),
            self.counts.requests.load(Ordering::Relaxed),
        )
    }
}

impl Drop for LatencyProxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// Which side spoke last on a connection, to count requests.
#[derive(Default)]
struct Turn(std::sync::atomic::AtomicBool);

async fn relay(client: TcpStream, server: TcpStream, one_way: Duration, counts: Arc<Counts>) {
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    let turn = Arc::new(Turn::default());
    let upstream = {
        let turn = turn.clone();
        let counts = counts.clone();
        pipe(client_read, server_write, one_way, move || {
            // A client read after the server's answer (or first on the connection) starts a
            // request.
            if !turn.0.swap(true, Ordering::Relaxed) {
                counts.requests.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    let downstream = pipe(server_read, client_write, one_way, move || {
        turn.0.store(false, Ordering::Relaxed);
    });
    tokio::join!(upstream, downstream);
}

/// Copies `from` to `to`, each chunk written `delay` after it was read; `on_read` runs on each
/// read. The write half is shut down `delay` after the read half ends.
async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    delay: Duration,
    on_read: impl Fn() + Send + 'static,
) {
    let (tx, mut rx) = mpsc::unbounded_channel::<(Instant, Option<Vec<u8>>)>();
    let reader = async move {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match from.read(&mut buf).await {
                Ok(0) | Err(_) => {
                    let _ = tx.send((Instant::now(), None));
                    return;
                }
                Ok(n) => {
                    on_read();
                    if tx.send((Instant::now(), Some(buf[..n].to_vec()))).is_err() {
                        return;
                    }
                }
            }
        }
    };
    let writer = async move {
        while let Some((read_at, chunk)) = rx.recv().await {
            tokio::time::sleep_until(read_at + delay).await;
            match chunk {
                Some(bytes) => {
                    if to.write_all(&bytes).await.is_err() {
                        return;
                    }
                }
                None => {
                    let _ = to.shutdown().await;
                    return;
                }
            }
        }
    };
    tokio::join!(reader, writer);
}
