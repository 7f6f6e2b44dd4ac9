//! The Japanese and English catalogues, and dates and times written each language's way.
//!
//! Every sentence a person reads comes from the `ja*.txt` and `en*.txt` files (one catalogue
//! per language, split by area): one `key = text` a line,
//! `{name}` for a value filled in, `#` for a comment. A test keeps the two key sets equal.
//!
//! A message that counts something has one key per plural category, after CLDR's rules:
//! `audit.count[other]` in every language, and `audit.count[one]` where the language says "1"
//! differently (English does; Japanese does not). [`tn`] picks the form for a number.

use crate::domain::Lang;
use crate::domain::measure::{InForce, MeasureKind};
use crate::domain::schedule::SessionMode;
use std::collections::HashMap;
use std::sync::LazyLock;
use time::{Date, OffsetDateTime, Weekday};
use time_tz::{OffsetDateTimeExt, Tz};

// Each language is one catalogue, kept in a few files by area.
const JA: &str = concat!(
    include_str!("ja.txt"),
    "\n",
    include_str!("ja_booking.txt"),
    "\n",
    include_str!("ja_schedule.txt"),
    "\n",
    include_str!("ja_proxy.txt"),
    "\n",
    include_str!("ja_requests.txt"),
    "\n",
    include_str!("ja_contact.txt"),
    "\n",
    include_str!("ja_calendar.txt"),
    "\n",
    include_str!("ja_chat.txt"),
    "\n",
    include_str!("ja_staff_room.txt"),
    "\n",
    include_str!("ja_policy.txt"),
    "\n",
    include_str!("ja_incidents.txt"),
    "\n",
    include_str!("ja_measures.txt"),
    "\n",
    include_str!("ja_signals.txt"),
    "\n",
    include_str!("ja_feedback.txt"),
    "\n",
    include_str!("ja_feedback_measures.txt"),
    "\n",
    include_str!("ja_improvements.txt"),
    "\n",
    include_str!("ja_qualifications.txt"),
);
const EN: &str = concat!(
    include_str!("en.txt"),
    "\n",
    include_str!("en_booking.txt"),
    "\n",
    include_str!("en_schedule.txt"),
    "\n",
    include_str!("en_proxy.txt"),
    "\n",
    include_str!("en_requests.txt"),
    "\n",
    include_str!("en_contact.txt"),
    "\n",
    include_str!("en_calendar.txt"),
    "\n",
    include_str!("en_chat.txt"),
    "\n",
    include_str!("en_staff_room.txt"),
    "\n",
    include_str!("en_policy.txt"),
    "\n",
    include_str!("en_incidents.txt"),
    "\n",
    include_str!("en_measures.txt"),
    "\n",
    include_str!("en_signals.txt"),
    "\n",
    include_str!("en_feedback.txt"),
    "\n",
    include_str!("en_feedback_measures.txt"),
    "\n",
    include_str!("en_improvements.txt"),
    "\n",
    include_str!("en_qualifications.txt"),
);

/// One language's messages.
pub struct Catalog {
    messages: HashMap<&'static str, &'static str>,
}

/// Parses a catalogue file. Returns the messages and the lines that could not be read.
pub fn parse(source: &'static str) -> (HashMap<&'static str, &'static str>, Vec<usize>) {
    let mut messages = HashMap::new();
    let mut bad = Vec::new();
    for (number, line) in source.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once(" = ") {
            // A key given twice is an error too: the second would hide the first.
            Some((key, text)) if !key.trim().is_empty() && !messages.contains_key(key.trim()) => {
                messages.insert(key.trim(), text.trim());
            }
            _ => bad.push(number + 1),
        }
    }
    (messages, bad)
}

static CATALOGS: LazyLock<[Catalog; 2]> = LazyLock::new(|| {
    [
        Catalog {
            messages: parse(JA).0,
        },
        Catalog {
            messages: parse(EN).0,
        },
    ]
});

/// The catalogue of a language.
pub fn catalog(lang: Lang) -> &'static Catalog {
    match lang {
        Lang::Ja => &CATALOGS[0],
        Lang::En => &CATALOGS[1],
    }
}

