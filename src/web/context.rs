//! The middleware every request passes through. It gives the request an id, a language,
//! preferences, a CSRF token and (with a live session) the signed-in staff member or proxy;
//! refuses state-changing requests without the right token; and dresses every error status
//! in the layout, in the visitor's language.

use super::AppState;
use super::cookies::{self, CookieJar, Lifetime};
use super::routes::RouteTemplate;
use crate::domain::{Lang, Prefs, Realm, Token};
use crate::error::{Error, ErrorPage};
use crate::paths;
use crate::services::accounts::{SignedIn, SignedInProxy, SignedInStaff, sessions};
use crate::services::{Actor, UseCase};
use crate::views::{KeptForm, PageContext, StaffBadge, errors};
use crate::web::forms::local_path;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::RngCore;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;
use subtle::ConstantTimeEq;
use tower::ServiceExt;
use tracing::Instrument;

/// Marks an error response whose own body must reach the client, such as the health check's.
#[derive(Clone, Copy, Debug)]
pub struct KeepBody;

/// The largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The client's address, as far as it is known.
#[derive(Debug, Clone)]
pub struct ClientIp(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<ClientIp>()
            .cloned()
            .unwrap_or(ClientIp(None)))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PageContext {
    type Rejection = Error;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<PageContext>()
            .cloned()
            .ok_or_else(|| Error::Internal("page context missing".into()))
    }
}

/// The signed-in staff member. Only routes behind a staff guard use it.
pub struct CurrentStaff(pub SignedInStaff);

impl<S: Send + Sync> FromRequestParts<S> for CurrentStaff {
    type Rejection = Error;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<SignedInStaff>()
            .cloned()
            .map(CurrentStaff)
            .ok_or(Error::Forbidden)
    }
}

/// A signed-in staff member at work: the app's state, the page's context, who they are, and
/// the actor their changes are recorded as (them, at the client's address). Only routes
/// behind a staff guard use it.
pub struct StaffAct {
    /// What every handler can reach.
    pub state: AppState,
    /// The page being answered.
    pub ctx: PageContext,
    /// The staff member.
    pub staff: SignedInStaff,
    /// The staff member at the client's address.
    pub actor: Actor,
}

impl StaffAct {
    /// The context of the staff member's use-case, now.
    pub fn uc(&self) -> UseCase<'_> {
        self.state.act(&self.actor)
    }
}

impl FromRequestParts<AppState> for StaffAct {
    type Rejection = Error;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let CurrentStaff(staff) = CurrentStaff::from_request_parts(parts, state).await?;
        let ctx = PageContext::from_request_parts(parts, state).await?;
        let Ok(ClientIp(ip)) = ClientIp::from_request_parts(parts, state).await;
        Ok(StaffAct {
            state: state.clone(),
            ctx,
            actor: staff.actor(ip),
            staff,
        })
    }
}

/// The signed-in proxy. Only routes behind the proxy guard use it.
pub struct CurrentProxy(pub SignedInProxy);

impl<S: Send + Sync> FromRequestParts<S> for CurrentProxy {
    type Rejection = Error;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<SignedInProxy>()
            .cloned()
            .map(CurrentProxy)
            .ok_or(Error::Forbidden)
    }
}

/// The account signed in at the door a request came to (`/staff/…` or `/proxy/…`). Only
/// routes behind that door's guard use it.
pub struct CurrentAccount(pub SignedIn);

impl<S: Send + Sync> FromRequestParts<S> for CurrentAccount {
    type Rejection = Error;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let extensions = &parts.extensions;
        let signed_in = match Realm::of_path(parts.uri.path()) {
            Some(Realm::Staff) => extensions
                .get::<SignedInStaff>()
                .cloned()
                .map(SignedIn::Staff),
            Some(Realm::Proxy) => extensions
                .get::<SignedInProxy>()
                .cloned()
                .map(SignedIn::Proxy),
            None => None,
        };
        signed_in.map(CurrentAccount).ok_or(Error::Forbidden)
    }
}

/// The signed-in proxy, if any, on a page anyone may open.
pub struct MaybeProxy(pub Option<SignedInProxy>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeProxy {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeProxy(parts.extensions.get::<SignedInProxy>().cloned()))
    }
}

