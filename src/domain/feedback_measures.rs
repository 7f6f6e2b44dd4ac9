//! The measures of customer feedback as plain figures: how the answers on the ease scale fell
//! in a month and channel, the mean and the share satisfied worked out from them, the
//! contacts asked and answered, volumes by kind and theme, and each staff member's own
//! figures. The arithmetic lives here (rounding half up, nothing shown for an empty month, no
//! rate when nobody was asked) so it is tested without a database; the counting is done in
//! SQL by `services::feedback::measures`. Also the writing of CSV cells.

use super::Lang;
use super::feedback::{Channel, EASE, Kind, satisfied};
use time::{Date, Month};

/// How many months the measures cover by default, this one included.
pub const MONTHS: usize = 12;

/// The first day of the month `day` falls in.
pub fn first_of_month(day: Date) -> Date {
    day.replace_day(1).unwrap_or(day)
}

/// The first day of the month after `month`'s.
pub fn next_month(month: Date) -> Date {
    let (year, next) = match month.month() {
        Month::December => (month.year() + 1, Month::January),
        other => (month.year(), other.next()),
    };
    Date::from_calendar_date(year, next, 1).unwrap_or(month)
}

fn previous_month(month: Date) -> Date {
    let (year, previous) = match month.month() {
        Month::January => (month.year() - 1, Month::December),
        other => (month.year(), other.previous()),
    };
    Date::from_calendar_date(year, previous, 1).unwrap_or(month)
}

/// The first days of `count` months (at least one), oldest first, ending with the month
/// `last` falls in.
pub fn months_ending(last: Date, count: usize) -> Vec<Date> {
    let mut month = first_of_month(last);
    let mut all = vec![month];
    while all.len() < count {
        month = previous_month(month);
        all.push(month);
    }
    all.reverse();
    all
}

/// `numerator / denominator` scaled by `scale` and rounded half up, as a whole number; none
/// when the denominator is zero (nothing to divide).
pub fn rounded_ratio(numerator: u64, denominator: u64, scale: u64) -> Option<u64> {
    if denominator == 0 {
        return None;
    }
    let scaled = u128::from(numerator) * u128::from(scale) * 2 + u128::from(denominator);
    u64::try_from(scaled / (u128::from(denominator) * 2)).ok()
}

/// A figure in tenths written with its one decimal: 43 is "4.3".
pub fn tenths_text(tenths: u64) -> String {
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// How the answers on the ease scale fell: how many answered each of 1 to 5.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Answers {
    /// How many answered 1, 2, 3, 4 and 5.
    pub by_ease: [u64; 5],
}

impl Answers {
    /// Counts `n` more answers of `ease`; a value off the scale is not counted.
    pub fn add(&mut self, ease: i16, n: u64) {
        if let Some(slot) = EASE.iter().position(|e| *e == ease) {
            self.by_ease[slot] += n;
        }
    }

    /// Both sets of answers together.
    pub fn merged(mut self, other: &Answers) -> Answers {
        for (mine, theirs) in self.by_ease.iter_mut().zip(other.by_ease) {
            *mine += theirs;
        }
        self
    }

    /// How many answered.
    pub fn responses(&self) -> u64 {
        self.by_ease.iter().sum()
    }

    /// How many answered easy or very easy.
    pub fn satisfied(&self) -> u64 {
        EASE.iter()
            .zip(self.by_ease)
            .filter(|(ease, _)| satisfied(**ease))
            .map(|(_, n)| n)
            .sum()
    }

    /// The mean ease in tenths, rounded half up (43 is 4.3); none without answers.
    pub fn mean_tenths(&self) -> Option<u64> {
        let total: u64 = EASE
            .iter()
            .zip(self.by_ease)
            .map(|(ease, n)| u64::from(ease.unsigned_abs()) * n)
            .sum();
        rounded_ratio(total, self.responses(), 10)
    }

    /// The share satisfied as a whole percent, rounded half up; none without answers.
    pub fn satisfied_percent(&self) -> Option<u64> {
        rounded_ratio(self.satisfied(), self.responses(), 100)
    }
}

/// The contacts of one channel asked in a month, and how many of them have answered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Asked {
    /// Invitations written that month.
    pub asked: u64,
    /// Of those, the ones answered (at any time since).
    pub answered: u64,
}

