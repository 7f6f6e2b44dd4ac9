//! Small helpers shared by the form handlers.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::Markup;

/// A page re-displayed because its form was rejected: 422, with what was typed kept.
pub fn rejected(page: Markup) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}

/// A redirect after a successful POST (303 See Other), so reloading does not post again.
pub fn see_other(path: &str) -> Response {
    Redirect::to(path).into_response()
}

/// Keeps a "come back to" path only when it stays on this site and under `prefix`.
pub fn local_path(raw: &str, prefix: &str) -> Option<String> {
    let ok = raw.starts_with(prefix)
        && raw.starts_with('/')
        && !raw.starts_with("//")
        && !raw.contains('\\')
        // It goes into a Location header: no control character may.
        && !raw.chars().any(char::is_control)
        && !raw.contains("://");
    ok.then(|| raw.to_owned())
}

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
        assert_eq!(local_path("/staff/\0", "/staff"), None);
        assert_eq!(local_path("/staff/\t", "/staff"), None);
    }
}
