//! The admin's contact settings: the desk's fax number and postal address, shown wherever
//! pages and emails speak of writing to the desk, and the card issuer's 24-hour stop page and
//! line, shown wherever a lost or stolen card comes up.

use super::AppState;
use super::context::StaffAct;
use super::forms::{rejected, see_other};
use super::public::SavedQuery;
use crate::domain::contact::{optional_number, optional_postal_address, optional_web_address};
use crate::domain::{CardStop, DeskContact};
use crate::error::Result;
use crate::paths;
use crate::services::contact::{self, Contacts};
use crate::views::PageContext;
use crate::views::components::Errors;
use crate::views::contact::{self as view, ContactForm};
use crate::web::forms::Form;
use crate::web::forms::Query;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

/// The contact settings, as saved.
pub async fn settings_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(query): Query<SavedQuery>,
) -> Result<Response> {
    let now = contact::load(&state.db, &state.config).await?;
    let shown = |v: Option<String>| v.unwrap_or_default();
    let typed = ContactForm {
        desk_fax: shown(now.desk.fax),
        desk_address: shown(now.desk.postal_address),
        card_stop_page: shown(now.card_stop.page),
        card_stop_line: shown(now.card_stop.line),
    };
    Ok(view::settings(&ctx, &typed, &Errors::new(), query.saved == "1").into_response())
}

/// Saves the contact settings; an empty field removes what was set.
pub async fn settings_save(act: StaffAct, Form(typed): Form<ContactForm>) -> Result<Response> {
    let StaffAct { state, ctx, .. } = &act;
    let mut errors = Errors::new();
    let fax = errors.check("desk_fax", optional_number(&typed.desk_fax));
    let address = errors.check("desk_address", optional_postal_address(&typed.desk_address));
    let page = errors.check(
        "card_stop_page",
        optional_web_address(&typed.card_stop_page),
    );
    let line = errors.check("card_stop_line", optional_number(&typed.card_stop_line));
    let (Some(fax), Some(postal_address), Some(page), Some(line)) = (fax, address, page, line)
    else {
        return Ok(rejected(view::settings(ctx, &typed, &errors, false)));
    };
    let new = Contacts {
        desk: DeskContact {
            email: state.config.desk_email.clone(),
            fax,
            postal_address,
        },
        card_stop: CardStop { page, line },
    };
    contact::save(&act.uc(), &new).await?;
    state.contacts.forget();
    Ok(see_other(&format!(
        "{}?saved=1",
        paths::staff::SETTINGS_CONTACT
    )))
}