fn request_id() -> String {
    let mut bytes = [0u8; 8];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Finds the CSRF token a form sent, in its body or in the `X-CSRF-Token` header.
fn presented_token(req_headers: &axum::http::HeaderMap, body: &[u8]) -> Option<String> {
    if let Some(value) = req_headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        return Some(value.to_owned());
    }
    form_urlencoded_field(body, "csrf_token")
}

fn form_urlencoded_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Whether an `Origin` header, when a browser sent one, names this desk.
fn origin_allowed(state: &AppState, headers: &axum::http::HeaderMap) -> bool {
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(origin) => {
            origin == state.config.base_url
                || headers
                    .get(header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .is_some_and(|host| origin.ends_with(&format!("://{host}")))
        }
    }
}

/// The middleware described at the top of this module.
pub async fn page_context(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let id = request_id();
    // The path can hold a secret (a manage link's token, a reset link's): the log names the
    // route's pattern instead, once it is known.
    let span = tracing::info_span!(
        "request",
        id = %id,
        method = %req.method(),
        route = tracing::field::Empty
    );
    async move {
        let started = Instant::now();
        let response = handle(state, id, req, next).await;
        let route = response
            .extensions()
            .get::<RouteTemplate>()
            .map_or("(no route)", |r| r.0);
        tracing::Span::current().record("route", tracing::field::display(route));
        let status = response.status();
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        if status.is_server_error() {
            tracing::error!(status = status.as_u16(), elapsed_ms, "answered");
        } else {
            tracing::info!(status = status.as_u16(), elapsed_ms, "answered");
        }
        response
    }
    .instrument(span)
    .await
}

