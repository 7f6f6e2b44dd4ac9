//! The staff side of a written-chat room: saved phrases, put into a message with one press,
//! and notes about the session that only staff read.

use super::Invalid;
use super::booking::optional_text;

/// The longest saved phrase, in characters.
pub const PHRASE_MAX_CHARS: usize = 500;

/// The most phrases one staff member keeps: enough for a desk's set phrases, few enough to
/// read through in the room.
pub const PHRASES_MAX: usize = 30;

/// The longest note, in characters.
pub const NOTE_MAX_CHARS: usize = 2000;

/// Reads a phrase: 1 to [`PHRASE_MAX_CHARS`] characters once trimmed; line breaks kept.
pub fn phrase_body(raw: &str) -> Result<String, Invalid> {
    optional_text(raw, PHRASE_MAX_CHARS)?.ok_or(Invalid::Missing)
}

/// Reads a note: 1 to [`NOTE_MAX_CHARS`] characters once trimmed; line breaks kept.
pub fn note_body(raw: &str) -> Result<String, Invalid> {
    optional_text(raw, NOTE_MAX_CHARS)?.ok_or(Invalid::Missing)
}

/// What is typed once a phrase is put after it. A word written in Latin letters gets a
/// space before the phrase; Japanese, which does not space its words, and text that ends
/// in a space or a line break get nothing between.
pub fn with_phrase(typed: &str, phrase: &str) -> String {
    let gap = match typed.chars().last() {
        Some(last) if last.is_ascii_graphic() => " ",
        _ => "",
    };
    format!("{typed}{gap}{phrase}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phrase_goes_after_what_was_typed_spaced_only_after_latin_text() {
        assert_eq!(
            with_phrase("", "少々お待ちください。"),
            "少々お待ちください。"
        );
        assert_eq!(
            with_phrase("ありがとうございます。", "少々お待ちください。"),
            "ありがとうございます。少々お待ちください。"
        );
        assert_eq!(
            with_phrase("Thank you.", "One moment, please."),
            "Thank you. One moment, please."
        );
        assert_eq!(with_phrase("Hello\n", "Welcome."), "Hello\nWelcome.");
        assert_eq!(with_phrase("Hello ", "Welcome."), "Hello Welcome.");
    }

    #[test]
    fn a_phrase_is_one_to_five_hundred_characters_and_a_note_up_to_two_thousand() {
        assert_eq!(phrase_body("  こんにちは \n"), Ok("こんにちは".to_owned()));
        assert_eq!(phrase_body(" \n "), Err(Invalid::Missing));
        let longest = "あ".repeat(PHRASE_MAX_CHARS);
        assert_eq!(phrase_body(&longest), Ok(longest.clone()));
        assert_eq!(phrase_body(&format!("{longest}あ")), Err(Invalid::TooLong));
        assert_eq!(phrase_body("a\u{0}b"), Err(Invalid::BadFormat));
        assert_eq!(
            note_body("一行目\r\n二行目"),
            Ok("一行目\n二行目".to_owned())
        );
        assert_eq!(note_body(""), Err(Invalid::Missing));
        assert_eq!(
            note_body(&"あ".repeat(NOTE_MAX_CHARS + 1)),
            Err(Invalid::TooLong)
        );
    }
}
