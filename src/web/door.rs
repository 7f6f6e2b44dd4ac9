//! The doors to an account, the same for staff and for proxies: the sign-in page and its
//! form, signing out, asking for a reset link, and choosing a password from an emailed link.
//! Each door has its own addresses, session cookie, accounts and links.

use super::AppState;
use super::cookies::{self, Lifetime};
use super::forms::{local_path, rejected, see_other};
use crate::domain::{Email, Token};
use crate::error::Result;
use crate::services::auth::{self, SignIn};
use crate::services::proxy_auth::{self, LinkPurpose};
use crate::services::staff_links::{self, Purpose};
use crate::views::components::{Banner, Errors, notification_banner};
use crate::views::door::{Door, ForgotForm, LoginForm};
use crate::views::{self, PageContext};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;
use tracing::Instrument;

/// The session cookie behind a door.
fn session_cookie(door: Door) -> &'static str {
    match door {
        Door::Staff => cookies::SESSION,
        Door::Proxy => cookies::PROXY_SESSION,
    }
}

/// Where a door's sign-in leads when nothing else was asked for.
fn home(door: Door) -> &'static str {
    match door {
        Door::Staff => "/staff",
        Door::Proxy => "/proxy",
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
pub fn login_page(door: Door, ctx: &PageContext, query: &LoginQuery) -> Response {
    let signed_in = match door {
        Door::Staff => ctx.staff.is_some(),
        Door::Proxy => ctx.proxy.is_some(),
    };
    if signed_in {
        return see_other(home(door));
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
            ctx,
            Banner::Success,
            html! { p .banner__heading { (ctx.t(key)) } },
        )
    });
    let form = LoginForm {
        next: local_path(&query.next, home(door)).unwrap_or_default(),
        ..Default::default()
    };
    views::door::login(ctx, door, &form, &Errors::new(), notice).into_response()
}

