//! The app's cookies: their names, and how each is written (`HttpOnly`, `SameSite=Lax`,
//! path `/`, `Secure` over HTTPS) and read, through `axum-extra`'s [`CookieJar`].

use crate::domain::Token;
pub use axum_extra::extract::cookie::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};

/// The session cookie of a signed-in staff member.
pub const SESSION: &str = "yorisoi_session";
/// The session cookie of a signed-in proxy.
pub const PROXY_SESSION: &str = "yorisoi_proxy";
/// The CSRF token every form carries back.
pub const CSRF: &str = "yorisoi_csrf";
/// The language the visitor chose.
pub const LANG: &str = "yorisoi_lang";
/// The visitor's display preferences.
pub const PREFS: &str = "yorisoi_prefs";
/// The visitor's unfinished booking journey.
pub const BOOKING: &str = "yorisoi_book";
/// The visitor's unfinished proxy application.
pub const PROXY_APPLICATION: &str = "yorisoi_apply";

/// Names the unfinished support request kept on the server.
pub const REQUEST: &str = "yorisoi_request";

/// How long a cookie lives.
#[derive(Debug, Clone, Copy)]
pub enum Lifetime {
    /// Until the browser closes.
    Session,
    /// For 30 days.
    Month,
    /// For about a year.
    Year,
    /// Deleted now.
    Expired,
}

/// One of the app's cookies, to add to a [`CookieJar`] that goes out with the response.
pub fn cookie(
    name: &'static str,
    value: impl Into<String>,
    lifetime: Lifetime,
    secure: bool,
) -> Cookie<'static> {
    let mut cookie = Cookie::build((name, value.into()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure);
    match lifetime {
        Lifetime::Session => {}
        Lifetime::Month => cookie = cookie.max_age(time::Duration::days(30)),
        Lifetime::Year => cookie = cookie.max_age(time::Duration::days(365)),
        Lifetime::Expired => cookie = cookie.max_age(time::Duration::ZERO),
    }
    cookie.build()
}

/// The token a cookie carries, if it has a token's shape.
pub fn token(jar: &CookieJar, name: &str) -> Option<Token> {
    jar.get(name).and_then(|c| Token::from_presented(c.value()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_http_only_lax_and_secure_only_when_asked() {
        let plain = cookie(LANG, "en", Lifetime::Year, false).to_string();
        assert!(plain.starts_with("yorisoi_lang=en"), "{plain}");
        for part in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=31536000"] {
            assert!(plain.contains(part), "{plain} lacks {part}");
        }
        assert!(!plain.contains("Secure"));
        assert!(
            cookie(LANG, "en", Lifetime::Session, true)
                .to_string()
                .contains("Secure")
        );
        let gone = cookie(SESSION, "", Lifetime::Expired, true).to_string();
        assert!(gone.contains("Max-Age=0"), "{gone}");
    }
}
