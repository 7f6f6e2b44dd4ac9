//! A visitor's display preferences, kept in a cookie so they need no account and no script.

/// How large the text is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextSize {
    /// The browser's own size.
    #[default]
    Standard,
    /// About a quarter larger.
    Large,
    /// About half as large again.
    Larger,
}

/// Which colours the pages use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Contrast {
    /// The standard colours (already at least 4.5:1).
    #[default]
    Standard,
    /// Black on white with heavier borders and underlines.
    High,
}

/// The preferences a visitor chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Prefs {
    /// Text size.
    pub text_size: TextSize,
    /// Colours.
    pub contrast: Contrast,
}

impl TextSize {
    /// Every choice, in the order offered.
    pub const ALL: [TextSize; 3] = [TextSize::Standard, TextSize::Large, TextSize::Larger];
    /// The name used in cookies, forms and CSS classes.
    pub fn as_str(self) -> &'static str {
        match self {
            TextSize::Standard => "standard",
            TextSize::Large => "large",
            TextSize::Larger => "larger",
        }
    }
    /// Reads a name back.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == raw)
    }
}

impl Contrast {
    /// Every choice, in the order offered.
    pub const ALL: [Contrast; 2] = [Contrast::Standard, Contrast::High];
    /// The name used in cookies, forms and CSS classes.
    pub fn as_str(self) -> &'static str {
        match self {
            Contrast::Standard => "standard",
            Contrast::High => "high",
        }
    }
    /// Reads a name back.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == raw)
    }
}

impl Prefs {
    /// The cookie value, such as `large.high`.
    pub fn to_cookie(self) -> String {
        format!("{}.{}", self.text_size.as_str(), self.contrast.as_str())
    }

    /// Reads a cookie value; anything unreadable gives the defaults.
    pub fn from_cookie(raw: &str) -> Self {
        let mut parts = raw.split('.');
        Prefs {
            text_size: parts.next().and_then(TextSize::parse).unwrap_or_default(),
            contrast: parts.next().and_then(Contrast::parse).unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_round_trip() {
        let prefs = Prefs {
            text_size: TextSize::Larger,
            contrast: Contrast::High,
        };
        assert_eq!(Prefs::from_cookie(&prefs.to_cookie()), prefs);
        assert_eq!(Prefs::from_cookie("garbage"), Prefs::default());
    }
}
