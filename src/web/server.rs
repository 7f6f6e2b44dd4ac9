//! Serving connections with limits, so that slow or idle clients cannot take the server.
//!
//! Each connection is HTTP/1.1 (the desk sits behind a TLS proxy or is reached directly on a
//! small network). A connection that has no request in flight — it is still sending its
//! headers, or it is an idle keep-alive — is closed after [`Limits::idle`], and hyper closes
//! one whose headers take longer than [`Limits::header_read`]. Request bodies are read under
//! [`Limits::body_read`] by the page middleware. At most [`Limits::max_connections`] are open
//! at once, below the process's descriptor limit; when a new client arrives at the cap, the
//! connection that has been quiet longest makes way for it (or, when all are busy, the one
//! whose request has stalled longest), so a flood of slow sockets never stops a real request
//! (or the health check) from being answered for more than a moment. An answer whose client
//! stops reading it (a live page left open on a dead network) is dropped after
//! [`Limits::write_stall`]. On shutdown no new
//! connections are taken, quiet ones close at once, and requests in flight get
//! [`Limits::shutdown_grace`] to finish.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tower::ServiceExt;

pub use crate::config::Limits;

/// How long a request may be in flight before, at the connection cap, its connection may be
/// closed to make room: far longer than any page takes to answer.
const STALLED_AFTER: Duration = Duration::from_secs(2);

/// One open connection, as the accept loop sees it.
struct Conn {
    /// Requests in flight, from the moment headers are read until the response is sent.
    busy: AtomicUsize,
    /// When it last had nothing in flight, in milliseconds since the server started.
    quiet_since: AtomicU64,
    /// When its requests in flight began, in milliseconds since the server started.
    busy_since: AtomicU64,
    /// When its answer last took a part to send, in milliseconds since the server started;
    /// zero while no answer is being sent.
    sent_at: AtomicU64,
    /// Told to close at once.
    close: Notify,
}

/// The open connections.
struct Registry {
    started: Instant,
    next_id: Mutex<(u64, HashMap<u64, Arc<Conn>>)>,
    emptied: Notify,
}

impl Registry {
    fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    fn open(&self) -> usize {
        self.lock().1.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (u64, HashMap<u64, Arc<Conn>>)> {
        self.next_id.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn add(&self) -> (u64, Arc<Conn>) {
        let conn = Arc::new(Conn {
            busy: AtomicUsize::new(0),
            quiet_since: AtomicU64::new(self.now_ms()),
            busy_since: AtomicU64::new(0),
            sent_at: AtomicU64::new(0),
            close: Notify::new(),
        });
        let mut guard = self.lock();
        guard.0 += 1;
        let id = guard.0;
        guard.1.insert(id, conn.clone());
        (id, conn)
    }

    fn remove(&self, id: u64) {
        let mut guard = self.lock();
        guard.1.remove(&id);
        if guard.1.is_empty() {
            self.emptied.notify_waiters();
        }
    }

    /// Makes room for a new connection: closes the one that has been quiet longest or, when
    /// every one has a request in flight, the one whose request has run longest if that is
    /// longer than [`STALLED_AFTER`] (a body sent a byte at a time, an answer never read).
    /// Says whether one was closed.
    fn evict_quietest(&self) -> bool {
        let now = self.now_ms();
        let mut guard = self.lock();
        let quiet = |c: &Conn| c.busy.load(Ordering::Acquire) == 0;
        let quietest = guard
            .1
            .iter()
            .filter(|(_, c)| quiet(c))
            .min_by_key(|(_, c)| c.quiet_since.load(Ordering::Acquire))
            .or_else(|| {
                guard
                    .1
                    .iter()
                    .filter(|(_, c)| {
                        now.saturating_sub(c.busy_since.load(Ordering::Acquire))
                            > STALLED_AFTER.as_millis() as u64
                    })
                    .min_by_key(|(_, c)| c.busy_since.load(Ordering::Acquire))
            })
            .map(|(id, c)| (*id, c.clone()));
        match quietest {
            Some((id, conn)) => {
                guard.1.remove(&id);
                conn.close.notify_one();
                true
            }
            None => false,
        }
    }
}

/// Marks a connection busy while a request is in flight.
struct Busy {
    conn: Arc<Conn>,
    registry: Arc<Registry>,
}

impl Busy {
    fn new(conn: Arc<Conn>, registry: Arc<Registry>) -> Self {
        if conn.busy.fetch_add(1, Ordering::AcqRel) == 0 {
            conn.busy_since.store(registry.now_ms(), Ordering::Release);
        }
        Busy { conn, registry }
    }
}

impl Busy {
    /// Notes that the answer is being sent: it took a part, or asked for one, now.
    fn sending(&self) {
        // Never zero, which means "not sending".
        let now = self.registry.now_ms().max(1);
        self.conn.sent_at.store(now, Ordering::Release);
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.conn.sent_at.store(0, Ordering::Release);
        self.conn
            .quiet_since
            .store(self.registry.now_ms(), Ordering::Release);
        self.conn.busy.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A response body that keeps its connection marked busy until it has been sent, and notes
/// each time the connection asks it for more (a client that stops reading stops asking).
struct Tracked {
    inner: Body,
    busy: Busy,
}

impl http_body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        self.busy.sending();
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// What every connection of one server shares: the app, the limits, the open connections,
/// and the signal that shutdown has begun.
#[derive(Clone)]
struct Shared {
    router: Router,
    limits: Arc<Limits>,
    registry: Arc<Registry>,
    stop_seen: watch::Receiver<bool>,
}

/// Serves `router` on `listener` under `limits` until `shutdown` completes, then lets requests
/// in flight finish within the grace period.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let registry = Arc::new(Registry {
        started: Instant::now(),
        next_id: Mutex::new((0, HashMap::new())),
        emptied: Notify::new(),
    });
    let limits = Arc::new(limits);
    let (stopping, stop_seen) = watch::channel(false);
    let shared = Shared {
        router,
        limits: limits.clone(),
        registry: registry.clone(),
        stop_seen,
    };
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of descriptors or similar: wait a moment rather than spin.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        if registry.open() >= limits.max_connections && !registry.evict_quietest() {
            // Every connection has a request in flight: this one is turned away.
            tracing::warn!("at the connection limit with every connection busy");
            drop(stream);
            continue;
        }
        let (id, conn) = registry.add();
        tokio::spawn(connection(stream, peer, shared.clone(), id, conn));
    }
    drop(listener);
    let _ = stopping.send(true);
    let deadline = tokio::time::Instant::now() + limits.shutdown_grace;
    loop {
        let emptied = registry.emptied.notified();
        if registry.open() == 0 {
            break;
        }
        if tokio::time::timeout_at(deadline, emptied).await.is_err() {
            tracing::warn!(
                connections = registry.open(),
                "requests still in flight at the end of the shutdown grace period"
            );
            break;
        }
    }
    Ok(())
}

