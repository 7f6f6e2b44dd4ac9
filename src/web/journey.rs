//! The journey kit of the web layer: the handlers and helpers every journey asked one
//! question a page shares (see [`crate::domain::journey`]). A journey's answers live on the
//! server (`journey_drafts`), named by a random token in the journey's own cookie, so nothing
//! typed is lost and there is no time limit.
//!
//! The pages of a journey at `BASE` are its start page at `BASE`, a page a step at
//! `BASE/{slug}`, and the check page at `BASE/check`. A step page is reached in order (an
//! earlier step still open is asked first); its POST keeps what was typed even when it is
//! refused (422, the page again with its errors) and otherwise answers 303 to the first step
//! still open, or to the check page once every step is accepted. A step opened from the
//! check page (`?change=1`) links back there, and so returns there once it is accepted.
//!
//! Adding a journey:
//! 1. one domain file: its answers (kept between pages), its steps ([`Step`]), its typed
//!    form (`Deserialize`, a field a question) and `impl Journey` (take, check, done, sent,
//!    finish);
//! 2. in `views`, a page per step (around [`crate::views::journey::question_page`]), a start
//!    page and a check page;
//! 3. here, `impl Route` (its base path and cookie) and `impl Pages` (its renderers), and in
//!    `routes.rs` [`start`], [`step_form`], [`step_save`] and [`check_form`] for it, with
//!    its own handler sending it ([`to_send`], then [`finish_or_ask_again`]) and its
//!    confirmation.

use super::AppState;
use super::context::ClientIp;
use super::cookies::{self, CookieJar, Lifetime};
use super::forms::{Form, Query, rejected, see_other};
use crate::domain::Token;
use crate::domain::journey::{Journey, Place, Step, StepErrors, back_from};
use crate::error::{Error, Result};
use crate::services::drafts;
use crate::views::PageContext;
use crate::views::components::Errors;
use crate::views::journey::StepNav;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use maud::Markup;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use time::Date;
use time_tz::OffsetDateTimeExt;

/// Where a journey lives: the address its pages hang from, and the cookie that names the
/// visitor's journey.
pub trait Route: Journey {
    /// The start page, such as `/proxy/apply`; the steps and the check page hang from it.
    const BASE: &'static str;
    /// The cookie holding the journey's token.
    const COOKIE: &'static str;
    /// Where a visitor with no journey under way is sent from the check page and its
    /// button.
    const ENTRY: &'static str = Self::BASE;
}

/// The pages of a journey the generic handlers show.
pub trait Pages: Route {
    /// The start page, with the way back into a journey under way.
    fn start_page(ctx: &PageContext, resume: Option<&str>) -> Markup;

    /// One step's page.
    fn step_page(
        &self,
        ctx: &PageContext,
        step: Self::Step,
        nav: &StepNav,
        errors: &Errors,
    ) -> Markup;

    /// The check page.
    fn check_page(&self, ctx: &PageContext) -> Markup;

    /// The page context of the journey's pages.
    fn context(&self, ctx: PageContext) -> PageContext {
        ctx
    }

    /// Whether the start page offers to take this journey up again.
    fn offered_again(&self) -> bool {
        true
    }

    /// Where a step page's back link goes.
    fn back(&self, step: Self::Step, change: bool) -> String {
        path::<Self>(back_from(step, change))
    }

    /// Where an accepted step goes instead of the first step still open, if anywhere.
    fn after(&self, _step: Self::Step) -> Option<String> {
        None
    }

    /// A step's refused fields as the page's errors.
    fn errors(&self, refused: StepErrors) -> Errors {
        refused.into()
    }
}

/// The address of a place in a journey.
pub fn path<J: Route>(place: Place<J::Step>) -> String {
    match place {
        Place::Start => J::BASE.to_owned(),
        Place::Step(step) => format!("{}/{}", J::BASE, step.slug()),
        Place::Check => format!("{}/check", J::BASE),
    }
}

/// Where the journey goes next: the first step not yet accepted, or the check page.
pub fn next_path<J: Route>(draft: &J) -> String {
    path::<J>(draft.next_place())
}

/// The desk's today, which a journey's answers are checked on.
pub fn today(state: &AppState) -> Date {
    state.now().to_timezone(state.config.timezone).date()
}

