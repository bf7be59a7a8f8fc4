//! The accept loop: HTTP/1.1 connections served by hyper with limits that keep idle sockets
//! from starving the server — at most [`WebConfig::max_connections`] open at once (a
//! connection beyond it is closed as soon as it is accepted, so the listener's queue never
//! fills), and a connection that has not sent a complete request head within
//! [`WebConfig::header_read_timeout`] is closed, whether it is new or idle between requests
//! (hyper starts that clock each time it waits for a request).
//!
//! It serves; it does not route or decide anything (that is [`crate::router`]).

use crate::WebConfig;
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt;

/// The connection cap when the configuration leaves it to the open-file limit: three quarters
/// of the process's soft limit (the rest stays for database connections, files and logs), at
/// least 64; 1 000 where the limit cannot be read.
pub fn default_max_connections() -> usize {
    open_file_limit()
        .map(|limit| (limit / 4 * 3).clamp(64, 100_000))
        .unwrap_or(1_000)
}

#[cfg(unix)]
fn open_file_limit() -> Option<usize> {
    let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile);
    limit.current.and_then(|n| usize::try_from(n).ok())
}

#[cfg(not(unix))]
fn open_file_limit() -> Option<usize> {
    None
}

/// Serves `router` on `listener` until `shutdown` completes, then waits for the connections'
/// requests in flight to be answered.
pub(crate) async fn run(
    listener: TcpListener,
    router: Router,
    config: &WebConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let permits = Arc::new(Semaphore::new(config.max_connections.max(1)));
    let header_read_timeout = config.header_read_timeout;
    // Each connection holds a receiver: dropping the sender asks them to finish gracefully,
    // and `closed()` completes once every one of them has.
    let (stop, stopping) = watch::channel(());
    let (done, all_done) = watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    let mut refused: u64 = 0;
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(error) => {
                    if !is_connection_error(&error) {
                        // Out of file descriptors, most likely: back off rather than spin.
                        tracing::error!(%error, "accepting a connection failed");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            refused += 1;
            if refused.is_power_of_two() {
                tracing::warn!(
                    refused,
                    limit = config.max_connections,
                    "too many open connections: new ones are closed"
                );
            }
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = router
            .clone()
            .map_request(move |request: axum::http::Request<Incoming>| {
                let mut request = request.map(Body::new);
                request.extensions_mut().insert(ConnectInfo(remote));
                request
            });
        let mut stopping = stopping.clone();
        let done = all_done.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let _done = done;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_read_timeout)
                .keep_alive(true);
            let connection =
                builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(error) = result {
                        tracing::trace!(%error, %remote, "connection ended");
                    }
                    return;
                }
                _ = stopping.changed() => {}
            }
            connection.as_mut().graceful_shutdown();
            if let Err(error) = connection.await {
                tracing::trace!(%error, %remote, "connection ended during shutdown");
            }
        });
    }
    drop(listener);
    drop(stop);
    drop(all_done);
    done.closed().await;
    Ok(())
}

/// Errors of one connection (the peer gave up before it was accepted): accept the next one.
fn is_connection_error(error: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(
        error.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset
    )
}
