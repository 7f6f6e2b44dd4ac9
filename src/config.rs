//! Settings, read from the environment. Every setting has a default that runs with nothing
//! configured; a setting that cannot be used stops start-up with one line naming it.

use crate::domain::TrustedProxies;
use std::net::SocketAddr;
use std::time::Duration;
use time_tz::Tz;

/// Everything the server needs to know about where it runs.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where the data lives: a `sqlite:` file or a `postgres://` server.
    pub database_url: String,
    /// The address and port to listen on.
    pub bind: SocketAddr,
    /// The address people use to reach the desk, without a trailing slash; used in links.
    pub base_url: String,
    /// The desk's time zone, in which every time is shown.
    pub timezone: &'static Tz,
    /// The name of the desk's time zone, such as `Asia/Tokyo`.
    pub timezone_name: String,
    /// An address where visitors can report a problem with the site, if the desk has one.
    pub contact_email: Option<String>,
    /// The desk's own email address, which replies to every email reach (its `Reply-To`),
    /// if the desk reads one; without it, emails come from a no-reply sender and point to
    /// the request form and the desk's other written ways in.
    pub desk_email: Option<String>,
    /// The mail server, as an SMTP URL; without one, emails are written to `mail_dir`.
    pub smtp_url: Option<String>,
    /// The sender of every email, such as `Yorisoi <desk@example.jp>`.
    pub mail_from: String,
    /// Where emails are written as `.eml` files when there is no mail server.
    pub mail_dir: std::path::PathBuf,
    /// How often the outbox relay looks for due emails besides being woken.
    pub relay_poll: std::time::Duration,
    /// How often session reminders that have fallen due are sent.
    pub reminder_poll: std::time::Duration,
    /// The server's limits on its clients' time and number.
    pub limits: Limits,
    /// New journeys (drafts kept on the server) one address may start in an hour.
    pub new_journeys_per_hour: u64,
    /// The reverse proxies whose `Forwarded` and `X-Forwarded-For` headers are believed.
    pub trusted_proxies: TrustedProxies,
}

/// How long and how many: the server's limits on its clients.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The longest a client may take to send a request's headers.
    pub header_read: Duration,
    /// The longest a client may take to send a request's body.
    pub body_read: Duration,
    /// How long a connection with no request in flight stays open.
    pub idle: Duration,
    /// How long requests in flight may take to finish once shutdown begins.
    pub shutdown_grace: Duration,
    /// How long an answer may wait for its client to take the next part (a client that
    /// stopped reading a live page) before its connection is closed.
    pub write_stall: Duration,
    /// The most connections open at once.
    pub max_connections: usize,
}

/// Descriptors kept back from connections: the database pool, the SMTP pool, files, logs.
const RESERVED_DESCRIPTORS: usize = 128;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read: Duration::from_secs(20),
            body_read: Duration::from_secs(30),
            idle: Duration::from_secs(30),
            shutdown_grace: Duration::from_secs(20),
            write_stall: Duration::from_secs(60),
            max_connections: default_max_connections(descriptor_limit()),
        }
    }
}

/// The connection cap for a descriptor limit: what is left after the reserve, within reason.
pub fn default_max_connections(descriptor_limit: Option<u64>) -> usize {
    let limit = descriptor_limit.unwrap_or(1024).min(1 << 20) as usize;
    limit.saturating_sub(RESERVED_DESCRIPTORS).clamp(16, 50_000)
}

/// The process's soft limit on open files, from `/proc/self/limits` where there is one.
fn descriptor_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    let soft = line.split_whitespace().nth(3)?;
    // "unlimited" reads as no number, which falls back to the default.
    soft.parse().ok()
}

/// A setting that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: {problem}")]
pub struct ConfigError {
    /// The environment variable at fault.
    pub variable: &'static str,
    /// What is wrong with it, in one sentence.
    pub problem: String,
}

/// The SQLite file used when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://yorisoi.db?mode=rwc";
/// The address used when `YORISOI_BIND` is not set.
pub const DEFAULT_BIND: &str = "127.0.0.1:3000";
/// New journeys one address may start in an hour when `YORISOI_NEW_JOURNEYS_PER_HOUR` is
/// not set: far more than one household needs, far fewer than would fill a disk.
pub const DEFAULT_NEW_JOURNEYS_PER_HOUR: u64 = 60;
/// The zone used when `YORISOI_TIMEZONE` is not set.
pub const DEFAULT_TIMEZONE: &str = "Asia/Tokyo";

impl Config {
    /// Reads the settings from the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup`, so tests need not touch the environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());

        let database_url = get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        check_database_url(&database_url)?;

        let bind_raw = get("YORISOI_BIND").unwrap_or_else(|| DEFAULT_BIND.to_owned());
        let bind: SocketAddr = bind_raw.trim().parse().map_err(|_| ConfigError {
            variable: "YORISOI_BIND",
            problem: format!("`{bind_raw}` is not an address and port such as 127.0.0.1:3000"),
        })?;

