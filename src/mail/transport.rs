//! How an email leaves: over SMTP with lettre, or as a `.eml` file in a folder when no mail
//! server is configured.

use lettre::message::Mailbox;
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;

/// Emails one relay sends at once, and so the SMTP connections it has open to send them;
/// the connection pool keeps no more than that between batches.
pub const SENDING: usize = 8;

/// Where emails go.
#[derive(Clone)]
pub enum Transport {
    /// A mail server, through lettre's pooled asynchronous SMTP transport.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// A folder of `.eml` files.
    Files(PathBuf),
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Transport::Smtp(_) => f.write_str("Transport::Smtp"),
            Transport::Files(dir) => write!(f, "Transport::Files({})", dir.display()),
        }
    }
}

impl Transport {
    /// Reads an SMTP URL the way lettre's `from_url` does: `smtp://host:port` in plain text,
    /// `smtp://user:pass@host:587?tls=required` for STARTTLS, `smtps://` for TLS on connect.
    pub fn smtp(url: &str) -> Result<Transport, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| e.to_string())?
            .timeout(Some(Duration::from_secs(30)))
            .pool_config(PoolConfig::new().max_size(SENDING as u32))
            .build();
        Ok(Transport::Smtp(transport))
    }

    /// Checks an SMTP URL without connecting or starting anything.
    pub fn check_url(url: &str) -> Result<(), String> {
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// Sends one message. `file_stem` names the file when writing to a folder.
    pub async fn send(&self, message: Message, file_stem: &str) -> Result<(), String> {
        match self {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Transport::Files(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| format!("{}: {e}", dir.display()))?;
                let path = dir.join(format!("{file_stem}.eml"));
                let partial = dir.join(format!(".{file_stem}.eml.partial"));
                // Written whole, then renamed, so a reader never sees half a message.
                tokio::fs::write(&partial, message.formatted())
                    .await
                    .map_err(|e| format!("{}: {e}", partial.display()))?;
                tokio::fs::rename(&partial, &path)
                    .await
                    .map_err(|e| format!("{}: {e}", path.display()))
            }
        }
    }
}

/// Parses a sender such as `Yorisoi <desk@example.jp>`.
pub fn parse_mailbox(raw: &str) -> Result<Mailbox, String> {
    raw.parse::<Mailbox>().map_err(|e| e.to_string())
}
