//! The one error type of the app, and how it becomes a page.
//!
//! A handler that fails returns an [`Error`]; it becomes a bare status here, and the page
//! middleware in `web` dresses every error status in the layout, in the visitor's language,
//! with the request id on the 500 page. The cause is logged, never shown.

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
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] DbErr),
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
            Error::Database(_) | Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            // The request id is on the surrounding span, so this line can be found from the
            // id the visitor reads on the 500 page.
            tracing::error!(error = %self, "request failed");
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
