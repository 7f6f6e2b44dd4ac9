//! HTML, written with maud. Views read a [`PageContext`] and plain data; they never touch the
//! database or HTTP.

pub mod booking;
pub mod charts;
pub mod chat;
pub mod components;
pub mod contact;
pub mod door;
pub mod errors;
pub mod feedback;
pub mod feedback_measures;
pub mod improvements;
pub mod incident_reports;
pub mod incident_signals;
pub mod incidents;
pub mod journey;
pub mod layout;
pub mod measures;
pub mod not_me;
pub mod policy;
pub mod proxy;
pub mod public;
pub mod qualifications;
pub mod requests;
pub mod schedule;
pub mod staff;
pub mod staff_feedback;
pub mod staff_proxies;
pub mod staff_requests;
pub mod staff_room;

use crate::domain::{CardStop, DeskContact, Lang, Permission, Prefs, Role};
use crate::i18n;
use std::sync::Arc;
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

/// What a proxy is doing for a customer, for the banner on every page of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActingFor {
    /// Booking a session for the customer named.
    Booking(String),
    /// Sending (or following) a request for the customer named.
    Sending(String),
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
    /// The customer a proxy is booking or sending a request for, shown on every page of
    /// that journey.
    pub acting_for: Option<ActingFor>,
    /// The desk's time zone.
    pub tz: &'static Tz,
    /// How to write to the desk besides the website, shown wherever a page speaks of
    /// writing to the desk.
    pub desk: DeskContact,
    /// How to stop a lost or stolen card at any hour.
    pub card_stop: CardStop,
    /// What the visitor typed into a form that was refused because its security token had
    /// gone stale: the form is shown again holding it.
    pub kept: Option<Arc<KeptForm>>,
}

/// The fields of a refused form, kept so that nothing typed is lost. Passwords and the form's
/// own token are never kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeptForm {
    fields: Vec<(String, String)>,
}

impl KeptForm {
    /// Keeps the fields of a form, leaving out passwords and the security token.
    pub fn new(fields: Vec<(String, String)>) -> Self {
        let fields = fields
            .into_iter()
            .filter(|(name, _)| name != "csrf_token" && !name.contains("password"))
            .collect();
        KeptForm { fields }
    }

    /// The value typed into a field, if the form had it.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value sent under a name (ticked checkboxes).
    pub fn values(&self, name: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// What the visitor wrote themself (not choices or hidden values), for the page that
    /// shows it back when the form itself cannot be shown again.
    pub fn writing(&self) -> impl Iterator<Item = &str> {
        self.fields
            .iter()
            .map(|(_, v)| v.trim())
            .filter(|v| v.chars().count() > 1 || !v.is_ascii())
    }
}

impl PageContext {
    /// A page's context for unit tests: a visitor in `lang`, nothing signed in.
    #[cfg(test)]
    pub fn for_tests(lang: Lang) -> Self {
        PageContext {
            lang,
            prefs: Prefs::default(),
            csrf_token: "t".repeat(64),
            request_id: "0123456789abcdef".into(),
            path: "/".into(),
            staff: None,
            proxy: None,
            kept: None,
            acting_for: None,
            tz: time_tz::timezones::db::asia::TOKYO,
            desk: Default::default(),
            card_stop: Default::default(),
        }
    }

    /// A message in the page's language.
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        i18n::t(self.lang, key)
    }

    /// A message with values filled in.
    pub fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        i18n::tf(self.lang, key, args)
    }

    /// A counted message in the plural form `count` takes in the page's language.
    pub fn tn(&self, key: &str, count: u64, args: &[(&str, &str)]) -> String {
        i18n::tn(self.lang, key, count, args)
    }

    /// An instant in the desk's zone, written the page language's way.
    pub fn datetime(&self, at: OffsetDateTime) -> String {
        i18n::format_datetime(self.lang, at, self.tz)
    }

    /// A day without its weekday, written the page language's way.
    pub fn day(&self, day: time::Date) -> String {
        i18n::format_day(self.lang, day)
    }

    /// A stored `YYYY-MM-DD` day (a date of birth) written the page language's way; what
    /// cannot be read is shown as stored.
    pub fn stored_day(&self, stored: &str) -> String {
        crate::domain::dates::parse_day(stored)
            .map(|day| self.day(day))
            .unwrap_or_else(|_| stored.to_owned())
    }

    /// A year of birth, as lists show a date of birth: whether it matches is what staff
    /// need. Empty is a year not known.
    pub fn born_in(&self, year: &str) -> String {
        if year.is_empty() {
            self.t("date.born_unknown").to_owned()
        } else {
            self.tf("date.born_in", &[("year", year)])
        }
    }

    /// The same page context, for a page of a booking a proxy makes for a customer.
    pub fn acting_for(mut self, customer: Option<String>) -> Self {
        self.acting_for = customer.map(ActingFor::Booking);
        self
    }

    /// The same page context, for a page of a request a proxy sends for a customer.
    pub fn sending_for(mut self, customer: Option<String>) -> Self {
        self.acting_for = customer.map(ActingFor::Sending);
        self
    }

    /// The value to show in a field: what the visitor typed into a refused form, if any,
    /// or else `value`.
    pub fn field_value<'a>(&'a self, name: &str, value: &'a str) -> &'a str {
        self.kept
            .as_deref()
            .and_then(|kept| kept.value(name))
            .unwrap_or(value)
    }

    /// Whether the signed-in staff member holds a permission.
    pub fn staff_may(&self, permission: Permission) -> bool {
        self.staff.as_ref().is_some_and(|s| s.role.may(permission))
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The lines of the sources under `dir` that name any of `words`, as `file:line: text`.
    fn lines_naming(dir: &Path, words: &[&str], found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                lines_naming(&path, words, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (n, line) in text.lines().enumerate() {
                    if words.iter().any(|w| line.contains(w)) {
                        found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                    }
                }
            }
        }
    }

    #[test]
    fn views_import_neither_services_entities_nor_the_database() {
        // Spelt in pieces, so that this file does not name them itself.
        let words = [
            concat!("crate::", "services"),
            concat!("crate::", "entities"),
            concat!("crate::", "db::"),
            concat!("sea", "_orm"),
        ];
        let views = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/views");
        let mut found = Vec::new();
        lines_naming(&views, &words, &mut found);
        assert!(found.is_empty(), "views only render: {found:#?}");
    }
}
