//! The one door to an account, for staff and proxies alike: the sign-in page and its form,
//! signing out, asking for a reset link, and choosing a password from an emailed link.
//! Every handler here serves both realms: the realm is read from the address the request
//! came to (`/staff/…` or `/proxy/…`, as [`Realm`] writes them), and each realm has its own
//! session cookie, accounts and links.

use super::AppState;
use super::context::{ClientIp, CurrentAccount};
use super::cookies::{self, CookieJar, Lifetime};
use super::forms::{Form, Query, local_path, rejected, see_other};
use crate::domain::{Email, LinkPurpose, Realm, Token};
use crate::error::{Error, Result};
use crate::services::Actor;
use crate::services::accounts::{self, SignIn, links, sessions};
use crate::views::components::{Banner, Errors, notification_banner};
use crate::views::door::{ForgotForm, LoginForm};
use crate::views::{self, PageContext};
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;
use tracing::Instrument;

/// The realm whose door a request came to, read from its address.
#[derive(Debug, Clone, Copy)]
pub struct Door(pub Realm);

impl<S: Send + Sync> FromRequestParts<S> for Door {
    type Rejection = Error;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self> {
        Realm::of_path(parts.uri.path())
            .map(Door)
            .ok_or(Error::NotFound)
    }
}

/// The emailed link a request opens, read from its address: whose, and what for.
#[derive(Debug, Clone, Copy)]
pub struct EmailedLink(pub Realm, pub LinkPurpose);

impl<S: Send + Sync> FromRequestParts<S> for EmailedLink {
    type Rejection = Error;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self> {
        Realm::link_of_path(parts.uri.path())
            .map(|(realm, purpose)| EmailedLink(realm, purpose))
            .ok_or(Error::NotFound)
    }
}

/// The session cookie of a realm.
pub fn session_cookie(realm: Realm) -> &'static str {
    match realm {
        Realm::Staff => cookies::SESSION,
        Realm::Proxy => cookies::PROXY_SESSION,
    }
}

/// The flags a sign-in page's address can carry.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct LoginQuery {
    next: String,
    signed_out: String,
    created: String,
    password_set: String,
}

/// The sign-in page, with a banner when the address says why the person is here.
pub async fn login_form(
    Door(realm): Door,
    ctx: PageContext,
    Query(query): Query<LoginQuery>,
) -> Response {
    let signed_in = match realm {
        Realm::Staff => ctx.staff.is_some(),
        Realm::Proxy => ctx.proxy.is_some(),
    };
    if signed_in {
        return see_other(realm.home());
    }
    let message = [
        (&query.signed_out, "login.signed_out"),
        (&query.created, "setup.created"),
        (&query.password_set, "login.password_set"),
    ]
    .into_iter()
    .find(|(flag, _)| flag.as_str() == "1")
    .map(|(_, key)| key);
    let notice = message.map(|key| {
        notification_banner(
            &ctx,
            Banner::Success,
            html! { p .banner__heading { (ctx.t(key)) } },
        )
    });
    let form = LoginForm {
        next: local_path(&query.next, realm.home()).unwrap_or_default(),
        ..Default::default()
    };
    views::door::login(&ctx, realm, &form, &Errors::new(), notice).into_response()
}

/// Checks an email and password at a door and starts a session.
pub async fn sign_in(
    State(state): State<AppState>,
    Door(realm): Door,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Form(mut form): Form<LoginForm>,
) -> Result<Response> {
    form.next = local_path(&form.next, realm.home()).unwrap_or_default();
    let mut errors = Errors::new();
    let email = errors.check("email", Email::parse(&form.email));
    if form.password.is_empty() {
        errors.add("password", "error.password.missing");
    }
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return Ok(rejected(views::door::login(
            &ctx, realm, &form, &errors, None,
        )));
    };
    let (db, hasher, now) = (&state.db, &state.hasher, state.now());
    match accounts::sign_in(db, hasher, now, realm, &email, &form.password, ip).await? {
        SignIn::Accepted { token, .. } => {
            let secure = state.config.is_https();
            let response = see_other(if form.next.is_empty() {
                realm.home()
            } else {
                &form.next
            });
            // A new session id, and a new form token with it.
            let session = session_cookie(realm);
            let csrf = Token::generate();
            let jar = CookieJar::new()
                .add(cookies::cookie(
                    session,
                    token.expose(),
                    Lifetime::Session,
                    secure,
                ))
                .add(cookies::cookie(
                    cookies::CSRF,
                    csrf.expose(),
                    Lifetime::Year,
                    secure,
                ));
            Ok((jar, response).into_response())
        }
        SignIn::Rejected => {
            errors.add("email", "error.login.rejected");
            Ok(rejected(views::door::login(
                &ctx, realm, &form, &errors, None,
            )))
        }
        SignIn::LockedOut { until } => {
            let when = ctx.datetime(until);
            let notice = notification_banner(
                &ctx,
                Banner::Important,
                html! {
                    p .banner__heading { (ctx.t("login.locked_title")) }
                    p { (ctx.tf("login.locked_body", &[("time", &when)])) }
                },
            );
            let page = views::door::login(&ctx, realm, &form, &Errors::new(), Some(notice));
            let retry = (until - state.now()).whole_seconds().max(1).to_string();
            Ok((
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, retry)],
                page,
            )
                .into_response())
        }
    }
}

