//! Small helpers shared by the form handlers.

use super::AppState;
use super::context::ClientIp;
use crate::domain::Token;
use crate::services::drafts;
use crate::views::PageContext;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::Markup;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// A submitted form read into `T`. A name sent twice counts once, as its first value (a
/// browser never sends a field twice unless the page asks it to, and a form that does —
/// boxes to tick — reads them all with `axum_extra`'s form). A body that is not a form,
/// or a value of the wrong kind, answers 400 with the error page.
#[derive(Debug)]
pub struct Form<T>(pub T);

/// The query string read into `T`, each name counted once as its first value; see [`Form`].
#[derive(Debug)]
pub struct Query<T>(pub T);

/// `T` from name–value pairs, each name's first value kept.
fn first_values<T: DeserializeOwned>(pairs: Vec<(String, String)>) -> Result<T, StatusCode> {
    let mut seen = std::collections::HashSet::new();
    let kept: Vec<(String, String)> = pairs
        .into_iter()
        .filter(|(name, _)| seen.insert(name.clone()))
        .collect();
    let encoded = serde_urlencoded::to_string(&kept).map_err(|_| StatusCode::BAD_REQUEST)?;
    serde_urlencoded::from_str(&encoded).map_err(|_| StatusCode::BAD_REQUEST)
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Form(pairs) = axum::Form::<Vec<(String, String)>>::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        first_values(pairs)
            .map(Form)
            .map_err(IntoResponse::into_response)
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Query(pairs) =
            axum::extract::Query::<Vec<(String, String)>>::from_request_parts(parts, state)
                .await
                .map_err(IntoResponse::into_response)?;
        first_values(pairs)
            .map(Query)
            .map_err(IntoResponse::into_response)
    }
}

/// A page re-displayed because its form was rejected: 422, with what was typed kept.
pub fn rejected(page: Markup) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}

/// A redirect after a successful POST (303 See Other), so reloading does not post again.
/// A target that cannot be a header value (it never should be: paths are built by the app
/// or come through [`local_path`]) goes to the start page rather than failing.
pub fn see_other(path: &str) -> Response {
    let target = HeaderValue::from_str(path).unwrap_or(HeaderValue::from_static("/"));
    (StatusCode::SEE_OTHER, [(header::LOCATION, target)]).into_response()
}

/// Keeps a "come back to" path only when a browser would resolve it to this site, under
/// `prefix`. The address is read as a WHATWG URL parser reads it (as browsers do, dropping
/// tabs and newlines and turning `\` into `/`), so `/\t/evil.example` is refused like
/// `//evil.example`; any control character refuses it outright. What is kept is the parser's
/// own serialisation of the path, query and fragment, percent-encoded and safe in a header.
pub fn local_path(raw: &str, prefix: &str) -> Option<String> {
    // No path of this site has a backslash, which browsers read as a slash.
    if !raw.starts_with('/') || raw.contains('\\') || raw.chars().any(|c| c.is_control()) {
        return None;
    }
    let site = url::Url::parse(SITE).ok()?;
    let resolved = site.join(raw).ok()?;
    if resolved.origin() != site.origin() {
        return None;
    }
    let mut kept = resolved.path().to_owned();
    if let Some(query) = resolved.query() {
        kept.push('?');
        kept.push_str(query);
    }
    if let Some(fragment) = resolved.fragment() {
        kept.push('#');
        kept.push_str(fragment);
    }
    // The parser removes dot segments, so `/staff/../book` is checked as `/book`.
    let under = kept == prefix
        || prefix == "/"
        || kept
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with(['/', '?', '#']));
    under.then_some(kept)
}

/// Keeps a journey's answers: under its token when it is under way, or under a new token as
/// a journey started from the client's address, within the limit on new journeys (a
/// [`crate::Error::TooMany`] past it). Returns the token and whether it is new.
pub async fn keep_journey<J: drafts::Journey>(
    state: &AppState,
    token: Option<Token>,
    draft: &J,
    client: &ClientIp,
) -> crate::error::Result<(Token, bool)> {
    let now = state.now();
    match token {
        Some(token) => {
            drafts::save_now(&state.db, now, &token, draft).await?;
            Ok((token, false))
        }
        None => {
            let token = Token::generate();
            let per_hour = state.config.new_journeys_per_hour;
            drafts::start(&state.db, now, &token, draft, client.0.as_deref(), per_hour).await?;
            Ok((token, true))
        }
    }
}

/// A stand-in origin to resolve paths against; only its being one origin matters.
/// `?done=…`: what the form before the redirect did, for the page's notice.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DoneQuery {
    pub done: String,
}

impl DoneQuery {
    /// The notice for what was done, from the page's table of `(done, message key)`.
    pub fn notice(
        &self,
        ctx: &PageContext,
        table: &[(&str, &'static str)],
    ) -> Option<&'static str> {
        table
            .iter()
            .find(|(done, _)| *done == self.done)
            .map(|(_, key)| crate::i18n::t(ctx.lang, key))
    }
}

const SITE: &str = "http://site.invalid/";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_come_back() {
        assert_eq!(
            local_path("/staff/users", "/staff").as_deref(),
            Some("/staff/users")
        );
        assert_eq!(local_path("//evil.example/staff", "/"), None);
        assert_eq!(local_path("https://evil.example", "/"), None);
        assert_eq!(local_path("/\\evil.example", "/"), None);
        assert_eq!(local_path("/accessibility", "/staff"), None);
        assert_eq!(local_path("/staffroom", "/staff"), None);
        assert_eq!(local_path("/staff/../book", "/staff"), None);
        assert_eq!(local_path("/staff/\0", "/staff"), None);
        assert_eq!(local_path("/staff/\t", "/staff"), None);
    }

    #[test]
    fn paths_a_browser_would_take_elsewhere_are_refused() {
        for raw in [
            "/\t/evil.example/x",
            "/\t\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\\evil.example",
            "/\u{0}x",
            "/\u{1}",
            "/\u{1f}",
            "/\u{7f}",
            "/\u{85}",
            " //evil.example",
            "/ /evil.example",
            "///evil.example",
        ] {
            let kept = local_path(raw, "/");
            assert!(
                kept.as_deref().is_none_or(|p| !p.starts_with("//")),
                "{raw:?} kept as {kept:?}"
            );
            assert!(
                kept.as_deref()
                    .is_none_or(|p| HeaderValue::from_str(p).is_ok()),
                "{raw:?} kept as {kept:?}"
            );
        }
        assert_eq!(local_path("/\t/evil.example/x", "/"), None);
        assert_eq!(local_path("/\u{1}", "/"), None);
    }

    #[test]
    fn a_kept_path_is_encoded_for_a_header() {
        assert_eq!(
            local_path("/requests/new?q=ひらがな", "/").as_deref(),
            Some("/requests/new?q=%E3%81%B2%E3%82%89%E3%81%8C%E3%81%AA")
        );
        assert_eq!(local_path("/book#top", "/").as_deref(), Some("/book#top"));
    }
}
