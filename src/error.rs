//! The one error type of the app, and how it becomes a page.
//!
//! A handler that fails returns an [`Error`]; it becomes a bare status here, and the page
//! middleware in `web` dresses every error status in the layout, in the visitor's language,
//! with the request id on the 500 page. The cause is logged, never shown.

use crate::services::attention::HoursError;
use crate::services::booking::BookingError;
use crate::services::proxies::ProxyError;
use crate::services::requests::RequestError;
use crate::services::staff::StaffError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sea_orm::DbErr;

/// Everything that can go wrong while answering a request.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The thing asked for does not exist, or the visitor may not know it exists.
    #[error("not found")]
    NotFound,
    /// The visitor is signed in but lacks the permission, or the form's token was missing.
    #[error("forbidden")]
    Forbidden,
    /// The visitor has asked for too much lately; they may try again in a few minutes.
    #[error("too many requests")]
    TooMany,
    /// What was sent is larger than the desk keeps.
    #[error("too large")]
    TooLarge,
    /// The database failed, or a row held a value the code does not know.
    #[error("the database failed")]
    Database(#[from] DbErr),
    /// A use-case stopped for a reason the handler has no page of its own for; the cause is
    /// kept for the log.
    #[error("a use-case failed")]
    Service(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// Anything else that should not happen.
    #[error("{0}")]
    Internal(String),
}

/// Marks a response whose body the page middleware must replace with an error page.
#[derive(Clone, Copy, Debug)]
pub struct ErrorPage;

impl Error {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            Error::NotFound => StatusCode::NOT_FOUND,
            Error::Forbidden => StatusCode::FORBIDDEN,
            Error::TooMany => StatusCode::TOO_MANY_REQUESTS,
            Error::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Error::Database(_) | Error::Service(_) | Error::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            // The request id is on the surrounding span, so this line can be found from the
            // id the visitor reads on the 500 page.
            tracing::error!(error = %Causes(&self), "request failed");
        }
        let mut response = status.into_response();
        if status == StatusCode::TOO_MANY_REQUESTS {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("300"),
            );
        }
        response.extensions_mut().insert(ErrorPage);
        response
    }
}

/// An error and every cause under it, as one line: `a use-case failed: the session is not
/// booked`.
struct Causes<'a>(&'a (dyn std::error::Error + 'static));

impl std::fmt::Display for Causes<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cause = self.0.source();
        while let Some(e) = cause {
            write!(f, ": {e}")?;
            cause = e.source();
        }
        Ok(())
    }
}

/// The database failures of a use-case stay database failures; any other refusal that
/// reaches the handler unanswered is a 500 that keeps the use-case's error as its cause.
macro_rules! from_service_errors {
    ($($error:ident),+ $(,)?) => {$(
        impl From<$error> for Error {
            fn from(e: $error) -> Self {
                match e {
                    $error::Database(e) => Error::Database(e),
                    other => Error::Service(Box::new(other)),
                }
            }
        }
    )+};
}

from_service_errors!(
    BookingError,
    HoursError,
    ProxyError,
    RequestError,
    StaffError
);

impl From<crate::services::drafts::DraftError> for Error {
    fn from(e: crate::services::drafts::DraftError) -> Self {
        use crate::services::drafts::DraftError;
        match e {
            DraftError::TooMany => Error::TooMany,
            DraftError::TooLarge => Error::TooLarge,
            DraftError::Database(e) => Error::Database(e),
        }
    }
}

/// The result type of handlers and services.
pub type Result<T, E = Error> = std::result::Result<T, E>;
