//! How a customer reaches the desk in writing besides this website (an email address that
//! replies reach, a fax number, a postal address), and how a lost or stolen card is stopped
//! at any hour (the card issuer's 24-hour stop page and line). Admins set them; pages and
//! emails show them where they speak of writing to the desk or of stopping a card.

use super::Invalid;
use super::booking::optional_text;
use super::request::fax_number;

/// The desk's written ways in, besides the website. Each is shown only when set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeskContact {
    /// The address that replies to the desk's emails reach (`YORISOI_DESK_EMAIL`).
    pub email: Option<String>,
    /// The desk's fax number.
    pub fax: Option<String>,
    /// The desk's postal address, line breaks kept.
    pub postal_address: Option<String>,
}

impl DeskContact {
    /// Whether any written way besides the website is set.
    pub fn has_any(&self) -> bool {
        self.email.is_some() || self.fax.is_some() || self.postal_address.is_some()
    }
}

/// The card issuer's round-the-clock way to stop a lost or stolen card.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardStop {
    /// The web page where a card is stopped at any hour.
    pub page: Option<String>,
    /// The 24-hour lost and stolen card telephone line.
    pub line: Option<String>,
}

/// The longest postal address accepted, in characters.
pub const POSTAL_ADDRESS_MAX_CHARS: usize = 300;

/// The longest web address accepted, in characters.
pub const WEB_ADDRESS_MAX_CHARS: usize = 400;

/// Reads a telephone or fax number the way a request's fax number is read (6 to 20 digits,
/// with spaces, hyphens and brackets); nothing typed is none.
pub fn optional_number(raw: &str) -> Result<Option<String>, Invalid> {
    match fax_number(raw) {
        Ok(number) => Ok(Some(number)),
        Err(Invalid::Missing) => Ok(None),
        Err(why) => Err(why),
    }
}

/// Reads a postal address of up to [`POSTAL_ADDRESS_MAX_CHARS`] characters, line breaks
/// kept; nothing typed is none.
pub fn optional_postal_address(raw: &str) -> Result<Option<String>, Invalid> {
    optional_text(raw, POSTAL_ADDRESS_MAX_CHARS)
}

/// The host of an `https://` (or `http://`) address, empty when there is none; `None` for
/// anything that is not a web address.
pub fn web_host(value: &str) -> Option<&str> {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))?;
    rest.split(['/', '?', '#']).next()
}

/// Reads a web page's address: `https://` (or, for local use, `http://`), a host, and no
/// spaces or characters that could break out of a link; nothing typed is none.
pub fn optional_web_address(raw: &str) -> Result<Option<String>, Invalid> {
    let value = raw.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if value.chars().count() > WEB_ADDRESS_MAX_CHARS {
        return Err(Invalid::TooLong);
    }
    let host = web_host(value).ok_or(Invalid::BadFormat)?;
    if host.is_empty()
        || value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"'\\`".contains(c))
    {
        return Err(Invalid::BadFormat);
    }
    Ok(Some(value.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_fields_are_none_and_bad_ones_are_refused() {
        assert_eq!(optional_number("  "), Ok(None));
        assert_eq!(
            optional_number("０１２０ー１２３ー４５６"),
            Ok(Some("0120-123-456".to_owned()))
        );
        assert_eq!(optional_number("call us"), Err(Invalid::BadFormat));
        assert_eq!(
            optional_postal_address("〒100-0001\r\n東京都千代田区"),
            Ok(Some("〒100-0001\n東京都千代田区".to_owned()))
        );
        assert_eq!(
            optional_postal_address(&"あ".repeat(301)),
            Err(Invalid::TooLong)
        );
    }

    #[test]
    fn only_a_plain_web_address_is_a_stop_page() {
        assert_eq!(
            optional_web_address(" https://card.example.jp/stop "),
            Ok(Some("https://card.example.jp/stop".to_owned()))
        );
        assert_eq!(optional_web_address(""), Ok(None));
        for bad in [
            "card.example.jp/stop",
            "javascript:alert(1)",
            "https://",
            "https://card.example.jp/a b",
            "https://card.example.jp/\"onclick",
        ] {
            assert_eq!(optional_web_address(bad), Err(Invalid::BadFormat), "{bad}");
        }
        let long = format!("https://card.example.jp/{}", "a".repeat(400));
        assert_eq!(optional_web_address(&long), Err(Invalid::TooLong));
    }
}