/// Serves one connection until it ends, idles out, is evicted or shutdown is done with it.
async fn connection(stream: TcpStream, peer: SocketAddr, shared: Shared, id: u64, conn: Arc<Conn>) {
    let Shared {
        router,
        limits,
        registry,
        mut stop_seen,
    } = shared;
    let service = {
        let (conn, registry) = (conn.clone(), registry.clone());
        hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            let busy = Busy::new(conn.clone(), registry.clone());
            req.extensions_mut().insert(ConnectInfo(peer));
            let router = router.clone();
            async move {
                let response = match router.oneshot(req.map(Body::new)).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                };
                busy.sending();
                Ok::<_, Infallible>(response.map(|inner| Body::new(Tracked { inner, busy })))
            }
        })
    };
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read)
        .keep_alive(true);
    let served = builder.serve_connection(TokioIo::new(stream), service);
    let mut served = std::pin::pin!(served);
    let mut draining = *stop_seen.borrow();
    if draining {
        served.as_mut().graceful_shutdown();
    }
    let check_every = limits.idle.min(Duration::from_secs(1));
    loop {
        tokio::select! {
            result = served.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                break;
            }
            () = conn.close.notified() => break,
            changed = stop_seen.changed(), if !draining => {
                draining = true;
                if changed.is_err() || conn.busy.load(Ordering::Acquire) == 0 {
                    break;
                }
                served.as_mut().graceful_shutdown();
            }
            () = tokio::time::sleep(check_every) => {
                let quiet = conn.busy.load(Ordering::Acquire) == 0;
                let quiet_for = registry
                    .now_ms()
                    .saturating_sub(conn.quiet_since.load(Ordering::Acquire));
                if quiet && (draining || quiet_for >= limits.idle.as_millis() as u64) {
                    break;
                }
                let sent_at = conn.sent_at.load(Ordering::Acquire);
                let stalled_for = registry.now_ms().saturating_sub(sent_at);
                if sent_at != 0 && stalled_for >= limits.write_stall.as_millis() as u64 {
                    tracing::debug!("closing a connection whose client stopped reading");
                    break;
                }
            }
        }
    }
    registry.remove(id);
}
