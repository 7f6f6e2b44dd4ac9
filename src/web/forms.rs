//! Small helpers shared by the form handlers, and the reading of a form whose names may
//! repeat into a typed form.

use crate::paths;
use crate::views::PageContext;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::Markup;
use serde::Deserialize;
use serde::de::value::{Error as ValueError, MapDeserializer, SeqDeserializer};
use serde::de::{DeserializeOwned, Deserializer, IntoDeserializer, Visitor};
use std::collections::BTreeMap;

/// A page re-displayed because its form was rejected: 422, with what was typed kept.
pub fn rejected(page: Markup) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}

/// A redirect after a successful POST (303 See Other), so reloading does not post again.
/// A target that cannot be a header value (it never should be: paths are built by the app
/// or come through [`local_path`]) goes to the start page rather than failing.
pub fn see_other(path: &str) -> Response {
    let target =
        HeaderValue::from_str(path).unwrap_or(HeaderValue::from_static(paths::public::HOME));
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

/// A form read into the typed form `T`, whose names may repeat as a browser sends them: a
/// list field takes every value sent under its name (each box ticked), any other field the
/// first; names `T` does not know (the form's token) are passed over. A body that is not a
/// form is refused as axum's own form refuses it, with the error page.
#[derive(Debug, Clone, Default)]
pub struct Form<T>(pub T);

/// The query string read into `T` by the same rules as [`Form`].
#[derive(Debug, Clone, Default)]
pub struct Query<T>(pub T);

impl<T, S> FromRequest<S> for Form<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Form(pairs) = axum::Form::<Vec<(String, String)>>::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        read_fields(pairs)
            .map(Form)
            .map_err(|_| StatusCode::UNPROCESSABLE_ENTITY.into_response())
    }
}

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Query(pairs) =
            axum::extract::Query::<Vec<(String, String)>>::from_request_parts(parts, state)
                .await
                .map_err(IntoResponse::into_response)?;
        read_fields(pairs)
            .map(Query)
            .map_err(|_| StatusCode::BAD_REQUEST.into_response())
    }
}

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

/// Reads a form's name and value pairs, in the order sent, into `T` (see [`Form`]).
pub fn read_fields<T: DeserializeOwned>(pairs: Vec<(String, String)>) -> Result<T, ValueError> {
    let mut named: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in pairs {
        named.entry(name).or_default().push(value);
    }
    T::deserialize(MapDeserializer::new(
        named
            .into_iter()
            .map(|(name, values)| (name, Values(values))),
    ))
}

/// The values sent under one name: a list when a list is wanted, else the first.
struct Values(Vec<String>);

impl<'de> IntoDeserializer<'de, ValueError> for Values {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> Deserializer<'de> for Values {
    type Error = ValueError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        visitor.visit_string(self.0.into_iter().next().unwrap_or_default())
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        visitor.visit_seq(SeqDeserializer::new(self.0.into_iter()))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        visitor.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

/// A stand-in origin to resolve paths against; only its being one origin matters.
const SITE: &str = "http://site.invalid/";

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(default)]
    struct Ticks {
        name: String,
        #[serde(rename = "birth-year")]
        year: String,
        scope: Vec<String>,
    }

    fn pairs(raw: &[(&str, &str)]) -> Vec<(String, String)> {
        raw.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn repeated_names_fill_a_list_and_otherwise_the_first_counts() {
        let read: Ticks = read_fields(pairs(&[
            ("csrf_token", "t"),
            ("scope", "ask"),
            ("name", "花子"),
            ("scope", "book"),
            ("name", "second"),
            ("birth-year", "1941"),
        ]))
        .unwrap();
        assert_eq!(
            read,
            Ticks {
                name: "花子".into(),
                year: "1941".into(),
                scope: vec!["ask".into(), "book".into()],
            }
        );
        let one: Ticks = read_fields(pairs(&[("scope", "ask")])).unwrap();
        assert_eq!(one.scope, ["ask"]);
        let none: Ticks = read_fields(Vec::new()).unwrap();
        assert_eq!(none, Ticks::default());
    }

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
