//! Small helpers shared by the form handlers.

use super::AppState;
use super::context::ClientIp;
use crate::domain::Token;
use crate::services::drafts;
use axum::http::StatusCode;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use maud::Markup;

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
