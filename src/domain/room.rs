//! Where a customer joins a session. Every video session has a room of its own, a random
//! name nobody can guess; the join address is made from it with the desk's room-address
//! template, such as `https://meet.example.jp/{room}`. A written-chat session has no room.

use super::{Invalid, required_text};
use rand::RngCore;

/// Why a room-address template was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateRefused {
    /// Longer than [`RoomTemplate::MAX_CHARS`].
    TooLong,
    /// Not an `https://` or `http://` address with a host and no spaces.
    NotWebAddress,
    /// `{room}` is missing, or there more than once.
    RoomNotOnce,
}

/// A session's room name: 128 random bits as 32 lowercase hexadecimal characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room(String);

impl Room {
    /// Draws a new room name from the operating system's random source.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        Self(hex::encode(bytes))
    }

    /// The name as stored and put into the template.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The desk's room-address template: a web address with `{room}` where each session's room
/// name goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomTemplate(String);

impl RoomTemplate {
    /// Longest template accepted.
    pub const MAX_CHARS: usize = 400;

    /// Where the room name goes.
    pub const PLACEHOLDER: &'static str = "{room}";

    /// Accepts an `https://` (or, for local use, `http://`) address with a host, no spaces,
    /// and `{room}` exactly once. Nothing typed is no template: `Ok(None)`.
    pub fn parse(raw: &str) -> Result<Option<Self>, TemplateRefused> {
        let value = match required_text(raw, Self::MAX_CHARS) {
            Ok(value) => value,
            Err(Invalid::Missing) => return Ok(None),
            Err(Invalid::TooLong) => return Err(TemplateRefused::TooLong),
            Err(_) => return Err(TemplateRefused::NotWebAddress),
        };
        let host = super::contact::web_host(&value).ok_or(TemplateRefused::NotWebAddress)?;
        if host.is_empty()
            || host.contains(Self::PLACEHOLDER)
            || value.chars().any(char::is_whitespace)
            || value.contains(['<', '>', '"', '\\'])
        {
            return Err(TemplateRefused::NotWebAddress);
        }
        if value.matches(Self::PLACEHOLDER).count() != 1 {
            return Err(TemplateRefused::RoomNotOnce);
        }
        Ok(Some(Self(value)))
    }

    /// The template as typed.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The join address of a room.
    pub fn address(&self, room: &str) -> String {
        self.0.replacen(Self::PLACEHOLDER, room, 1)
    }
}

/// How the customer of a session joins it, as its pages, emails and calendar file tell it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Joining {
    /// A video session with its own room: open this address at the time.
    Video(String),
    /// A video session while the desk has no room-address template yet: the desk sends the
    /// link before the session.
    VideoLinkLater,
    /// A written-chat session: the staff member writes to the customer at the time.
    WrittenChat,
    /// Cancelled or over: there is nothing to join.
    Nothing,
}

impl Joining {
    /// The join address, when there is one.
    pub fn address(&self) -> Option<&str> {
        match self {
            Joining::Video(url) => Some(url),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rooms_are_long_random_and_lowercase() {
        let a = Room::generate();
        let b = Room::generate();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 32);
        assert!(
            a.as_str()
                .bytes()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
        );
    }

    #[test]
    fn a_template_is_a_web_address_with_one_room() {
        let t = RoomTemplate::parse(" https://meet.example.jp/{room} ")
            .unwrap()
            .unwrap();
        assert_eq!(t.address("abc"), "https://meet.example.jp/abc");
        assert!(RoomTemplate::parse("http://localhost:8443/r/{room}?lang=ja").is_ok());
        assert_eq!(RoomTemplate::parse("  "), Ok(None));
        assert_eq!(
            RoomTemplate::parse("ftp://x/{room}"),
            Err(TemplateRefused::NotWebAddress)
        );
        assert_eq!(
            RoomTemplate::parse("ftp://x"),
            Err(TemplateRefused::NotWebAddress)
        );
        assert_eq!(
            RoomTemplate::parse("meet.example.jp/{room}"),
            Err(TemplateRefused::NotWebAddress)
        );
        assert_eq!(
            RoomTemplate::parse("https://{room}.example.jp/"),
            Err(TemplateRefused::NotWebAddress)
        );
        assert_eq!(
            RoomTemplate::parse("https://meet.example.jp/a b/{room}"),
            Err(TemplateRefused::NotWebAddress)
        );
        assert_eq!(
            RoomTemplate::parse("https://meet.example.jp/room"),
            Err(TemplateRefused::RoomNotOnce)
        );
        assert_eq!(
            RoomTemplate::parse("https://meet.example.jp/{room}/{room}"),
            Err(TemplateRefused::RoomNotOnce)
        );
        let long = format!("https://meet.example.jp/{}/{{room}}", "a".repeat(400));
        assert_eq!(RoomTemplate::parse(&long), Err(TemplateRefused::TooLong));
    }

    #[test]
    fn only_a_video_room_has_an_address() {
        assert_eq!(
            Joining::Video("https://m/x".into()).address(),
            Some("https://m/x")
        );
        assert_eq!(Joining::VideoLinkLater.address(), None);
        assert_eq!(Joining::WrittenChat.address(), None);
        assert_eq!(Joining::Nothing.address(), None);
    }
}
