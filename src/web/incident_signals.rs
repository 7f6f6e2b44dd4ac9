//! Staff handlers for the list of repeated contact after a resolved matter (supervisors and
//! admins, to look at; nothing is done automatically) and for the admin's incident settings:
//! how long incidents are kept, and the list's threshold and window.

use super::AppState;
use super::context::StaffAct;
use super::forms::{Form, Query, rejected, see_other};
use crate::domain::incident_settings::IncidentSettingsForm;
use crate::error::Result;
use crate::paths;
use crate::services::incidents::signals::{self, Signal};
use crate::services::settings;
use crate::views::PageContext;
use crate::views::components::Errors;
use crate::views::incident_signals::{self as view, SignalRow, SignalsView};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::Markup;
use serde::Deserialize;

fn row(s: &Signal) -> SignalRow {
    SignalRow {
        name: s.name.clone(),
        emails: s.contacts.emails.clone(),
        member_numbers: s.contacts.member_numbers.clone(),
        contacts: s.contacts.count as u64,
        first: s.contacts.first,
        last: s.contacts.last,
        requests: s
            .requests
            .iter()
            .map(|r| (r.reference.clone(), paths::staff::request(r.id)))
            .collect(),
    }
}

/// The list of customers who contacted the desk more than the threshold within the window
/// after their matter was resolved.
pub async fn list(act: StaffAct) -> Result<Markup> {
    let db = &act.state.db;
    let settings = settings::incidents::load(db).await?;
    let found = signals::list(db, act.state.now(), &settings).await?;
    let rows: Vec<SignalRow> = found.iter().map(row).collect();
    Ok(view::signals(
        &act.ctx,
        &SignalsView {
            rows: &rows,
            threshold: settings.signal_threshold,
            window_days: settings.signal_window_days,
        },
    ))
}

/// `?saved=1` after saving.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct SavedQuery {
    saved: String,
}

/// The incident settings.
pub async fn settings_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(query): Query<SavedQuery>,
) -> Result<Response> {
    let now = settings::incidents::load(&state.db).await?;
    Ok(view::settings(&ctx, &now.as_form(), &Errors::new(), query.saved == "1").into_response())
}

/// Saves the incident settings; refused values come back with what was typed.
pub async fn settings_save(
    act: StaffAct,
    Form(form): Form<IncidentSettingsForm>,
) -> Result<Response> {
    let new = match form.check() {
        Ok(new) => new,
        Err(refused) => {
            return Ok(rejected(view::settings(
                &act.ctx,
                &form,
                &Errors::from(refused),
                false,
            )));
        }
    };
    settings::incidents::save(&act.uc(), &new).await?;
    Ok(see_other(&format!(
        "{}?saved=1",
        paths::staff::SETTINGS_INCIDENTS
    )))
}
