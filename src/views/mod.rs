//! HTML, written with maud. Views read a [`PageContext`] and plain data; they never touch the
//! database or HTTP.

pub mod book;
pub mod components;
pub mod contact;
pub mod door;
pub mod errors;
pub mod layout;
pub mod not_me;
pub mod proxy;
pub mod public;
pub mod requests;
pub mod schedule;
pub mod staff;
pub mod staff_proxies;
pub mod staff_requests;

use crate::domain::{CardStop, DeskContact, Lang, Permission, Prefs, Role};
use crate::i18n;
use time::OffsetDateTime;
use time_tz::Tz;

/// The signed-in staff member, as the header shows them.
#[derive(Debug, Clone)]
pub struct StaffBadge {
    /// The name shown.
    pub display_name: String,
    /// Their role, which decides the menu.
    pub role: Role,
}

/// What every page needs to know about the request it answers.
#[derive(Debug, Clone)]
pub struct PageContext {
    /// The language the page is written in.
    pub lang: Lang,
    /// The visitor's display preferences.
    pub prefs: Prefs,
    /// The token every form must carry back.
    pub csrf_token: String,
    /// The id of this request, shown on the 500 page and written in the log.
    pub request_id: String,
    /// The path and query of this page, for the language switch to come back to.
    pub path: String,
    /// The signed-in staff member, if any.
    pub staff: Option<StaffBadge>,
    /// The signed-in proxy's name, if a proxy is signed in.
    pub proxy: Option<String>,
    /// The customer a proxy is booking for, shown on every page of that journey.
    pub acting_for: Option<String>,
    /// The desk's time zone.
    pub tz: &'static Tz,
    /// How to write to the desk besides the website, shown wherever a page speaks of
    /// writing to the desk.
    pub desk: DeskContact,
    /// How to stop a lost or stolen card at any hour.
    pub card_stop: CardStop,
}

impl PageContext {
    /// A message in the page's language.
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        i18n::t(self.lang, key)
    }

    /// A message with values filled in.
    pub fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        i18n::tf(self.lang, key, args)
    }

    /// An instant in the desk's zone, written the page language's way.
    pub fn datetime(&self, at: OffsetDateTime) -> String {
        i18n::format_datetime(self.lang, at, self.tz)
    }

    /// The same page context, for a page a proxy fills in for a customer.
    pub fn acting_for(mut self, customer: Option<String>) -> Self {
        self.acting_for = customer;
        self
    }

    /// Whether the signed-in staff member holds a permission.
    pub fn staff_may(&self, permission: Permission) -> bool {
        self.staff.as_ref().is_some_and(|s| s.role.may(permission))
    }
}