        let base_url = match get("YORISOI_BASE_URL") {
            Some(raw) => parse_base_url(&raw)?,
            None => format!("http://{bind}"),
        };

        let timezone_name = get("YORISOI_TIMEZONE").unwrap_or_else(|| DEFAULT_TIMEZONE.to_owned());
        let timezone =
            time_tz::timezones::get_by_name(timezone_name.trim()).ok_or_else(|| ConfigError {
                variable: "YORISOI_TIMEZONE",
                problem: format!("`{timezone_name}` is not a time zone name such as Asia/Tokyo"),
            })?;

        let contact_email = match get("YORISOI_CONTACT_EMAIL") {
            None => None,
            Some(raw) => Some(
                crate::domain::Email::parse(&raw)
                    .map_err(|_| ConfigError {
                        variable: "YORISOI_CONTACT_EMAIL",
                        problem: format!("`{raw}` is not an email address"),
                    })?
                    .to_string(),
            ),
        };

        let desk_email = match get("YORISOI_DESK_EMAIL") {
            None => None,
            Some(raw) => Some(
                crate::domain::Email::parse(&raw)
                    .map_err(|_| ConfigError {
                        variable: "YORISOI_DESK_EMAIL",
                        problem: format!("`{raw}` is not an email address such as desk@example.jp"),
                    })?
                    .to_string(),
            ),
        };

        let smtp_url = get("SMTP_URL").map(|s| s.trim().to_owned());
        if let Some(url) = &smtp_url {
            crate::mail::Transport::check_url(url).map_err(|e| ConfigError {
                variable: "SMTP_URL",
                problem: format!(
                    "cannot be used ({e}); write it like smtp://host:25 or smtps://user:pass@host"
                ),
            })?;
        }
        let mail_from = match get("MAIL_FROM") {
            Some(raw) => raw.trim().to_owned(),
            None => format!("Yorisoi <no-reply@{}>", mail_domain(&base_url)),
        };
        crate::mail::transport::parse_mailbox(&mail_from).map_err(|_| ConfigError {
            variable: "MAIL_FROM",
            problem: format!("`{mail_from}` is not a sender such as Yorisoi <desk@example.jp>"),
        })?;
        let mail_dir = get("MAIL_DIR").unwrap_or_else(|| "mail".to_owned()).into();

        let mut limits = Limits::default();
        if let Some(raw) = get("YORISOI_MAX_CONNECTIONS") {
            limits.max_connections = raw
                .trim()
                .parse()
                .ok()
                .filter(|n: &usize| *n > 0)
                .ok_or_else(|| ConfigError {
                    variable: "YORISOI_MAX_CONNECTIONS",
                    problem: format!("`{raw}` is not a number of connections such as 500"),
                })?;
        }
        let new_journeys_per_hour = match get("YORISOI_NEW_JOURNEYS_PER_HOUR") {
            None => DEFAULT_NEW_JOURNEYS_PER_HOUR,
            Some(raw) => raw
                .trim()
                .parse()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| ConfigError {
                    variable: "YORISOI_NEW_JOURNEYS_PER_HOUR",
                    problem: format!("`{raw}` is not a number such as 60"),
                })?,
        };
        let trusted_proxies = match get("YORISOI_TRUSTED_PROXIES") {
            None => TrustedProxies::default(),
            Some(raw) => TrustedProxies::parse(&raw).map_err(|bad| ConfigError {
                variable: "YORISOI_TRUSTED_PROXIES",
                problem: format!(
                    "`{bad}` is not an address or range such as 127.0.0.1 or 10.0.0.0/8"
                ),
            })?,
        };

        Ok(Config {
            smtp_url,
            mail_from,
            mail_dir,
            relay_poll: std::time::Duration::from_secs(5),
            reminder_poll: std::time::Duration::from_secs(60),
            limits,
            new_journeys_per_hour,
            trusted_proxies,
            contact_email,
            desk_email,
            database_url,
            bind,
            base_url,
            timezone,
            timezone_name: timezone_name.trim().to_owned(),
        })
    }

    /// Whether people reach the desk over HTTPS, so that cookies must be `Secure`.
    pub fn is_https(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    /// A full link to a path on the desk.
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
}

/// The host of the base URL, for the sender address and `Message-ID`s; `localhost` when the
/// host is an IP address or has no dot.
pub fn mail_domain(base_url: &str) -> String {
    let host = base_url
        .split("://")
        .nth(1)
        .unwrap_or_default()
        .split(['/', ':'])
        .next()
        .unwrap_or_default();
    let is_name = host.contains('.')
        && host.chars().any(|c| c.is_ascii_alphabetic())
        && !host.starts_with('[');
    if is_name {
        host.to_owned()
    } else {
        "localhost".to_owned()
    }
}

