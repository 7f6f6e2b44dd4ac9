//! The written-chat room of a session: when it is open, and what may be written in it.
//!
//! A room opens by itself a few minutes before the session starts (the desk's setting), or
//! earlier when staff open it. It never closes by the clock, since a session may run past
//! its end: only staff ending the session close it.

use super::Invalid;
use super::booking::optional_text;
use time::{Duration, OffsetDateTime};

/// The longest message, in characters.
pub const MESSAGE_MAX_CHARS: usize = 2000;

/// How many minutes before the start a room opens by itself, unless the desk says.
pub const DEFAULT_OPENS_MINUTES_BEFORE: i64 = 10;

stored_names! {
    /// Who wrote a message in a chat room.
    Author {
        /// The customer.
        Customer = "customer",
        /// A proxy, for the customer.
        Proxy = "proxy",
        /// A member of staff.
        Staff = "staff",
    }
}

/// Where a room stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoomState {
    /// Not open yet; it opens by itself at `opens_at`.
    NotYet {
        /// When it opens by itself.
        opens_at: OffsetDateTime,
    },
    /// Open: messages may be written.
    Open,
    /// Staff ended the session: the messages can be read, and no more written.
    Closed,
}

/// What decides a room's state.
#[derive(Debug, Clone, Copy)]
pub struct Room {
    /// When the session starts.
    pub starts_at: OffsetDateTime,
    /// When staff opened the room early, if they did.
    pub opened_at: Option<OffsetDateTime>,
    /// When staff ended the session, if they did.
    pub closed_at: Option<OffsetDateTime>,
    /// How many minutes before the start the room opens by itself.
    pub opens_minutes_before: i64,
}

impl Room {
    /// When the room opens by itself.
    pub fn opens_at(&self) -> OffsetDateTime {
        self.starts_at - Duration::minutes(self.opens_minutes_before.max(0))
    }

    /// Where the room stands at `now`.
    pub fn state(&self, now: OffsetDateTime) -> RoomState {
        if self.closed_at.is_some() {
            RoomState::Closed
        } else if self.opened_at.is_some() || now >= self.opens_at() {
            RoomState::Open
        } else {
            RoomState::NotYet {
                opens_at: self.opens_at(),
            }
        }
    }
}

/// Reads a message: 1 to [`MESSAGE_MAX_CHARS`] characters once trimmed; line breaks kept.
pub fn message_body(raw: &str) -> Result<String, Invalid> {
    optional_text(raw, MESSAGE_MAX_CHARS)?.ok_or(Invalid::Missing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn room() -> Room {
        Room {
            starts_at: datetime!(2026-12-01 10:00 UTC),
            opened_at: None,
            closed_at: None,
            opens_minutes_before: 10,
        }
    }

    #[test]
    fn a_room_opens_by_itself_minutes_before_the_start() {
        let r = room();
        assert_eq!(
            r.state(datetime!(2026-12-01 09:49:59 UTC)),
            RoomState::NotYet {
                opens_at: datetime!(2026-12-01 09:50 UTC)
            }
        );
        assert_eq!(r.state(datetime!(2026-12-01 09:50 UTC)), RoomState::Open);
    }

    #[test]
    fn staff_may_open_it_early() {
        let r = Room {
            opened_at: Some(datetime!(2026-12-01 08:00 UTC)),
            ..room()
        };
        assert_eq!(r.state(datetime!(2026-12-01 08:01 UTC)), RoomState::Open);
    }

    #[test]
    fn it_never_closes_by_the_clock_only_when_staff_end_it() {
        let r = room();
        assert_eq!(r.state(datetime!(2026-12-02 10:00 UTC)), RoomState::Open);
        let ended = Room {
            closed_at: Some(datetime!(2026-12-01 10:40 UTC)),
            opened_at: Some(datetime!(2026-12-01 09:00 UTC)),
            ..room()
        };
        assert_eq!(
            ended.state(datetime!(2026-12-01 10:41 UTC)),
            RoomState::Closed
        );
        // Ended before it opened by itself: closed all the same.
        assert_eq!(
            ended.state(datetime!(2026-12-01 08:00 UTC)),
            RoomState::Closed
        );
    }

    #[test]
    fn a_negative_setting_counts_as_opening_at_the_start() {
        let r = Room {
            opens_minutes_before: -5,
            ..room()
        };
        assert_eq!(r.opens_at(), datetime!(2026-12-01 10:00 UTC));
    }

    #[test]
    fn a_message_is_one_to_two_thousand_characters_once_trimmed() {
        assert_eq!(message_body("  こんにちは \n"), Ok("こんにちは".to_owned()));
        assert_eq!(
            message_body("一行目\r\n二行目"),
            Ok("一行目\n二行目".to_owned())
        );
        assert_eq!(message_body("   \n "), Err(Invalid::Missing));
        assert_eq!(message_body(""), Err(Invalid::Missing));
        let longest = "あ".repeat(MESSAGE_MAX_CHARS);
        assert_eq!(message_body(&longest), Ok(longest.clone()));
        assert_eq!(message_body(&format!("{longest}あ")), Err(Invalid::TooLong));
        assert_eq!(message_body("a\u{0}b"), Err(Invalid::BadFormat));
    }
}