impl Asked {
    /// Answered ÷ asked as a whole percent, rounded half up; none when nobody was asked.
    pub fn rate_percent(&self) -> Option<u64> {
        rounded_ratio(self.answered, self.asked, 100)
    }
}

/// Whether contacts of a channel are asked: the open form asks nobody.
pub fn is_asked(channel: Channel) -> bool {
    channel != Channel::General
}

/// One channel in one month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelMonth {
    pub channel: Channel,
    /// The feedback received.
    pub answers: Answers,
    /// The contacts asked; none for the open form, which asks nobody.
    pub asked: Option<Asked>,
}

/// One month's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthMeasures {
    /// The first day of the month, in the desk's zone.
    pub month: Date,
    /// Every channel, in [`Channel::ALL`]'s order, zeros included.
    pub channels: Vec<ChannelMonth>,
    /// Feedback received by kind, every kind in [`Kind::ALL`]'s order, zeros included.
    pub by_kind: Vec<(Kind, u64)>,
}

impl MonthMeasures {
    /// A month with nothing in it yet.
    pub fn empty(month: Date) -> MonthMeasures {
        MonthMeasures {
            month,
            channels: Channel::ALL
                .iter()
                .map(|&channel| ChannelMonth {
                    channel,
                    answers: Answers::default(),
                    asked: is_asked(channel).then(Asked::default),
                })
                .collect(),
            by_kind: Kind::ALL.iter().map(|&k| (k, 0)).collect(),
        }
    }

    /// One channel's figures.
    pub fn channel(&self, channel: Channel) -> Option<&ChannelMonth> {
        self.channels.iter().find(|c| c.channel == channel)
    }

    /// The month's answers over every channel.
    pub fn answers(&self) -> Answers {
        self.channels
            .iter()
            .fold(Answers::default(), |all, c| all.merged(&c.answers))
    }
}

/// A theme feedback is tagged with, as the admin named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub id: i64,
    pub name_ja: String,
    pub name_en: String,
    /// No longer offered for tagging; what it tags keeps it.
    pub archived: bool,
}

impl Theme {
    /// The theme's name in a language.
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ja => &self.name_ja,
            Lang::En => &self.name_en,
        }
    }
}

/// How many pieces of feedback in the period a theme tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeCount {
    pub theme: Theme,
    pub count: u64,
}

/// The measures of a period: month by month, oldest first, and by theme over the whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measures {
    /// Every month of the period, oldest first; the last is the latest.
    pub months: Vec<MonthMeasures>,
    /// The themes that tag feedback of the period, and every theme still offered.
    pub themes: Vec<ThemeCount>,
    /// Feedback of the period with no theme.
    pub untagged: u64,
}

impl Measures {
    /// Every answer of the period.
    pub fn answers(&self) -> Answers {
        self.months
            .iter()
            .fold(Answers::default(), |all, m| all.merged(&m.answers()))
    }

    /// The latest month of the period.
    pub fn latest(&self) -> Option<&MonthMeasures> {
        self.months.last()
    }
}

/// One staff member's own figures: the feedback about them, leaving out contacts under an
/// active harassment measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffFigures {
    pub staff_user_id: i64,
    pub display_name: String,
    pub full_name: String,
    pub answers: Answers,
    /// Of those, the compliments.
    pub compliments: u64,
}

/// Every staff member's own figures over a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMeasures {
    /// By display name.
    pub staff: Vec<StaffFigures>,
    /// Feedback about a staff member left out because the contact was under an active
    /// harassment measure.
    pub left_out: u64,
}

/// The most rows the CSV export of feedback holds.
pub const EXPORT_CAP: u64 = 20_000;

