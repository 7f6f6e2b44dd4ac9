//! Handlers for the staff side of sessions: the week board, one session (reassign, outcome,
//! notes, cancel), an interpreter's own sessions, interpreters' availability, and the desk's
//! session settings.
//!
//! Some routes are open to two kinds of staff: coordinators (and above) for anyone, and an
//! interpreter for their own. Those routes name `ViewDashboard` in the route table and check
//! here; a page that is not the interpreter's own answers 404, so its existence is not told.

mod board;
mod closed_days;
mod fields;
mod hours;
mod interpreters;
mod sessions;
mod settings;

pub use board::{attention_list, board};
pub use closed_days::{
    close_again, close_day, closed_days, reopen_day, save_rules as save_closure_rules,
};
pub use interpreters::{
    add_exception, interpreter_page, interpreters_list, remove_exception, save_email_lang,
    save_qualifications, save_weekly,
};
pub use sessions::{
    add_note, ask_new_time, cancel, cancel_form, my_availability, my_sessions, outcome, reassign,
    session,
};
pub use settings::{
    save_chat_rooms, save_hours, save_reminders, save_room_template, save_rules, settings,
};

use super::AppState;
use super::forms::DoneQuery;
use crate::domain::{Permission, dates};
use crate::error::{Error, Result};
use crate::services::accounts::SignedInStaff;
use crate::services::booking::{Booking, BookingError};
use crate::views::schedule::SessionLine;
use std::collections::HashMap;
use time::{Date, Duration};

/// A submitted form whose field names are made from the data (a week of spans, one
/// mode's rules), read by name.
type Fields = HashMap<String, String>;

fn value<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.get(name).map(String::as_str).unwrap_or("")
}

fn parse_id(raw: &str) -> Result<i64> {
    raw.parse::<i64>().map_err(|_| Error::NotFound)
}

fn today(state: &AppState) -> Date {
    crate::services::calendar::local_date(state.now(), state.config.timezone)
}

fn monday_of(day: Date) -> Date {
    day - Duration::days(i64::from(day.weekday().number_days_from_monday()))
}

/// A date from the address bar or a form, kept within years where adding a few weeks or
/// years can never overflow.
fn sane_day(raw: &str) -> Option<Date> {
    dates::parse_day(raw).ok()
}

fn booking_error(e: BookingError) -> Error {
    match e {
        BookingError::NotFound => Error::NotFound,
        other => other.into(),
    }
}

/// Whether a staff member may see one interpreter's page or one session of theirs.
fn may_see(staff: &SignedInStaff, interpreter_id: i64) -> bool {
    staff.role.may(Permission::ManageSchedule)
        || (staff.role.may(Permission::ManageOwnSessions) && staff.id == interpreter_id)
}

fn line(b: &Booking) -> SessionLine {
    SessionLine {
        id: b.id,
        reference: b.reference.clone(),
        starts_at: b.starts_at,
        ends_at: b.ends_at,
        mode: b.mode,
        status: b.status,
        needs: Vec::new(),
    }
}