impl Catalog {
    /// The message for `key`. A missing key shows itself, so a gap is visible, not blank.
    pub fn get(&self, key: &str) -> Option<&'static str> {
        self.messages.get(key).copied()
    }

    /// Every key, for the completeness tests.
    pub fn keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.messages.keys().copied()
    }
}

/// A message in a language, if the catalogue has it (for keys made from stored words, which
/// may have none).
pub fn find(lang: Lang, key: &str) -> Option<&'static str> {
    catalog(lang).get(key)
}

/// A message in a language; a missing key is written in its place, and noted.
pub fn t(lang: Lang, key: &str) -> &str {
    match catalog(lang).get(key) {
        Some(text) => text,
        None => {
            tracing::warn!(key, lang = lang.code(), "missing message");
            MISSING
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(format!("{}:{key}", lang.code()));
            key
        }
    }
}

/// Sentences written one after another as the language writes them: Japanese runs them
/// together after each `。`, English puts a space between.
pub fn sentences(lang: Lang, parts: &[&str]) -> String {
    match lang {
        Lang::Ja => parts.concat(),
        Lang::En => parts.join(" "),
    }
}

static MISSING: std::sync::Mutex<std::collections::BTreeSet<String>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

/// Every key asked for since start that neither catalogue had, as `lang:key`. Tests that
/// render pages check this stays empty, which catches keys built at run time.
pub fn missing_keys() -> Vec<String> {
    MISSING
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .cloned()
        .collect()
}

/// The message for `key` in `lang`, with each `{name}` replaced by its value.
pub fn tf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut text = t(lang, key).to_owned();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

/// CLDR's plural category of a whole number in a language: Japanese has one form for every
/// number, English one for 1 and another for the rest.
fn plural_category(lang: Lang, count: u64) -> &'static str {
    match lang {
        Lang::Ja => "other",
        Lang::En if count == 1 => "one",
        Lang::En => "other",
    }
}

/// The message for `key` in the plural form `count` takes in `lang`, with `{count}` and the
/// other `{name}`s filled in: `tn(En, "audit.count", 1, &[])` reads "1 matching entry".
pub fn tn(lang: Lang, key: &str, count: u64, args: &[(&str, &str)]) -> String {
    let form = format!("{key}[{}]", plural_category(lang, count));
    let key = if find(lang, &form).is_some() {
        form
    } else {
        format!("{key}[other]")
    };
    let count = count.to_string();
    let mut all = vec![("count", count.as_str())];
    all.extend_from_slice(args);
    tf(lang, &key, &all)
}

const JA_WEEKDAYS: [&str; 7] = ["月", "火", "水", "木", "金", "土", "日"];
const EN_WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const EN_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn weekday_index(day: Weekday) -> usize {
    day.number_days_from_monday() as usize
}

/// A calendar date written the language's way: `2026年11月24日(火)`, `Tue 24 Nov 2026`.
pub fn format_date(lang: Lang, date: Date) -> String {
    let weekday = weekday_index(date.weekday());
    match lang {
        Lang::Ja => format!(
            "{}年{}月{}日({})",
            date.year(),
            u8::from(date.month()),
            date.day(),
            JA_WEEKDAYS[weekday]
        ),
        Lang::En => format!(
            "{} {} {} {}",
            EN_WEEKDAYS[weekday],
            date.day(),
            EN_MONTHS[usize::from(u8::from(date.month())) - 1],
            date.year()
        ),
    }
}

/// A month written the language's way: `2026年12月`, `Dec 2026`.
pub fn format_month(lang: Lang, date: Date) -> String {
    match lang {
        Lang::Ja => format!("{}年{}月", date.year(), u8::from(date.month())),
        Lang::En => format!(
            "{} {}",
            EN_MONTHS[usize::from(u8::from(date.month())) - 1],
            date.year()
        ),
    }
}

/// A day without its weekday, as a date of birth is written: `1941年3月9日`, `9 Mar 1941`.
pub fn format_day(lang: Lang, date: Date) -> String {
    match lang {
        Lang::Ja => format!(
            "{}年{}月{}日",
            date.year(),
            u8::from(date.month()),
            date.day()
        ),
        Lang::En => format!(
            "{} {} {}",
            date.day(),
            EN_MONTHS[usize::from(u8::from(date.month())) - 1],
            date.year()
        ),
    }
}