/// Ends the session and goes back to the sign-in page, with the cookie gone. A proxy's
/// booking journey begun on this browser was for a customer they act for: it goes too.
pub async fn sign_out(
    State(state): State<AppState>,
    CurrentAccount(signed_in): CurrentAccount,
    ClientIp(ip): ClientIp,
) -> Result<Response> {
    sessions::sign_out(&state.db, state.now(), &signed_in, ip).await?;
    let realm = signed_in.realm();
    let secure = state.config.is_https();
    let response = see_other(&format!("{}?signed_out=1", realm.login()));
    let forgotten: &[&'static str] = match realm {
        Realm::Staff => &[cookies::SESSION],
        Realm::Proxy => &[cookies::PROXY_SESSION, cookies::BOOKING],
    };
    let jar = forgotten.iter().fold(CookieJar::new(), |jar, name| {
        jar.add(cookies::cookie(name, "", Lifetime::Expired, secure))
    });
    Ok((jar, response).into_response())
}

/// The "forgot your password" form.
pub async fn forgot_form(Door(realm): Door, ctx: PageContext) -> Response {
    views::door::forgot(&ctx, realm, &ForgotForm::default(), &Errors::new()).into_response()
}

/// Emails a reset link if an account behind the door uses the address, and says the same
/// either way.
pub async fn forgot(
    State(state): State<AppState>,
    Door(realm): Door,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Form(form): Form<ForgotForm>,
) -> Result<Response> {
    let mut errors = Errors::new();
    let Some(email) = errors.check("email", Email::parse(&form.email)) else {
        return Ok(rejected(views::door::forgot(&ctx, realm, &form, &errors)));
    };
    // Whether the address has an account must not show in how long the answer takes: the
    // lookup and the writing happen after the answer, the same for every address.
    let (state, lang) = (state.clone(), ctx.lang);
    let address = email.clone();
    tokio::spawn(
        async move {
            let actor = Actor::visitor(ip);
            let uc = state.act(&actor);
            if let Err(e) = links::request_reset(&uc, realm, &address, lang).await {
                tracing::error!(error = %e, "could not handle a password reset request");
            }
        }
        .instrument(tracing::Span::current()),
    );
    Ok(views::door::forgot_sent(&ctx, realm, email.as_str()).into_response())
}

fn gone(ctx: &PageContext, realm: Realm) -> Response {
    (StatusCode::NOT_FOUND, views::door::link_gone(ctx, realm)).into_response()
}

/// The page where the holder of a link chooses a password, or the page for a link that no
/// longer works.
async fn link_page(
    state: &AppState,
    ctx: &PageContext,
    EmailedLink(realm, purpose): EmailedLink,
    raw: &str,
    errors: &Errors,
) -> Result<Response> {
    let holder = match Token::from_presented(raw) {
        Some(token) => links::holder(&state.db, state.now(), realm, purpose, &token).await?,
        None => None,
    };
    let Some(holder) = holder else {
        return Ok(gone(ctx, realm));
    };
    let page = views::door::choose_password(ctx, realm, purpose, raw, &holder.display_name, errors);
    Ok(if errors.is_empty() {
        page.into_response()
    } else {
        rejected(page)
    })
}

/// The page where the holder of an emailed link chooses a password.
pub async fn link_form(
    State(state): State<AppState>,
    link: EmailedLink,
    ctx: PageContext,
    Path(raw): Path<String>,
) -> Result<Response> {
    link_page(&state, &ctx, link, &raw, &Errors::new()).await
}

/// The two password fields of a link's page.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct PasswordFields {
    new_password: String,
    new_password_confirm: String,
}

/// Sets the password chosen through a link, which then stops working.
pub async fn link_save(
    State(state): State<AppState>,
    link: EmailedLink,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path(raw): Path<String>,
    Form(form): Form<PasswordFields>,
) -> Result<Response> {
    let mut errors = Errors::new();
    let password = super::staff::new_password(
        &mut errors,
        "new_password",
        "new_password_confirm",
        &form.new_password,
        &form.new_password_confirm,
    );
    let (Some(password), Some(token)) = (password, Token::from_presented(&raw)) else {
        return link_page(&state, &ctx, link, &raw, &errors).await;
    };
    let hash = state.hasher.hash(password.expose()).await?;
    let EmailedLink(realm, purpose) = link;
    let redeemed = links::redeem(&state.db, state.now(), realm, purpose, &token, hash, ip).await?;
    Ok(match redeemed {
        Some(_) => see_other(&format!("{}?password_set=1", realm.login())),
        None => gone(&ctx, realm),
    })
}
