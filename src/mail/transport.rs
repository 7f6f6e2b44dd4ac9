//! How an email leaves: over SMTP with lettre, or as a `.eml` file in a folder when no mail
//! server is configured.

use lettre::message::Mailbox;
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
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

    /// Sends one message. `file_stem` names the file when writing to a folder; a message
    /// sent again gets a new file next to the first, never replacing it.
    pub async fn send(&self, message: Message, file_stem: &str) -> Result<(), String> {
        match self {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Transport::Files(dir) => write_new_file(dir, file_stem, &message.formatted())
                .await
                .map(|_| ()),
        }
    }
}

/// The name of the `copy`th file written for one stem: `{stem}.eml` first, then
/// `{stem}.resent-2.eml`, `{stem}.resent-3.eml`, … which list after the first by name.
fn file_name(stem: &str, copy: u32) -> String {
    match copy {
        1 => format!("{stem}.eml"),
        n => format!("{stem}.resent-{n}.eml"),
    }
}

/// Writes an email into `dir` as a new file named from `stem`, and answers its path.
///
/// An email sent again after a crash (at least once is the promise) gets a file of its own
/// rather than replacing the first: the first is what a reader may already have opened.
/// The content is written whole under a hidden temporary name and then hard-linked to the
/// first free name, which fails instead of replacing a file that exists, so that a reader
/// never sees half a message and two writers never take the same name.
async fn write_new_file(dir: &Path, stem: &str, content: &[u8]) -> Result<PathBuf, String> {
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let partial = dir.join(format!(".{stem}.{:016x}.partial", rand::random::<u64>()));
    tokio::fs::write(&partial, content)
        .await
        .map_err(|e| format!("{}: {e}", partial.display()))?;
    let mut copy = 1;
    let linked = loop {
        let path = dir.join(file_name(stem, copy));
        match tokio::fs::hard_link(&partial, &path).await {
            Ok(()) => break Ok(path),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => copy += 1,
            Err(e) => break Err(format!("{}: {e}", path.display())),
        }
    };
    if let Err(e) = tokio::fs::remove_file(&partial).await {
        // The email itself is in place; only the hidden temporary name is left over.
        tracing::warn!(error = %e, file = %partial.display(), "could not remove a temporary email file");
    }
    linked
}

/// Parses a sender such as `Yorisoi <desk@example.jp>`.
pub fn parse_mailbox(raw: &str) -> Result<Mailbox, String> {
    raw.parse::<Mailbox>().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_message_written_again_gets_a_new_file_and_the_first_stays() {
        let dir = tempfile::tempdir().unwrap();
        let mut written = Vec::new();
        for n in 1..=3 {
            let content = format!("copy {n}");
            written.push(
                write_new_file(dir.path(), "00000012-kind", content.as_bytes())
                    .await
                    .unwrap(),
            );
        }
        let names: Vec<_> = written
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "00000012-kind.eml",
                "00000012-kind.resent-2.eml",
                "00000012-kind.resent-3.eml"
            ]
        );
        for (n, path) in written.iter().enumerate() {
            assert_eq!(
                std::fs::read_to_string(path).unwrap(),
                format!("copy {}", n + 1)
            );
        }
        let mut all: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        all.sort();
        assert_eq!(all, names, "no temporary file is left behind");
    }
}
