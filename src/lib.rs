//! Yorisoi: a support-intake desk for customers who cannot simply pick up the phone.
//!
//! `main` and every test build the app the same way: [`App::start`] connects to the
//! database, applies migrations and returns the app ready to [`App::serve`].

pub mod assets;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod entities;
pub mod error;
pub mod i18n;
pub mod mail;
pub mod paths;
pub mod services;
pub mod views;
pub mod web;

pub use config::Config;
pub use error::Error;

use clock::Clock;
use services::passwords::Hasher;
use std::sync::Arc;
use tokio::net::TcpListener;
use web::AppState;

/// Why the app could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database could not be reached or migrated.
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    /// Password hashing could not be set up.
    #[error("{0}")]
    Hash(#[from] services::passwords::HashError),
    /// Listening or serving failed.
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
    /// The mail settings cannot be used.
    #[error("{0}")]
    Mail(String),
}

/// The app, connected and migrated.
#[derive(Clone)]
pub struct App {
    state: AppState,
    relay: mail::Relay,
}

impl App {
    /// Connects to the configured database and applies pending migrations.
    pub async fn start(config: Config, clock: Arc<dyn Clock>) -> Result<App, StartError> {
        let db = db::connect(&config.database_url).await?;
        db::migrate(&db).await?;
        let hashing_at_once = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        let hasher = Hasher::new(hashing_at_once)?;
        let transport = match &config.smtp_url {
            Some(url) => mail::Transport::smtp(url)
                .map_err(|e| StartError::Mail(format!("SMTP_URL: {e}")))?,
            None => mail::Transport::Files(config.mail_dir.clone()),
        };
        let from = mail::transport::parse_mailbox(&config.mail_from)
            .map_err(|e| StartError::Mail(format!("MAIL_FROM: {e}")))?;
        let reply_to = match &config.desk_email {
            Some(address) => Some(
                mail::transport::parse_mailbox(address)
                    .map_err(|e| StartError::Mail(format!("YORISOI_DESK_EMAIL: {e}")))?,
            ),
            None => None,
        };
        let state = AppState::new(db, config, clock, hasher);
        let relay = mail::Relay::new(
            state.db.clone(),
            transport,
            state.clock.clone(),
            from,
            state.mail_wake.clone(),
            state.config.relay_poll,
        )
        .with_reply_to(reply_to);
        Ok(App { state, relay })
    }

    /// The outbox relay, which `serve` runs in the background.
    pub fn relay(&self) -> &mail::Relay {
        &self.relay
    }

    /// The shared state, for tests and commands.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The router, ready to serve.
    pub fn router(&self) -> axum::Router {
        web::router(self.state.clone())
    }

    /// While no staff account exists, makes a one-time setup link and returns it.
    pub async fn setup_link(&self) -> Result<Option<String>, sea_orm::DbErr> {
        let token = services::setup::issue_token(&self.state.db, self.state.now()).await?;
        Ok(token.map(|t| self.state.config.link(&paths::public::setup(t.expose()))))
    }

    /// Serves on a listener until `shutdown` completes: each minute it sends due session
    /// reminders, expires proxy registrations past their end date and reminds proxies of
    /// ones ending soon; at start and hourly it prunes stale sign-in data, abandoned journeys
    /// and old rate-limit counts, deletes closed incidents kept for their full time, and
    /// refreshes the query planner's statistics. On PostgreSQL it listens for chat messages
    /// written through other instances.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), StartError> {
        let state = self.state.clone();
        let pruner = tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
            loop {
                every.tick().await;
                if let Err(e) = services::accounts::prune(&state.db, state.now()).await {
                    tracing::warn!(error = %e, "could not prune old sign-in data");
                }
                if let Err(e) = services::drafts::prune(&state.db, state.now()).await {
                    tracing::warn!(error = %e, "could not prune old journeys");
                }
                if let Err(e) = services::limits::prune(&state.db, state.now()).await {
                    tracing::warn!(error = %e, "could not prune old rate-limit counts");
                }
                match services::incidents::retention::delete_expired(&state.db, state.now()).await {
                    Ok(0) => {}
                    Ok(n) => {
                        tracing::info!(incidents = n, "closed incidents past their time deleted")
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "could not delete closed incidents past their time")
                    }
                }
                if let Err(e) = db::refresh_statistics(&state.db).await {
                    tracing::warn!(error = %e, "could not refresh the query planner's statistics");
                }
            }
        });
        let state = self.state.clone();
        let reminders = tokio::spawn(async move {
            let mut every = tokio::time::interval(state.config.reminder_poll);
            loop {
                every.tick().await;
                match services::booking::reminders::send_due_reminders(
                    &state.db,
                    state.now(),
                    &state.config,
                )
                .await
                {
                    Ok(0) => {}
                    Ok(n) => {
                        tracing::info!(reminders = n, "session reminders written");
                        state.mail_waiting();
                    }
                    Err(e) => tracing::warn!(error = %e, "could not send session reminders"),
                }
                // A registration's proxy can do nothing after its end date whether or not
                // this has run; this records the end and tells them.
                let (db, now, config) = (&state.db, state.now(), &state.config);
                match services::proxies::expiry::expire_due(db, now, config).await {
                    Ok(0) => {}
                    Ok(n) => {
                        tracing::info!(registrations = n, "proxy registrations expired");
                        state.mail_waiting();
                    }
                    Err(e) => tracing::warn!(error = %e, "could not expire proxy registrations"),
                }
                // Sessions nobody ended by hand are asked about once their time is over;
                // only those of the last two days, so that none from long ago is.
                let since = now - time::Duration::days(2);
                match services::feedback::ask_about_ended_sessions(db, now, config, since).await {
                    Ok(0) => {}
                    Ok(n) => {
                        tracing::info!(sessions = n, "customers asked how their session went");
                        state.mail_waiting();
                    }
                    Err(e) => tracing::warn!(error = %e, "could not ask about ended sessions"),
                }
                match services::feedback::digest::send_if_due(db, now, config).await {
                    Ok(0) => {}
                    Ok(n) => {
                        tracing::info!(staff = n, "weekly feedback digest written");
                        state.mail_waiting();
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "could not write the weekly feedback digest")
                    }
                }
                match services::proxies::expiry::send_expiry_reminders(db, now, config).await {
                    Ok(0) => {}
                    Ok(n) => {
                        tracing::info!(reminders = n, "proxy expiry reminders written");
                        state.mail_waiting();
                    }
                    Err(e) => tracing::warn!(error = %e, "could not send proxy expiry reminders"),
                }
            }
        });
        let relay = tokio::spawn(self.relay.clone().run());
        let chat_news = tokio::spawn(services::chat_hub::listen(
            self.state.db.clone(),
            self.state.chat_hub.clone(),
        ));
        let limits = self.state.config.limits.clone();
        let hub = self.state.chat_hub.clone();
        // Live chat pages hold their connections open: they let go when shutdown begins.
        let shutdown = async move {
            shutdown.await;
            hub.close();
        };
        let served = web::server::serve(listener, self.router(), limits, shutdown).await;
        pruner.abort();
        reminders.abort();
        relay.abort();
        chat_news.abort();
        served.map_err(StartError::from)
    }
}