async fn handle(state: AppState, request_id: String, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let headers = &parts.headers;
    let jar = CookieJar::from_headers(headers);

    let lang = jar
        .get(cookies::LANG)
        .and_then(|c| Lang::from_code(c.value()))
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default();
    let prefs = jar
        .get(cookies::PREFS)
        .map(|c| Prefs::from_cookie(c.value()))
        .unwrap_or_default();
    let existing_csrf = cookies::token(&jar, cookies::CSRF);
    let fresh_csrf = existing_csrf.is_none().then(Token::generate);
    let csrf = existing_csrf
        .clone()
        .or_else(|| fresh_csrf.clone())
        .expect("one of the two is set");
    let ip = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| {
            let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
            state
                .config
                .trusted_proxies
                .client_address(
                    peer.ip(),
                    header(header::FORWARDED),
                    header(HeaderName::from_static("x-forwarded-for")),
                )
                .to_string()
        });

    // Read again at most every few seconds, not for every request.
    let contacts = match state.contacts.get(&state.db, &state.config).await {
        Ok(contacts) => contacts,
        Err(e) => {
            tracing::warn!(error = %e, "could not read the desk's contact settings");
            Default::default()
        }
    };
    let mut ctx = PageContext {
        lang,
        prefs,
        csrf_token: csrf.expose().to_owned(),
        request_id: request_id.clone(),
        path: parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| paths::public::HOME.into()),
        staff: None,
        proxy: None,
        acting_for: None,
        tz: state.config.timezone,
        kept: parts.extensions.get::<KeptFields>().map(|k| k.0.clone()),
        desk: contacts.desk,
        card_stop: contacts.card_stop,
    };

    let mut clear = Vec::new();
    for &realm in Realm::ALL {
        let cookie = super::door::session_cookie(realm);
        let Some(token) = cookies::token(&jar, cookie) else {
            continue;
        };
        match sessions::find(&state.db, state.now(), realm, &token).await {
            Ok(Some(SignedIn::Staff(staff))) => {
                ctx.staff = Some(StaffBadge {
                    display_name: staff.display_name.clone(),
                    role: staff.role,
                });
                parts.extensions.insert(staff);
            }
            Ok(Some(SignedIn::Proxy(proxy))) => {
                ctx.proxy = Some(proxy.full_name.clone());
                parts.extensions.insert(proxy);
            }
            Ok(None) => clear.push(cookie),
            Err(e) => {
                let response = Error::from(e).into_response();
                return finish(&state, &ctx, response, fresh_csrf.as_ref(), &[]);
            }
        }
    }

    let body = if is_safe(&parts.method) {
        body
    } else {
        let reading = axum::body::to_bytes(body, BODY_LIMIT);
        let bytes: Bytes = match tokio::time::timeout(state.config.limits.body_read, reading).await
        {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(_)) => {
                let response = StatusCode::PAYLOAD_TOO_LARGE.into_response();
                return finish(&state, &ctx, response, fresh_csrf.as_ref(), &clear);
            }
            Err(_) => {
                // A body sent too slowly holds a connection; it is not waited for.
                let mut response = StatusCode::REQUEST_TIMEOUT.into_response();
                response
                    .headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
                return finish(&state, &ctx, response, fresh_csrf.as_ref(), &clear);
            }
        };
        let presented = presented_token(&parts.headers, &bytes);
        // The token must match the browser's own cookie: a page on another site can make the
        // browser send the cookie, but cannot read it to copy it into the form.
        let token_ok = match (&existing_csrf, presented) {
            (Some(expected), Some(given)) => {
                bool::from(expected.expose().as_bytes().ct_eq(given.as_bytes()))
            }
            _ => false,
        };
        let same_site = origin_allowed(&state, &parts.headers);
        if !token_ok && same_site {
            // A page left open too long, or a token cookie the browser dropped: nothing is
            // done, and the form is shown again holding what was typed.
            tracing::warn!("refused a form with a stale CSRF token; showing it again");
            if let Ok(fields) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes) {
                let kept = Arc::new(KeptForm::new(fields));
                let back = form_page(&state, &parts.headers);
                let page = errors::stale_form(&ctx, &kept, back.as_deref());
                let mut response = (StatusCode::FORBIDDEN, page).into_response();
                response.extensions_mut().insert(KeepBody);
                response.extensions_mut().insert(StaleForm {
                    kept,
                    back: back.unwrap_or_else(|| parts.uri.path().to_owned()),
                });
                return finish(&state, &ctx, response, fresh_csrf.as_ref(), &clear);
            }
        }
        if !token_ok || !same_site {
            tracing::warn!("refused a state-changing request without a valid CSRF token");
            return finish(
                &state,
                &ctx,
                Error::Forbidden.into_response(),
                fresh_csrf.as_ref(),
                &clear,
            );
        }
        Body::from(bytes)
    };

    parts.extensions.insert(ctx.clone());
    parts.extensions.insert(ClientIp(ip));
    let response = next.run(Request::from_parts(parts, body)).await;
    finish(&state, &ctx, response, fresh_csrf.as_ref(), &clear)
}

/// A form refused for a stale token: what it held and the page it was sent from.
#[derive(Debug, Clone)]
struct StaleForm {
    kept: Arc<KeptForm>,
    back: String,
}

/// What a refused form held, given to the page that shows the form again.
#[derive(Debug, Clone)]
struct KeptFields(Arc<KeptForm>);

/// The page on this site a form was sent from, read from the `Referer` header.
fn form_page(state: &AppState, headers: &axum::http::HeaderMap) -> Option<String> {
    let referer = url::Url::parse(headers.get(header::REFERER)?.to_str().ok()?).ok()?;
    let origin = referer.origin().ascii_serialization();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let ours = origin == state.config.base_url
        || host.is_some_and(|host| origin.ends_with(&format!("://{host}")));
    let mut path = referer.path().to_owned();
    if let Some(query) = referer.query() {
        path.push('?');
        path.push_str(query);
    }
    ours.then(|| local_path(&path, "/")).flatten()
}