/// An instant written in the desk's zone the language's way:
/// `2026年11月24日(火) 14:00`, `Tue 24 Nov 2026, 14:00`.
pub fn format_datetime(lang: Lang, at: OffsetDateTime, tz: &Tz) -> String {
    let local = at.to_timezone(tz);
    let date = format_date(lang, local.date());
    let clock = format!("{:02}:{:02}", local.hour(), local.minute());
    match lang {
        Lang::Ja => format!("{date} {clock}"),
        Lang::En => format!("{date}, {clock}"),
    }
}

/// A session's start and end written the language's way, in the desk's zone:
/// `2026年11月24日(火) 14:00–14:30`, `Tue 24 Nov 2026, 14:00–14:30`.
pub fn format_session_time(
    lang: Lang,
    start: OffsetDateTime,
    end: OffsetDateTime,
    tz: &Tz,
) -> String {
    let local_end = end.to_timezone(tz);
    format!(
        "{}–{:02}:{:02}",
        format_datetime(lang, start, tz),
        local_end.hour(),
        local_end.minute()
    )
}

/// The name of a session mode in a language.
pub fn mode_name(lang: Lang, mode: SessionMode) -> &'static str {
    let key = match mode {
        SessionMode::SignLanguageVideo => "mode.sign_language_video",
        SessionMode::WrittenChat => "mode.written_chat",
    };
    t(lang, key)
}

/// The last day a measure ending at `ends_at` is in force, in the desk's zone, written the
/// language's way: a measure ends at the midnight after its last day.
pub fn last_day(lang: Lang, ends_at: OffsetDateTime, tz: &Tz) -> String {
    let last = (ends_at - time::Duration::seconds(1))
        .to_timezone(tz)
        .date();
    format_date(lang, last)
}

/// What a measure means for the person, a sentence each: what is limited (or, for a
/// warning, that nothing is), then until when.
pub fn measure_terms(lang: Lang, kind: MeasureKind, terms: &InForce, tz: &Tz) -> Vec<String> {
    let mut lines = Vec::new();
    if kind == MeasureKind::Warning {
        lines.push(t(lang, "measure.term.warning").to_owned());
    }
    if terms.suspend_requests {
        lines.push(t(lang, "measure.term.suspend_requests").to_owned());
    }
    if terms.suspend_sessions {
        lines.push(t(lang, "measure.term.suspend_sessions").to_owned());
    }
    if terms.email_only {
        lines.push(t(lang, "measure.term.email_only").to_owned());
    }
    if terms.sessions_need_approval {
        lines.push(t(lang, "measure.term.sessions_need_approval").to_owned());
    }
    if let Some(n) = terms.weekly_requests {
        lines.push(tn(
            lang,
            "measure.term.weekly_requests",
            u64::from(n),
            &[("count", &n.to_string())],
        ));
    }
    lines.push(tf(
        lang,
        "measure.term.until",
        &[("day", &last_day(lang, terms.ends_at, tz))],
    ));
    lines
}