fn check_database_url(url: &str) -> Result<(), ConfigError> {
    let known = ["sqlite:", "postgres://", "postgresql://"];
    if known.iter().any(|scheme| url.starts_with(scheme)) {
        Ok(())
    } else {
        Err(ConfigError {
            variable: "DATABASE_URL",
            problem: "must start with sqlite: (a file) or postgres:// (a server)".to_owned(),
        })
    }
}

fn parse_base_url(raw: &str) -> Result<String, ConfigError> {
    let value = raw.trim().trim_end_matches('/');
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    let ok = match rest {
        Some(host) => !host.is_empty() && !host.contains(['?', '#', ' ']) && !host.starts_with('/'),
        None => false,
    };
    if ok {
        Ok(value.to_owned())
    } else {
        Err(ConfigError {
            variable: "YORISOI_BASE_URL",
            problem: format!("`{raw}` is not an address such as https://support.example.jp"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn runs_with_nothing_set() {
        let config = with(&[]).unwrap();
        assert_eq!(config.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(config.bind.to_string(), "127.0.0.1:3000");
        assert_eq!(config.base_url, "http://127.0.0.1:3000");
        assert_eq!(config.timezone_name, "Asia/Tokyo");
        assert!(!config.is_https());
    }

    #[test]
    fn names_the_setting_at_fault() {
        let err = with(&[("YORISOI_BIND", "nowhere")]).unwrap_err();
        assert_eq!(err.variable, "YORISOI_BIND");
        assert!(err.to_string().starts_with("YORISOI_BIND: `nowhere`"));
        assert_eq!(
            with(&[("YORISOI_TIMEZONE", "Mars/Olympus")])
                .unwrap_err()
                .variable,
            "YORISOI_TIMEZONE"
        );
        assert_eq!(
            with(&[("DATABASE_URL", "mysql://x")]).unwrap_err().variable,
            "DATABASE_URL"
        );
        assert_eq!(
            with(&[("YORISOI_BASE_URL", "support.example.jp")])
                .unwrap_err()
                .variable,
            "YORISOI_BASE_URL"
        );
    }

    #[test]
    fn mail_settings_default_and_are_checked() {
        let config = with(&[]).unwrap();
        assert_eq!(config.smtp_url, None);
        assert_eq!(config.mail_dir, std::path::PathBuf::from("mail"));
        assert_eq!(config.mail_from, "Yorisoi <no-reply@localhost>");
        assert_eq!(config.desk_email, None);
        assert_eq!(
            with(&[("YORISOI_DESK_EMAIL", " desk@example.jp ")])
                .unwrap()
                .desk_email
                .as_deref(),
            Some("desk@example.jp")
        );
        assert_eq!(
            with(&[("YORISOI_DESK_EMAIL", "the desk")])
                .unwrap_err()
                .variable,
            "YORISOI_DESK_EMAIL"
        );
        let named = with(&[("YORISOI_BASE_URL", "https://support.example.jp")]).unwrap();
        assert_eq!(named.mail_from, "Yorisoi <no-reply@support.example.jp>");
        assert_eq!(
            with(&[("MAIL_FROM", "not an address")])
                .unwrap_err()
                .variable,
            "MAIL_FROM"
        );
        assert_eq!(
            with(&[("SMTP_URL", "ftp://x")]).unwrap_err().variable,
            "SMTP_URL"
        );
        assert!(with(&[("SMTP_URL", "smtp://127.0.0.1:2525")]).is_ok());
        assert!(
            with(&[(
                "SMTP_URL",
                "smtp://user:pass@mail.example.jp:587?tls=required"
            )])
            .is_ok()
        );
    }

    #[test]
    fn the_connection_cap_stays_below_the_descriptor_limit() {
        assert_eq!(default_max_connections(Some(1024)), 896);
        assert_eq!(default_max_connections(Some(100)), 16);
        assert_eq!(default_max_connections(None), 896);
        assert_eq!(default_max_connections(Some(u64::MAX)), 50_000);
        assert_eq!(
            with(&[("YORISOI_MAX_CONNECTIONS", "500")])
                .unwrap()
                .limits
                .max_connections,
            500
        );
        assert_eq!(
            with(&[("YORISOI_MAX_CONNECTIONS", "lots")])
                .unwrap_err()
                .variable,
            "YORISOI_MAX_CONNECTIONS"
        );
    }

    #[test]
    fn https_base_url_means_secure_cookies() {
        let config = with(&[("YORISOI_BASE_URL", "https://support.example.jp/")]).unwrap();
        assert_eq!(config.base_url, "https://support.example.jp");
        assert!(config.is_https());
        assert_eq!(config.link("/staff"), "https://support.example.jp/staff");
    }
}
