//! Plain types and rules of the desk. Nothing here knows about HTTP, the database or HTML,
//! so every rule can be unit-tested in microseconds.

/// Defines a closed list of stored names with `ALL`, `as_str` and `parse`.
macro_rules! stored_names {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in the order offered.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored name, also used in forms and message keys.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Reads a stored name back.
            pub fn parse(raw: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == raw)
            }
        }
    };
}

pub mod account;
pub mod attention;
pub mod audit;
pub mod booking;
pub mod chat;
pub mod contact;
pub mod dates;
pub mod delivery;
pub mod email;
pub mod feedback;
pub mod feedback_measures;
pub mod forwarded;
pub mod holidays;
pub mod improvement;
pub mod incident;
pub mod incident_settings;
pub mod journey;
pub mod lang;
pub mod matching;
pub mod measure;
pub mod password;
pub mod policy;
pub mod prefs;
pub mod proxy;
pub mod qualification;
pub mod qualification_record;
pub mod reference;
pub mod request;
pub mod role;
pub mod room;
pub mod schedule;
pub mod signals;
pub mod staff;
pub mod staff_room;
pub mod token;
pub mod width;

pub use account::{LinkPurpose, Realm};
pub use audit::AuditAction;
pub use booking::BookingStatus;
pub use contact::{CardStop, DeskContact};
pub use email::Email;
pub use forwarded::TrustedProxies;
pub use lang::Lang;
pub use password::Password;
pub use prefs::{Contrast, Prefs, TextSize};
pub use qualification::{LanguageFit, Qualification, SignLanguage};
pub use qualification_record::QualificationRecord;
pub use reference::Reference;
pub use role::{Permission, Role};
pub use room::{Joining, Room, RoomTemplate};
pub use staff::{DisplayName, FullName};
pub use token::Token;

/// Why a value typed by a person was refused. Each variant maps to one message key in the
/// catalogues, so the person reads the reason in their own language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    /// Nothing was entered.
    Missing,
    /// The value is longer than allowed.
    TooLong,
    /// The value is shorter than allowed.
    TooShort,
    /// The value does not have the expected shape.
    BadFormat,
    /// The value is not one of the offered choices.
    NotAChoice,
    /// The value is real, but outside what the desk can take (a date far in the past or
    /// future).
    OutOfRange,
    /// The value has a plausible shape but holds characters it cannot be used with (an
    /// email address the mailer could not send to).
    Unsendable,
}

/// Trims a typed value and refuses it when empty or longer than `max` characters.
pub fn required_text(raw: &str, max: usize) -> Result<String, Invalid> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(Invalid::Missing);
    }
    if value.chars().count() > max {
        return Err(Invalid::TooLong);
    }
    if value.chars().any(|c| c.is_control()) {
        return Err(Invalid::BadFormat);
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_trims_and_limits() {
        assert_eq!(required_text("  山田 ", 10), Ok("山田".to_owned()));
        assert_eq!(required_text("   ", 10), Err(Invalid::Missing));
        assert_eq!(required_text("あいうえおか", 5), Err(Invalid::TooLong));
        assert_eq!(required_text("a\u{0}b", 5), Err(Invalid::BadFormat));
    }
}
