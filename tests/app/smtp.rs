//! A small SMTP receiver for tests: it speaks enough SMTP over TCP for a real client to
//! deliver to it, and keeps what arrived. It can be stopped and started again on its port,
//! take its time over each message, and say how many messages were in flight at once.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// One message as it arrived.
#[derive(Debug, Clone)]
pub struct Arrived {
    pub from: String,
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

impl Arrived {
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(&self.data)
            .expect("a parsable message")
    }

    pub fn message_id(&self) -> String {
        self.parsed().message_id().unwrap_or_default().to_owned()
    }
}

/// Messages being delivered (from `MAIL FROM` to the answer to their data), now and at most.
#[derive(Debug, Default)]
struct InFlight {
    now: AtomicUsize,
    most: AtomicUsize,
}

impl InFlight {
    fn start(&self) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
    }

    fn end(&self) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A receiver on a loopback port.
pub struct Receiver {
    pub port: u16,
    arrived: Arc<Mutex<Vec<Arrived>>>,
    in_flight: Arc<InFlight>,
    /// How long it takes over each message before accepting it.
    delay: Duration,
    task: Option<JoinHandle<()>>,
}

impl Receiver {
    /// Starts on a free port.
    pub async fn start() -> Receiver {
        Receiver::slow(Duration::ZERO).await
    }

    /// Starts on a free port, taking `delay` over each message, as a busy server does.
    pub async fn slow(delay: Duration) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut receiver = Receiver {
            port,
            arrived: Arc::default(),
            in_flight: Arc::default(),
            delay,
            task: None,
        };
        receiver.listen(listener);
        receiver
    }

    /// A receiver that is not listening yet, with a port reserved for it.
    pub async fn down() -> Receiver {
        let port = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Receiver {
            port,
            arrived: Arc::default(),
            in_flight: Arc::default(),
            delay: Duration::ZERO,
            task: None,
        }
    }

    /// Starts listening on its port again.
    pub async fn up(&mut self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.unwrap();
        self.listen(listener);
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn arrived(&self) -> Vec<Arrived> {
        self.arrived.lock().unwrap().clone()
    }

    /// The most messages that were being delivered to it at the same time.
    pub fn most_in_flight(&self) -> usize {
        self.in_flight.most.load(Ordering::SeqCst)
    }

    /// Waits until at least `n` messages arrived, for up to `seconds`.
    pub async fn wait_for(&self, n: usize, seconds: u64) -> Vec<Arrived> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
        loop {
            let arrived = self.arrived();
            if arrived.len() >= n || std::time::Instant::now() > deadline {
                return arrived;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    fn listen(&mut self, listener: TcpListener) {
        let arrived = self.arrived.clone();
        let in_flight = self.in_flight.clone();
        let delay = self.delay;
        self.task = Some(tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let arrived = arrived.clone();
                let in_flight = in_flight.clone();
                tokio::spawn(async move {
                    let mut delivering = false;
                    let _ = session(stream, arrived, &in_flight, &mut delivering, delay).await;
                    if delivering {
                        in_flight.end();
                    }
                });
            }
        }));
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

async fn session(
    stream: tokio::net::TcpStream,
    arrived: Arc<Mutex<Vec<Arrived>>>,
    in_flight: &InFlight,
    delivering: &mut bool,
    delay: Duration,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 receiver ready\r\n").await?;
    let mut from = String::new();
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let upper = command.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            write
                .write_all(b"250-receiver\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 PIPELINING\r\n")
                .await?;
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            write.write_all(b"250 ok\r\n").await?;
        } else if upper.starts_with("RSET") {
            from.clear();
            to.clear();
            if std::mem::take(delivering) {
                in_flight.end();
            }
            write.write_all(b"250 ok\r\n").await?;
        } else if upper.starts_with("MAIL FROM:") {
            if !std::mem::replace(delivering, true) {
                in_flight.start();
            }
            from = command[10..]
                .trim()
                .trim_matches(['<', '>'])
                .split('>')
                .next()
                .unwrap_or_default()
                .to_owned();
            write.write_all(b"250 ok\r\n").await?;
        } else if upper.starts_with("RCPT TO:") {
            to.push(command[8..].trim().trim_matches(['<', '>']).to_owned());
            write.write_all(b"250 ok\r\n").await?;
        } else if upper == "DATA" {
            write.write_all(b"354 go ahead\r\n").await?;
            let mut data = Vec::new();
            loop {
                let mut chunk = String::new();
                if lines.read_line(&mut chunk).await? == 0 {
                    return Ok(());
                }
                if chunk == ".\r\n" {
                    break;
                }
                let chunk = chunk.strip_prefix('.').map(str::to_owned).unwrap_or(chunk);
                data.extend_from_slice(chunk.as_bytes());
            }
            tokio::time::sleep(delay).await;
            // The end of the data ends the transaction: a second message on the same
            // connection starts again from `MAIL FROM` with its own recipients.
            arrived.lock().unwrap().push(Arrived {
                from: std::mem::take(&mut from),
                to: std::mem::take(&mut to),
                data,
            });
            if std::mem::take(delivering) {
                in_flight.end();
            }
            write.write_all(b"250 queued\r\n").await?;
        } else if upper.starts_with("QUIT") {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            write.write_all(b"502 not implemented\r\n").await?;
        }
    }
}