/// Answers a request through the app; when a form was refused because its token had gone
/// stale, asks the app again for the page the form was on, shown holding what was typed.
/// When that page cannot be drawn (it needs what only the refused form would have saved),
/// the refusal's own page, which shows what was written, stands.
pub async fn show_stale_forms_again(app: Router, req: Request) -> Response {
    // Only a form can be refused for its token: pages are answered without copying anything.
    if is_safe(req.method()) {
        let Ok(response) = app.oneshot(req).await;
        return response;
    }
    let headers = req.headers().clone();
    let connect = req.extensions().get::<ConnectInfo<SocketAddr>>().cloned();
    let Ok(response) = app.clone().oneshot(req).await;
    let Some(stale) = response.extensions().get::<StaleForm>().cloned() else {
        return response;
    };
    let Ok(mut again) = Request::builder()
        .method(Method::GET)
        .uri(&stale.back)
        .body(Body::empty())
    else {
        return response;
    };
    for name in [header::COOKIE, header::ACCEPT_LANGUAGE, header::HOST] {
        for value in headers.get_all(&name) {
            again.headers_mut().append(name.clone(), value.clone());
        }
    }
    if let Some(connect) = connect {
        again.extensions_mut().insert(connect);
    }
    again.extensions_mut().insert(KeptFields(stale.kept));
    let Ok(mut shown) = app.oneshot(again).await;
    if shown.status() == StatusCode::OK && is_html(&shown) {
        *shown.status_mut() = StatusCode::FORBIDDEN;
        shown.extensions_mut().insert(KeepBody);
        shown
    } else {
        response
    }
}

fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// Sets the cookies this request needs, and replaces a bare error with the error page.
fn finish(
    state: &AppState,
    ctx: &PageContext,
    mut response: Response,
    fresh_csrf: Option<&Token>,
    clear: &[&'static str],
) -> Response {
    let status = response.status();
    let marked = response.extensions().get::<ErrorPage>().is_some();
    let keep = response.extensions().get::<KeepBody>().is_some();
    if (status.is_client_error() || status.is_server_error())
        && !keep
        && (marked || !is_html(&response))
    {
        let page = errors::page(ctx, status.as_u16());
        let mut replacement = (status, page).into_response();
        if let Some(route) = response.extensions().get::<RouteTemplate>().copied() {
            replacement.extensions_mut().insert(route);
        }
        for name in [header::SET_COOKIE, header::ALLOW, header::RETRY_AFTER] {
            for value in response.headers().get_all(&name) {
                replacement
                    .headers_mut()
                    .append(name.clone(), value.clone());
            }
        }
        response = replacement;
    }
    let secure = state.config.is_https();
    let mut jar = CookieJar::new();
    if let Some(token) = fresh_csrf {
        // The token outlives the browser's session: a form left open across a restart of
        // the browser is still accepted.
        jar = jar.add(cookies::cookie(
            cookies::CSRF,
            token.expose(),
            Lifetime::Year,
            secure,
        ));
    }
    for &name in clear {
        // A handler that set this cookie (signing in again) has the last word.
        let already_set = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|v| v.as_bytes().starts_with(format!("{name}=").as_bytes()));
        if !already_set {
            jar = jar.add(cookies::cookie(name, "", Lifetime::Expired, secure));
        }
    }
    let mut response = (jar, response).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&ctx.request_id) {
        headers.insert("x-request-id", value);
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        // Pages carry a form token, and nearly all carry something personal (a journey's
        // answers, a manage link's session, a thread): none may be kept by a browser or a
        // cache, where the next person at a shared computer would find it. Only the pages
        // that say the same to everyone are kept, and checked again before reuse.
        let general = ctx.staff.is_none() && ctx.proxy.is_none() && is_general_page(&ctx.path);
        let policy = if general { "no-cache" } else { "no-store" };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    if secure {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    if !headers.contains_key(header::VARY) {
        headers.insert(
            header::VARY,
            HeaderValue::from_static("Cookie, Accept-Language"),
        );
    }
    response
}

/// Whether a path is one of the pages that hold nothing personal.
fn is_general_page(path_and_query: &str) -> bool {
    let path = path_and_query.split(['?', '#']).next().unwrap_or_default();
    matches!(
        path,
        paths::public::HOME
            | paths::public::ACCESSIBILITY
            | paths::public::POLICY
            | paths::public::HEALTHZ
            | paths::feedback::IMPROVEMENTS
    )
}

/// The response when a handler panics: a bare 500, which the middleware turns into the page.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a handler panicked");
    Error::Internal("panic".into()).into_response()
}