/// The visitor's journey of kind `J` with its token, if their cookie names one that is kept.
pub struct Current<J>(pub Option<(Token, J)>);

impl<J: Route> FromRequestParts<AppState> for Current<J> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(token) = cookies::token(&jar, J::COOKIE) else {
            return Ok(Current(None));
        };
        let kept = drafts::load(&state.db, &token).await?;
        Ok(Current(kept.map(|draft| (token, draft))))
    }
}

impl<J: Route> Current<J> {
    /// The journey under way: kept, and not yet sent.
    pub fn under_way(self) -> Option<(Token, J)> {
        self.0.filter(|(_, draft)| !draft.is_sent())
    }

    /// The answers so far, or none for a visitor without a journey under way.
    pub fn answers(self) -> J {
        self.under_way().map(|(_, draft)| draft).unwrap_or_default()
    }

    /// The journey a step's answers are kept in, with its token unless it is new.
    pub fn for_saving(self) -> (Option<Token>, J) {
        match self.0 {
            Some((token, draft)) if !draft.is_sent() => (Some(token), draft),
            // A sent journey starts again from nothing, under the same cookie.
            Some((token, _)) => (Some(token), J::default()),
            None => (None, J::default()),
        }
    }

    /// The journey under way with a step answered, which its start page offers to take up.
    pub fn resumable(&self) -> Option<&J> {
        self.0
            .as_ref()
            .map(|(_, draft)| draft)
            .filter(|draft| !draft.is_sent() && draft.is_started())
    }
}

/// Keeps a journey's answers: under its token when it is under way, or under a new token as
/// a journey started from the client's address, within the limit on new journeys (a
/// [`crate::Error::TooMany`] past it). Returns the token and whether it is new.
pub async fn keep_journey<J: Journey>(
    state: &AppState,
    token: Option<Token>,
    draft: &J,
    client: &ClientIp,
) -> Result<(Token, bool)> {
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

/// Keeps a journey's answers (see [`keep_journey`]) and answers with `response`; a new
/// journey also gets its cookie.
pub async fn keep<J: Route>(
    state: &AppState,
    token: Option<Token>,
    draft: &J,
    client: &ClientIp,
    response: Response,
) -> Result<Response> {
    let (token, fresh) = keep_journey(state, token, draft, client).await?;
    if !fresh {
        return Ok(response);
    }
    let secure = state.config.is_https();
    let jar = CookieJar::new().add(cookies::cookie(
        J::COOKIE,
        token.expose(),
        Lifetime::Month,
        secure,
    ));
    Ok((jar, response).into_response())
}

/// Keeps a journey's answers and goes to `to`.
pub async fn save_and_go<J: Route>(
    state: &AppState,
    token: Option<Token>,
    draft: &J,
    to: &str,
    client: &ClientIp,
) -> Result<Response> {
    keep(state, token, draft, client, see_other(to)).await
}

/// Starts a journey with some answers already given (a proxy's, for a customer; a session
/// a request asked for), on a fresh cookie, at its first question still open.
pub async fn begin<J: Route>(state: &AppState, draft: &J, client: &ClientIp) -> Result<Response> {
    save_and_go(state, None, draft, &next_path(draft), client).await
}

/// Where a step's form posts and where its back link goes.
pub fn step_nav<J: Pages>(draft: &J, step: J::Step, change: bool) -> StepNav {
    let page = path::<J>(Place::Step(step));
    StepNav {
        action: if change {
            format!("{page}?change=1")
        } else {
            page
        },
        back: draft.back(step, change),
    }
}

/// `?change=1`: the step was opened from the check page, and goes back there.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct StepQuery {
    change: String,
}

impl StepQuery {
    fn change(&self) -> bool {
        self.change == "1"
    }
}

/// The start page.
pub async fn start<J: Pages>(ctx: PageContext, current: Current<J>) -> Response {
    let resume = current
        .resumable()
        .filter(|draft| draft.offered_again())
        .map(next_path);
    J::start_page(&ctx, resume.as_deref()).into_response()
}