/// The characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// One CSV cell: a value a spreadsheet would take for a formula gets a leading `'`, and a
/// value holding a comma, a quote or a line break is quoted with its quotes doubled.
pub fn csv_cell(value: &str) -> String {
    let guarded = if value.starts_with(FORMULA_STARTS) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// One CSV line of cells, ended with CRLF.
pub fn csv_line<S: AsRef<str>>(cells: &[S]) -> String {
    let mut line = cells
        .iter()
        .map(|c| csv_cell(c.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn answers(by_ease: [u64; 5]) -> Answers {
        Answers { by_ease }
    }

    #[test]
    fn ratios_round_half_up() {
        assert_eq!(rounded_ratio(2, 3, 100), Some(67));
        assert_eq!(rounded_ratio(1, 3, 100), Some(33));
        assert_eq!(rounded_ratio(1, 8, 100), Some(13), "12.5 rounds up");
        assert_eq!(rounded_ratio(0, 5, 100), Some(0));
        assert_eq!(rounded_ratio(5, 5, 100), Some(100));
        assert_eq!(rounded_ratio(1, 0, 100), None);
    }

    #[test]
    fn the_mean_has_one_decimal_rounded_half_up() {
        // 4, 4, 5: 4.333…
        assert_eq!(answers([0, 0, 0, 2, 1]).mean_tenths(), Some(43));
        // 1, 4, 4, 4: 3.25 rounds to 3.3
        assert_eq!(answers([1, 0, 0, 3, 0]).mean_tenths(), Some(33));
        // 2, 3: exactly 2.5
        assert_eq!(answers([0, 1, 1, 0, 0]).mean_tenths(), Some(25));
        assert_eq!(tenths_text(43), "4.3");
        assert_eq!(tenths_text(50), "5.0");
        assert_eq!(tenths_text(10), "1.0");
    }

    #[test]
    fn satisfied_is_the_top_two_as_a_whole_percent() {
        let a = answers([1, 0, 1, 0, 1]);
        assert_eq!(a.responses(), 3);
        assert_eq!(a.satisfied(), 1);
        assert_eq!(a.satisfied_percent(), Some(33));
        assert_eq!(answers([0, 0, 1, 1, 1]).satisfied_percent(), Some(67));
    }

    #[test]
    fn an_empty_month_shows_no_mean_and_no_share() {
        let none = Answers::default();
        assert_eq!(none.responses(), 0);
        assert_eq!(none.mean_tenths(), None);
        assert_eq!(none.satisfied_percent(), None);
        let month = MonthMeasures::empty(date!(2026 - 11 - 01));
        assert_eq!(month.channels.len(), Channel::ALL.len());
        assert_eq!(month.answers(), none);
        assert!(month.by_kind.iter().all(|(_, n)| *n == 0));
        assert_eq!(
            month.channel(Channel::General).unwrap().asked,
            None,
            "the open form asks nobody"
        );
        assert_eq!(
            month.channel(Channel::Request).unwrap().asked,
            Some(Asked::default())
        );
    }

    #[test]
    fn the_response_rate_with_nobody_asked_is_none() {
        assert_eq!(Asked::default().rate_percent(), None);
        let asked = Asked {
            asked: 3,
            answered: 1,
        };
        assert_eq!(asked.rate_percent(), Some(33));
        let all = Asked {
            asked: 2,
            answered: 2,
        };
        assert_eq!(all.rate_percent(), Some(100));
    }

    #[test]
    fn answers_off_the_scale_are_not_counted_and_sets_merge() {
        let mut a = Answers::default();
        a.add(0, 3);
        a.add(6, 1);
        a.add(5, 2);
        assert_eq!(a, answers([0, 0, 0, 0, 2]));
        let both = a.merged(&answers([1, 0, 0, 0, 0]));
        assert_eq!(both.responses(), 3);
        assert_eq!(both.mean_tenths(), Some(37));
    }

    #[test]
    fn months_end_with_this_one_across_a_year() {
        let m = months_ending(date!(2027 - 01 - 15), MONTHS);
        assert_eq!(m.len(), 12);
        assert_eq!(m[0], date!(2026 - 02 - 01));
        assert_eq!(m[11], date!(2027 - 01 - 01));
        assert_eq!(
            months_ending(date!(2026 - 03 - 31), 0),
            vec![date!(2026 - 03 - 01)]
        );
        assert_eq!(next_month(date!(2026 - 12 - 01)), date!(2027 - 01 - 01));
        assert_eq!(next_month(date!(2026 - 02 - 01)), date!(2026 - 03 - 01));
    }

    #[test]
    fn csv_cells_are_quoted_and_never_formulas() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a, b"), "\"a, b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("one\ntwo"), "\"one\ntwo\"");
        assert_eq!(csv_cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_cell("+81"), "'+81");
        assert_eq!(csv_cell("-1"), "'-1");
        assert_eq!(csv_cell("@cmd"), "'@cmd");
        assert_eq!(csv_cell("=1,2"), "\"'=1,2\"");
        assert_eq!(csv_cell("ありがとう"), "ありがとう");
        assert_eq!(csv_line(&["a", "b,c", ""]), "a,\"b,c\",\r\n");
    }
}