/// The ways in that stay open under every measure, a sentence each.
pub fn always_open_lines(lang: Lang) -> Vec<&'static str> {
    [
        "measure.open.lost_card",
        "measure.open.unauthorised_use",
        "measure.open.accommodation",
        "measure.open.staff_conduct",
        "measure.open.appeal",
        "measure.open.proxy_end",
    ]
    .into_iter()
    .map(|key| t(lang, key))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use time::macros::datetime;

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let (ja, ja_bad) = parse(JA);
        let (en, en_bad) = parse(EN);
        assert!(ja_bad.is_empty(), "unreadable lines in ja.txt: {ja_bad:?}");
        assert!(en_bad.is_empty(), "unreadable lines in en.txt: {en_bad:?}");
        // A `[one]` form is needed only where the language has one: every counted message has
        // its `[other]` form in both, and English its `[one]` too.
        let counted = |m: &HashMap<&str, &str>| -> BTreeSet<String> {
            m.keys()
                .filter_map(|k| k.strip_suffix("[other]").map(str::to_owned))
                .collect()
        };
        for key in counted(&en) {
            assert!(
                en.contains_key(format!("{key}[one]").as_str()),
                "no {key}[one] in en"
            );
        }
        let unread: Vec<_> = ja.keys().filter(|k| k.ends_with("[one]")).collect();
        assert!(
            unread.is_empty(),
            "Japanese has one plural form; these are never read: {unread:?}"
        );
        let ja: BTreeSet<_> = ja.keys().collect();
        let en: BTreeSet<_> = en.keys().filter(|k| !k.ends_with("[one]")).collect();
        let only_ja: Vec<_> = ja.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&ja).collect();
        assert!(
            only_ja.is_empty() && only_en.is_empty(),
            "only in ja: {only_ja:?}; only in en: {only_en:?}"
        );
    }

    /// The catalogue keys named literally in the code, as in `ctx.t("book.continue")` or
    /// `i18n::tf(lang, "email.reference", …)`, with the file each is in.
    fn keys_named_in_code() -> Vec<(String, String)> {
        fn walk(dir: &std::path::Path, found: &mut Vec<(String, String)>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let code = std::fs::read_to_string(&path).unwrap();
                    for call in ["t(", "tf(", "tn("] {
                        for (at, _) in code.match_indices(call) {
                            let before = code[..at].chars().last();
                            if !matches!(before, Some('.' | ':' | ' ' | '(')) {
                                continue;
                            }
                            // The first string literal among the call's first two arguments.
                            let args: String = code[at + call.len()..].chars().take(60).collect();
                            let Some(open) = args.find('"') else { continue };
                            if args[..open].contains(')') || args[..open].matches(',').count() > 1 {
                                continue;
                            }
                            let rest = &args[open + 1..];
                            let Some(close) = rest.find('"') else {
                                continue;
                            };
                            let key = &rest[..close];
                            let shaped = key.contains('.')
                                && key.chars().all(|c| {
                                    c.is_ascii_lowercase()
                                        || c.is_ascii_digit()
                                        || c == '_'
                                        || c == '.'
                                });
                            if shaped {
                                // A counted message is found by its `[other]` form.
                                let key = if call == "tn(" {
                                    format!("{key}[other]")
                                } else {
                                    key.to_owned()
                                };
                                found.push((key, path.display().to_string()));
                            }
                        }
                    }
                }
            }
        }
        let mut found = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut found,
        );
        found
    }

    #[test]
    fn every_key_named_in_the_code_is_in_the_catalogues() {
        let (ja, _) = parse(JA);
        let found = keys_named_in_code();
        assert!(
            found.len() > 100,
            "the scan found only {} keys",
            found.len()
        );
        let missing: BTreeSet<_> = found
            .iter()
            .filter(|(key, _)| !ja.contains_key(key.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "keys the code names but no catalogue has: {missing:?}"
        );
    }

    #[test]
    fn placeholders_match_between_languages() {
        let (ja, _) = parse(JA);
        let (en, _) = parse(EN);
        let names = |text: &str| -> BTreeSet<String> {
            text.split('{')
                .skip(1)
                .filter_map(|rest| rest.split_once('}').map(|(n, _)| n.to_owned()))
                .collect()
        };
        for (key, text) in &ja {
            if let Some(other) = en.get(key) {
                assert_eq!(names(text), names(other), "placeholders differ for {key}");
            }
        }
    }

    #[test]
    fn counted_messages_take_each_languages_plural_forms() {
        assert_eq!(tn(Lang::En, "audit.count", 1, &[]), "1 matching entry");
        assert_eq!(tn(Lang::En, "audit.count", 0, &[]), "0 matching entries");
        assert_eq!(tn(Lang::En, "audit.count", 2, &[]), "2 matching entries");
        assert_eq!(tn(Lang::Ja, "audit.count", 1, &[]), "条件に合う記録：1件");
        assert_eq!(
            tn(Lang::En, "requests.filter.older_than", 1, &[]),
            "1 day ago or earlier"
        );
    }

    #[test]
    fn dates_are_written_each_languages_way() {
        let tz = time_tz::timezones::db::asia::TOKYO;
        let at = datetime!(2026-11-24 05:00 UTC);
        assert_eq!(
            format_datetime(Lang::Ja, at, tz),
            "2026年11月24日(火) 14:00"
        );
        assert_eq!(format_datetime(Lang::En, at, tz), "Tue 24 Nov 2026, 14:00");
    }
}
