//! Handlers for the pages any visitor can reach.

use super::AppState;
use super::cookies::{self, CookieJar, Lifetime};
use super::forms::{Form, Query, local_path, see_other};
use crate::assets;
use crate::domain::{Contrast, Lang, Prefs, TextSize};
use crate::error::{Error, Result};
use crate::paths;
use crate::views::{self, PageContext};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::Markup;
use sea_orm::ConnectionTrait;
use serde::Deserialize;

/// The start page.
pub async fn home(ctx: PageContext) -> Markup {
    views::public::home(&ctx)
}

/// The accessibility statement.
pub async fn accessibility(State(state): State<AppState>, ctx: PageContext) -> Markup {
    views::public::accessibility(&ctx, state.config.contact_email.as_deref())
}

/// The customer-harassment policy.
pub async fn policy(ctx: PageContext) -> Markup {
    views::policy::page(&ctx)
}

/// 200 when the database answers, 503 when it does not.
pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.db.execute_unprepared("SELECT 1").await {
        Ok(_) => (
            StatusCode::OK,
            [(header::CACHE_CONTROL, "no-store")],
            "ok\n",
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: the database does not answer");
            let mut response = (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CACHE_CONTROL, "no-store")],
                "database unavailable\n",
            )
                .into_response();
            response.extensions_mut().insert(super::context::KeepBody);
            response
        }
    }
}

/// Any path the app does not know.
pub async fn not_found() -> Error {
    Error::NotFound
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct LanguageQuery {
    next: String,
}

/// Switches the language and goes back to the page the visitor was on.
pub async fn language(
    State(state): State<AppState>,
    jar: CookieJar,
    Path(code): Path<String>,
    Query(query): Query<LanguageQuery>,
) -> Result<Response> {
    let lang = Lang::from_code(&code)
        .filter(|l| l.code() == code)
        .ok_or(Error::NotFound)?;
    let back = local_path(&query.next, "/").unwrap_or_else(|| paths::public::HOME.to_owned());
    let secure = state.config.is_https();
    let jar = jar.add(cookies::cookie(
        cookies::LANG,
        lang.code(),
        Lifetime::Year,
        secure,
    ));
    Ok((jar, see_other(&back)).into_response())
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct SavedQuery {
    pub(crate) saved: String,
}

/// The display preferences page.
pub async fn preferences(ctx: PageContext, Query(query): Query<SavedQuery>) -> Markup {
    views::public::preferences(&ctx, ctx.prefs, query.saved == "1")
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct PrefsForm {
    text_size: String,
    contrast: String,
}

/// Saves the display preferences in a cookie.
pub async fn save_preferences(
    State(state): State<AppState>,
    ctx: PageContext,
    jar: CookieJar,
    Form(form): Form<PrefsForm>,
) -> Response {
    let prefs = Prefs {
        text_size: TextSize::parse(&form.text_size).unwrap_or(ctx.prefs.text_size),
        contrast: Contrast::parse(&form.contrast).unwrap_or(ctx.prefs.contrast),
    };
    let secure = state.config.is_https();
    let jar = jar.add(cookies::cookie(
        cookies::PREFS,
        prefs.to_cookie(),
        Lifetime::Year,
        secure,
    ));
    (
        jar,
        see_other(&format!("{}?saved=1", paths::public::PREFERENCES)),
    )
        .into_response()
}

/// A stylesheet or icon, cached for a year under its fingerprinted name.
pub async fn asset(Path(name): Path<String>) -> Result<Response> {
    let asset = assets::lookup(&name).ok_or(Error::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        asset.body,
    )
        .into_response())
}