/// Checks an email and password at a door and starts a session.
pub async fn sign_in(
    door: Door,
    state: &AppState,
    ctx: &PageContext,
    ip: Option<String>,
    mut form: LoginForm,
) -> Result<Response> {
    form.next = local_path(&form.next, home(door)).unwrap_or_default();
    let mut errors = Errors::new();
    let email = errors.check("email", Email::parse(&form.email));
    if form.password.is_empty() {
        errors.add("password", "error.password.missing");
    }
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return Ok(rejected(views::door::login(
            ctx, door, &form, &errors, None,
        )));
    };
    let (db, hasher, now) = (&state.db, &state.hasher, state.now());
    let outcome = match door {
        Door::Staff => auth::sign_in(db, hasher, now, &email, &form.password, ip).await?,
        Door::Proxy => proxy_auth::sign_in(db, hasher, now, &email, &form.password, ip).await?,
    };
    match outcome {
        SignIn::Accepted { token, .. } => {
            let secure = state.config.is_https();
            let mut response = see_other(if form.next.is_empty() {
                home(door)
            } else {
                &form.next
            });
            // A new session id, and a new form token with it.
            for line in [
                cookies::set(
                    session_cookie(door),
                    token.expose(),
                    Lifetime::Session,
                    secure,
                ),
                cookies::set(
                    cookies::CSRF,
                    Token::generate().expose(),
                    Lifetime::Year,
                    secure,
                ),
            ] {
                if let Ok(value) = HeaderValue::from_str(&line) {
                    response.headers_mut().append(header::SET_COOKIE, value);
                }
            }
            Ok(response)
        }
        SignIn::Rejected => {
            errors.add("email", "error.login.rejected");
            Ok(rejected(views::door::login(
                ctx, door, &form, &errors, None,
            )))
        }
        SignIn::LockedOut { until } => {
            let when = ctx.datetime(until);
            let notice = notification_banner(
                ctx,
                Banner::Important,
                html! {
                    p .banner__heading { (ctx.t("login.locked_title")) }
                    p { (ctx.tf("login.locked_body", &[("time", &when)])) }
                },
            );
            let page = views::door::login(ctx, door, &form, &Errors::new(), Some(notice));
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

/// The answer after signing out: back to the sign-in page, with the cookie gone.
pub fn signed_out(door: Door, state: &AppState) -> Response {
    let mut response = see_other(&door.path("/login?signed_out=1"));
    let line = cookies::set(
        session_cookie(door),
        "",
        Lifetime::Expired,
        state.config.is_https(),
    );
    if let Ok(value) = HeaderValue::from_str(&line) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Emails a reset link if an account behind the door uses the address, and says the same
/// either way.
pub async fn forgot(
    door: Door,
    state: &AppState,
    ctx: &PageContext,
    ip: Option<String>,
    form: ForgotForm,
) -> Result<Response> {
    let mut errors = Errors::new();
    let Some(email) = errors.check("email", Email::parse(&form.email)) else {
        return Ok(rejected(views::door::forgot(ctx, door, &form, &errors)));
    };
    // Whether the address has an account must not show in how long the answer takes: the
    // lookup and the writing happen after the answer, the same for every address.
    let (state, lang) = (state.clone(), ctx.lang);
    let address = email.clone();
    tokio::spawn(
        async move {
            let (db, now, config) = (&state.db, state.now(), &state.config);
            let sent = match door {
                Door::Staff => {
                    staff_links::request_reset(db, now, config, &address, lang, ip).await
                }
                Door::Proxy => proxy_auth::request_reset(db, now, config, &address, ip).await,
            };
            match sent {
                Ok(true) => state.mail_waiting(),
                Ok(false) => {}
                Err(e) => tracing::error!(error = %e, "could not handle a password reset request"),
            }
        }
        .instrument(tracing::Span::current()),
    );
    Ok(views::door::forgot_sent(ctx, door, email.as_str()).into_response())
}

/// A one-time link emailed to someone: to choose a first password, or a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// A staff member's invitation.
    StaffInvitation,
    /// A staff member's password reset.
    StaffReset,
    /// A proxy's activation, once approved.
    ProxyActivation,
    /// A proxy's password reset.
    ProxyReset,
}

impl Link {
    fn door(self) -> Door {
        match self {
            Link::StaffInvitation | Link::StaffReset => Door::Staff,
            Link::ProxyActivation | Link::ProxyReset => Door::Proxy,
        }
    }

    /// The link's address without its token, and its page's title and lead.
    fn texts(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Link::StaffInvitation => (
                "/staff/invitation/",
                "links.invitation_title",
                "links.invitation_lead",
            ),
            Link::StaffReset => ("/staff/reset/", "links.reset_title", "links.reset_lead"),
            Link::ProxyActivation => (
                "/proxy/activate/",
                "links.activation_title",
                "links.activation_lead",
            ),
            Link::ProxyReset => (
                "/proxy/reset/",
                "links.reset_title",
                "links.proxy_reset_lead",
            ),
        }
    }
}

/// The name of the usable link's holder, or `None` when the link no longer works.
async fn holder(state: &AppState, link: Link, token: &Token) -> Result<Option<String>> {
    let (db, now) = (&state.db, state.now());
    Ok(match link {
        Link::StaffInvitation => staff_links::holder(db, now, token, Purpose::Invitation)
            .await?
            .map(|u| u.display_name),
        Link::StaffReset => staff_links::holder(db, now, token, Purpose::PasswordReset)
            .await?
            .map(|u| u.display_name),
        Link::ProxyActivation => proxy_auth::link_holder(db, now, token, LinkPurpose::Activation)
            .await?
            .map(|a| a.full_name),
        Link::ProxyReset => proxy_auth::link_holder(db, now, token, LinkPurpose::PasswordReset)
            .await?
            .map(|a| a.full_name),
    })
}

fn gone(ctx: &PageContext, door: Door) -> Response {
    (StatusCode::NOT_FOUND, views::door::link_gone(ctx, door)).into_response()
}

/// The page where the holder of a link chooses a password.
pub async fn link_page(
    state: &AppState,
    ctx: &PageContext,
    link: Link,
    raw: &str,
    errors: &Errors,
) -> Result<Response> {
    let name = match Token::from_presented(raw) {
        Some(token) => holder(state, link, &token).await?,
        None => None,
    };
    let Some(name) = name else {
        return Ok(gone(ctx, link.door()));
    };
    let (path, title, lead) = link.texts();
    let lead = ctx.tf(lead, &[("name", &name)]);
    let page = views::door::choose_password(ctx, &format!("{path}{raw}"), title, &lead, errors);
    Ok(if errors.is_empty() {
        page.into_response()
    } else {
        rejected(page)
    })
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
    state: &AppState,
    ctx: &PageContext,
    ip: Option<String>,
    link: Link,
    raw: &str,
    form: PasswordFields,
) -> Result<Response> {
    let mut errors = Errors::new();
    let password = super::staff::new_password(
        &mut errors,
        "new_password",
        "new_password_confirm",
        &form.new_password,
        &form.new_password_confirm,
    );
    let (Some(password), Some(token)) = (password, Token::from_presented(raw)) else {
        return link_page(state, ctx, link, raw, &errors).await;
    };
    let hash = state.hasher.hash(password.expose()).await?;
    let (db, now) = (&state.db, state.now());
    let redeemed = match link {
        Link::StaffInvitation => {
            staff_links::redeem(db, now, &token, Purpose::Invitation, hash, ip).await?
        }
        Link::StaffReset => {
            staff_links::redeem(db, now, &token, Purpose::PasswordReset, hash, ip).await?
        }
        Link::ProxyActivation => {
            proxy_auth::redeem(db, now, &token, LinkPurpose::Activation, hash, ip).await?
        }
        Link::ProxyReset => {
            proxy_auth::redeem(db, now, &token, LinkPurpose::PasswordReset, hash, ip).await?
        }
    };
    Ok(match redeemed {
        Some(_) => see_other(&link.door().path("/login?password_set=1")),
        None => gone(ctx, link.door()),
    })
}
