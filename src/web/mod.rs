//! HTTP: the router, the middleware every request passes through, and the handlers.

pub mod audit;
pub mod booking;
pub mod chat;
pub mod chat_live;
pub mod contact;
pub mod context;
pub mod cookies;
pub mod door;
pub mod feedback;
pub mod feedback_measures;
pub mod forms;
pub mod improvements;
pub mod incident_reports;
pub mod incident_signals;
pub mod incidents;
pub mod journey;
pub mod measures;
pub mod not_me;
pub mod outbox;
pub mod proxy_apply;
pub mod proxy_portal;
pub mod public;
pub mod qualifications;
pub mod requests;
pub mod routes;
pub mod schedule;
pub mod server;
pub mod setup;
pub mod staff;
pub mod staff_feedback;
pub mod staff_proxies;
pub mod staff_requests;
pub mod staff_room;
mod view_models;

use crate::clock::Clock;
use crate::config::Config;
use crate::services::passwords::Hasher;
use crate::services::{Actor, UseCase};
use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;

pub use routes::{Access, RouteSpec};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The contents of [`AppState`].
pub struct Shared {
    /// The database pool.
    pub db: DatabaseConnection,
    /// The settings.
    pub config: Config,
    /// Where "now" comes from.
    pub clock: Arc<dyn Clock>,
    /// Password hashing, bounded.
    pub hasher: Hasher,
    /// Wakes the outbox relay after a transaction that wrote an email.
    pub mail_wake: Arc<tokio::sync::Notify>,
    /// The host named in `Message-ID`s.
    pub mail_host: String,
    /// The calendars behind the pages that show free times.
    pub calendars: crate::services::calendar::ScheduleCache,
    /// The desk's written ways in and the card stop route, as pages show them.
    pub contacts: crate::services::contact::ContactCache,
    /// The chat rooms followed live, and their bells.
    pub chat_hub: Arc<crate::services::chat_hub::Hub>,
}

impl AppState {
    /// Bundles the shared parts.
    pub fn new(
        db: DatabaseConnection,
        config: Config,
        clock: Arc<dyn Clock>,
        hasher: Hasher,
    ) -> Self {
        let mail_host = crate::config::mail_domain(&config.base_url);
        AppState(Arc::new(Shared {
            db,
            config,
            clock,
            hasher,
            mail_wake: Arc::default(),
            mail_host,
            calendars: Default::default(),
            contacts: Default::default(),
            chat_hub: Arc::default(),
        }))
    }

    /// Tells the relay that an email is waiting: for the background jobs, which write
    /// emails outside a use-case (a use-case's commit tells it itself).
    pub fn mail_waiting(&self) {
        self.0.mail_wake.notify_one();
    }

    /// The current instant.
    pub fn now(&self) -> time::OffsetDateTime {
        self.0.clock.now()
    }

    /// A use-case's context for `actor`, now: committing it wakes the relay.
    pub fn act<'a>(&'a self, actor: &'a Actor) -> UseCase<'a> {
        UseCase {
            db: &self.db,
            now: self.now(),
            config: &self.config,
            actor,
            mail_wake: &self.mail_wake,
        }
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The content security policy: nothing inline, nothing from elsewhere.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
font-src 'self'; connect-src 'self'; form-action 'self'; object-src 'none'; base-uri 'none'; \
frame-ancestors 'none'";

/// The whole app as a router.
pub fn router(state: AppState) -> Router {
    let (routes, _) = routes::build();
    let static_headers = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    let app = routes
        .fallback(public::not_found)
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            context::panic_response,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            context::page_context,
        ))
        .with_state(state);
    let inner = app.clone();
    let mut app =
        Router::new().fallback_service(tower::service_fn(move |req| {
            let app = inner.clone();
            async move {
                Ok::<_, std::convert::Infallible>(context::show_stale_forms_again(app, req).await)
            }
        }));
    for (name, value) in static_headers {
        app = app.layer(SetResponseHeaderLayer::overriding(
            name,
            HeaderValue::from_static(value),
        ));
    }
    app
}