/// One question of the journey.
pub async fn step_form<J: Pages>(
    ctx: PageContext,
    current: Current<J>,
    Path(slug): Path<String>,
    Query(query): Query<StepQuery>,
) -> Result<Response> {
    let step = J::Step::from_slug(&slug).ok_or(Error::NotFound)?;
    let draft = current.answers();
    // A step is reached in order: the ones before it come first.
    if let Some(first) = draft.next_step()
        && first < step
    {
        return Ok(see_other(&path::<J>(Place::Step(first))));
    }
    let ctx = draft.context(ctx);
    let nav = step_nav(&draft, step, query.change());
    Ok(draft
        .step_page(&ctx, step, &nav, &Errors::new())
        .into_response())
}

/// Keeps one step's answers (even refused ones, so they are shown again) and goes on.
pub async fn step_save<J: Pages>(
    State(state): State<AppState>,
    ctx: PageContext,
    client: ClientIp,
    current: Current<J>,
    Path(slug): Path<String>,
    Query(query): Query<StepQuery>,
    Form(form): Form<J::Form>,
) -> Result<Response>
where
    J::Form: DeserializeOwned,
{
    let step = J::Step::from_slug(&slug).ok_or(Error::NotFound)?;
    let (token, mut draft) = current.for_saving();
    let refused = draft.answer(step, &form, today(&state));
    let response = if refused.is_empty() {
        see_other(&draft.after(step).unwrap_or_else(|| next_path(&draft)))
    } else {
        let ctx = draft.context(ctx);
        let nav = step_nav(&draft, step, query.change());
        rejected(draft.step_page(&ctx, step, &nav, &draft.errors(refused)))
    };
    keep(&state, token, &draft, &client, response).await
}

/// Check your answers, once every step is accepted.
pub async fn check_form<J: Pages>(ctx: PageContext, current: Current<J>) -> Response {
    let Some((_, draft)) = current.under_way() else {
        return see_other(J::ENTRY);
    };
    if draft.next_step().is_some() {
        return see_other(&next_path(&draft));
    }
    let ctx = draft.context(ctx);
    draft.check_page(&ctx).into_response()
}

/// The journey the check page's button sends, or the page to go to instead: a journey
/// already sent (a second press) shows its confirmation again, and without a journey there
/// is nothing to send.
pub fn to_send<J: Route>(current: Current<J>) -> std::result::Result<(Token, J), String> {
    match current.0 {
        Some((_, draft)) if draft.is_sent() => Err(format!("{}/confirmation", J::BASE)),
        Some(found) => Ok(found),
        None => Err(J::ENTRY.to_owned()),
    }
}

/// The finished value of a journey about to be sent; or, when something no longer holds (a
/// step refused meanwhile), the journey asks for it again: its steps that no longer hold are
/// opened again, kept, and the first is where to go.
pub async fn finish_or_ask_again<J: Route>(
    state: &AppState,
    token: &Token,
    draft: &mut J,
) -> Result<std::result::Result<J::Finished, Response>> {
    let today = today(state);
    match draft.finish(today) {
        Ok(finished) => Ok(Ok(finished)),
        Err(_) => {
            draft.ask_again(today);
            drafts::save_now(&state.db, state.now(), token, draft).await?;
            Ok(Err(see_other(&next_path(draft))))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Route, path};
    use crate::domain::journey::{Place, Step};

    /// Whether `address` is answered by the route `pattern`, a `{part}` standing for one
    /// segment.
    fn answers(pattern: &str, address: &str) -> bool {
        let (p, a): (Vec<_>, Vec<_>) = (pattern.split('/').collect(), address.split('/').collect());
        p.len() == a.len()
            && p.iter()
                .zip(&a)
                .all(|(p, a)| p == a || (p.starts_with('{') && !a.is_empty()))
    }

    fn every_place_is_routed<J: Route>() {
        let table = crate::web::routes::table();
        let places = [Place::Start, Place::Check]
            .into_iter()
            .chain(J::Step::ALL.iter().copied().map(Place::Step));
        for place in places {
            let address = path::<J>(place);
            assert!(
                table.iter().any(|route| answers(route.path, &address)),
                "{address} has no route"
            );
        }
        assert!(table.iter().any(|route| route.path == J::ENTRY));
    }

    #[test]
    fn every_page_of_every_journey_has_a_route() {
        every_place_is_routed::<crate::domain::proxy::ApplicationDraft>();
        every_place_is_routed::<crate::domain::request::RequestDraft>();
        every_place_is_routed::<crate::domain::booking::Draft>();
    }
}
