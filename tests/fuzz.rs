//! Fuzzing on stable Rust: one property per parser of what people type or what an address
//! carries, per journey's form-taker, per query and form decoder, and for the free-time and
//! working-time arithmetic. Each asserts that nothing panics and that something true of every
//! accepted value holds (it reads back as itself, it stays within its limits).
//!
//! Every target first runs the seed corpus of known-nasty inputs in `tests/fuzz/corpus.txt`,
//! then generated inputs for `YORISOI_FUZZ_SECONDS` seconds of wall-clock time (two by
//! default, so `cargo test` stays quick). Failures are shrunk and their seeds kept in
//! `proptest-regressions/fuzz/`, replayed first on every later run.

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestRunner};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration as WallClock, Instant};
use time::{Date, Duration, OffsetDateTime, Time, UtcOffset};
use time_tz::{OffsetDateTimeExt, Tz};
use yorisoi::domain::booking::{DetailsForm, SIGN_LANGUAGES};
use yorisoi::domain::journey::{Journey, Step};
use yorisoi::domain::proxy::{ApplicationDraft, ApplicationForm, ApplyStep};
use yorisoi::domain::request::Topic;
use yorisoi::domain::request::{RequestDraft, RequestForm, RequestStep};
use yorisoi::domain::schedule::{
    self, Candidate, DayChange, DayQuestion, Interval, LocalSpan, ModeRules, SessionMode,
};
use yorisoi::domain::{Email, Invalid, dates};
use yorisoi::web::forms::read_fields;

// ---------------------------------------------------------------------------------------
// The harness.

/// The wall-clock time each target runs generated inputs for.
fn budget() -> WallClock {
    let seconds = std::env::var("YORISOI_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .unwrap_or(2.0);
    WallClock::from_secs_f64(seconds)
}

/// The seed corpus, one input a line, with `\n`, `\t`, `\r`, `\0`, `\\` and `\u{…}` escapes;
/// blank lines and lines starting with `#` are skipped. The empty input is always included.
fn corpus() -> Vec<String> {
    let mut inputs = vec![String::new()];
    for line in include_str!("fuzz/corpus.txt").lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        inputs.push(unescape(line));
    }
    inputs
}

fn unescape(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some('\\') => out.push('\\'),
            Some('u') if chars.peek() == Some(&'{') => {
                chars.next();
                let hex: String = chars.by_ref().take_while(|c| *c != '}').collect();
                let c = u32::from_str_radix(&hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .unwrap_or_else(|| panic!("corpus: bad escape \\u{{{hex}}}"));
                out.push(c);
            }
            other => panic!("corpus: unknown escape \\{other:?} in {line}"),
        }
    }
    out
}

/// Runs a property over the corpus (through `from_corpus`, which builds the target's input
/// from one corpus line), then over generated inputs until the budget is spent, on a thread
/// with room for the deep strategies of an unoptimised build. Prints how many cases ran.
fn fuzz<S>(
    target: &'static str,
    strategy: S,
    from_corpus: impl Fn(&str) -> Vec<S::Value> + Send + 'static,
    property: impl Fn(S::Value) -> Result<(), TestCaseError> + Send + 'static,
) where
    S: Strategy + Send + 'static,
    S::Value: Clone,
{
    let run = std::thread::Builder::new()
        .name(target.to_owned())
        .stack_size(256 << 20)
        .spawn(move || run_target(target, strategy, from_corpus, property))
        .expect("a thread for the target");
    if let Err(panic) = run.join() {
        std::panic::resume_unwind(panic);
    }
}

fn run_target<S>(
    target: &'static str,
    strategy: S,
    from_corpus: impl Fn(&str) -> Vec<S::Value>,
    property: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S: Strategy,
    S::Value: Clone,
{
    let started = Instant::now();
    let cases = AtomicU64::new(0);
    let checked = |value: S::Value| {
        cases.fetch_add(1, Ordering::Relaxed);
        property(value)
    };
    for line in corpus() {
        for value in from_corpus(&line) {
            if let Err(e) = checked(value.clone()) {
                panic!("{target}: corpus input {line:?} ({value:?}) fails: {e}");
            }
        }
    }
    let deadline = started + budget();
    let persistence = Box::leak(format!("proptest-regressions/fuzz/{target}.txt").into_boxed_str());
    loop {
        let config = Config {
            cases: 256,
            failure_persistence: Some(Box::new(FileFailurePersistence::Direct(persistence))),
            source_file: Some(file!()),
            max_shrink_time: 60_000,
            ..Config::default()
        };
        let mut runner = TestRunner::new(config);
        if let Err(e) = runner.run(&strategy, checked) {
            panic!("{target}: {e}");
        }
        if Instant::now() >= deadline {
            break;
        }
    }
    eprintln!(
        "fuzz {target}: {} cases in {:.1} s",
        cases.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64()
    );
}

/// Characters that have broken parsers elsewhere: controls, direction marks, zero-width and
/// full-width characters, quotes and the separators of addresses, forms and dates.
const NASTY: &[char] = &[
    '\0', '\t', '\n', '\r', '\x0b', '\x1b', '\x7f', '\u{85}', '\u{a0}', '\u{200b}', '\u{200c}',
    '\u{200d}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{202e}', '\u{2060}', '\u{2066}', '\u{2069}',
    '\u{feff}', '\u{3000}', '０', '９', 'Ａ', 'ｚ', '－', 'ー', '：', '．', '＋', '＠', 'İ', 'ß',
    'ǅ', 'Ω', '\u{301}', '\u{fffd}', '😀', '@', ',', ';', ':', '"', '\'', '(', ')', '<', '>', '[',
    ']', '\\', '/', '.', '-', '+', '=', '&', '%', '#', '?', ' ', '0', '1', '9', 'a', 'Z', 'e', 'E',
    'x', 'q',
];

/// A string of nasty characters.
fn nasty_chars() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(NASTY), 0..24).prop_map(|v| v.into_iter().collect())
}

/// Numbers as people and links write them: small, huge, signed, padded, full-width.
fn numberish() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        (-100_000i64..100_000).prop_map(|n| n.to_string()),
        "[+-]?0*[0-9]{1,40}",
        "[0-9]{1,4}[.,][0-9]{0,4}",
        "[０-９]{1,6}",
        any::<u64>().prop_map(|n| format!("{n}0000000000")),
    ]
}

/// Dates as links and forms might write them, real or not, near and far.
fn dateish() -> impl Strategy<Value = String> {
    prop_oneof![
        (-300_000i64..300_000, 0u8..=14, 0u8..=33)
            .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        (1850i32..2300, 1u8..=12, 1u8..=31).prop_map(|(y, m, d)| format!("{y}-{m}-{d}")),
        (numberish(), numberish(), numberish()).prop_map(|(y, m, d)| format!("{y}-{m}-{d}")),
        "[+-]?[0-9]{1,7}-[0-9]{1,3}-[0-9]{1,3}",
    ]
}

/// Anything a form field or query value could hold.
fn typed() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any::<String>(),
        4 => nasty_chars(),
        2 => numberish(),
        2 => dateish(),
        1 => prop::sample::select(corpus()),
        1 => (nasty_chars(), prop::sample::select(corpus()), nasty_chars())
            .prop_map(|(a, b, c)| format!("{a}{b}{c}")),
    ]
}

/// Strings shaped like email addresses, so that the checks past the first are reached.
fn emailish() -> impl Strategy<Value = String> {
    let part = prop_oneof![
        "[a-zA-Z0-9._+-]{1,12}",
        nasty_chars(),
        "[a-z]{1,5}[,;()\"\\[\\]:<> ][a-z]{1,5}",
        "[ぁ-んァ-ン一-龥]{1,4}",
    ];
    let label = prop_oneof!["[a-z0-9-]{1,10}", nasty_chars(), "[例え日本]{1,3}"];
    prop_oneof![
        3 => (part.clone(), prop::collection::vec(label, 1..4))
            .prop_map(|(local, labels)| format!("{local}@{}", labels.join("."))),
        1 => (part, "[a-z]{1,8}").prop_map(|(local, d)| format!("\"{local}\"@{d}.jp")),
        1 => typed(),
    ]
}

/// Form and query fields: known names with typed values, and names of anything.
fn fields(names: &'static [&'static str]) -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        4 => prop::sample::select(names).prop_map(str::to_owned),
        1 => typed(),
    ];
    prop::collection::vec((name, typed()), 0..12)
}

/// One corpus line in every named field.
fn corpus_fields(names: &'static [&'static str], line: &str) -> Vec<Vec<(String, String)>> {
    let mut all: Vec<(String, String)> = names
        .iter()
        .map(|n| ((*n).to_owned(), line.to_owned()))
        .collect();
    let one_by_one = names
        .iter()
        .map(|n| vec![((*n).to_owned(), line.to_owned())]);
    let mut out: Vec<_> = one_by_one.collect();
    all.push((line.to_owned(), line.to_owned()));
    out.push(all);
    out
}

/// A query string or form body: pairs encoded properly, and raw text as sent by anyone.
fn urlencoded(names: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        fields(names).prop_map(|f| serde_urlencoded::to_string(f).unwrap_or_default()),
        typed(),
        (
            prop::sample::select(names),
            "[%0-9A-Fa-f+&=;]{0,12}",
            typed()
        )
            .prop_map(|(n, raw, v)| format!("{n}={raw}{v}&{n}=%FF%FE%00")),
    ]
}

fn corpus_query(names: &'static [&'static str], line: &str) -> Vec<String> {
    let mut out = vec![line.to_owned()];
    for f in corpus_fields(names, line) {
        out.push(serde_urlencoded::to_string(f).unwrap_or_default());
    }
    out
}

fn one(line: &str) -> Vec<String> {
    vec![line.to_owned()]
}

const TOKYO: &Tz = time_tz::timezones::db::asia::TOKYO;

/// Zones with daylight saving, half and quarter hours, and a date-line jump, besides the
/// desk's own.
fn zone() -> impl Strategy<Value = &'static Tz> {
    use time_tz::timezones::db;
    prop::sample::select(vec![
        TOKYO,
        db::america::NEW_YORK,
        db::europe::LONDON,
        db::australia::LORD_HOWE,
        db::asia::KATHMANDU,
        db::pacific::CHATHAM,
        db::pacific::APIA,
        db::america::ST_JOHNS,
    ])
}

/// A day anywhere in the desk's window.
fn day_in_window() -> impl Strategy<Value = Date> {
    let first = dates::FIRST_DAY.to_julian_day();
    let last = dates::LAST_DAY.to_julian_day();
    (first..=last).prop_map(|j| Date::from_julian_day(j).unwrap())
}

/// Today, as the journeys see it: mostly near now, sometimes anywhere in the window.
fn today() -> impl Strategy<Value = Date> {
    prop_oneof![
        3 => (0i64..3650).prop_map(|d| time::macros::date!(2024 - 01 - 01) + Duration::days(d)),
        1 => day_in_window(),
    ]
}

macro_rules! check {
    ($cond:expr, $($fmt:tt)*) => {
        prop_assert!($cond, $($fmt)*)
    };
}

// ---------------------------------------------------------------------------------------
// Domain parsers.

#[test]
fn email_addresses() {
    fuzz("email_addresses", emailish(), one, |raw| {
        let Ok(email) = Email::parse(&raw) else {
            return Ok(());
        };
        let stored = email.as_str();
        check!(stored.len() <= Email::MAX_LEN, "{stored:?} too long");
        check!(stored == stored.to_lowercase(), "{stored:?} not lower case");
        check!(stored.trim() == stored, "{stored:?} not trimmed");
        check!(
            !stored.chars().any(|c| c.is_control()
                || c.is_whitespace()
                || yorisoi::domain::email::is_hidden_or_bidi(c)),
            "{stored:?} holds a character no address may"
        );
        check!(
            stored.parse::<lettre::Address>().is_ok(),
            "{stored:?} is not a lettre Address"
        );
        let mailbox = stored.parse::<lettre::message::Mailbox>();
        check!(
            mailbox.as_ref().is_ok_and(|m| {
                let address: &str = m.email.as_ref();
                address == stored
            }),
            "{stored:?} reads as mailbox {mailbox:?}"
        );
        prop_assert_eq!(Email::parse(stored), Ok(email.clone()), "re-parse");
        Ok(())
    });
}

#[test]
fn passwords() {
    use yorisoi::domain::Password;
    fuzz("passwords", typed(), one, |raw| {
        if let Ok(p) = Password::parse(&raw) {
            let n = p.expose().chars().count();
            check!(
                (Password::MIN_CHARS..=Password::MAX_CHARS).contains(&n),
                "{n} characters"
            );
            check!(!p.expose().trim().is_empty(), "blank password");
            check!(
                format!("{p:?}").len() < 40,
                "the Debug form shows the password"
            );
        }
        Ok(())
    });
}

#[test]
fn staff_names_and_join_links() {
    use yorisoi::domain::{DisplayName, FullName, RoomTemplate};
    fuzz("staff_names_and_join_links", typed(), one, |raw| {
        if let Ok(n) = FullName::parse(&raw) {
            check!(
                n.as_str().chars().count() <= FullName::MAX_CHARS,
                "full name"
            );
            check!(!n.as_str().chars().any(char::is_control), "control in name");
            prop_assert_eq!(FullName::parse(n.as_str()), Ok(n.clone()));
        }
        if let Ok(n) = DisplayName::parse(&raw) {
            check!(
                n.as_str().chars().count() <= DisplayName::MAX_CHARS,
                "display name"
            );
            prop_assert_eq!(DisplayName::parse(n.as_str()), Ok(n.clone()));
        }
        for url in [
            raw.clone(),
            format!("https://{raw}"),
            format!("http://video.example/{raw}"),
            format!("https://meet.example.jp/{{room}}{raw}"),
        ] {
            if let Ok(Some(u)) = RoomTemplate::parse(&url) {
                let s = u.as_str();
                check!(
                    s.starts_with("https://") || s.starts_with("http://"),
                    "{s:?} scheme"
                );
                check!(
                    !s.chars()
                        .any(|c| c.is_whitespace() || c.is_control() || "<>\"".contains(c)),
                    "{s:?} holds what an attribute or a link cannot"
                );
                check!(
                    s.chars().count() <= RoomTemplate::MAX_CHARS,
                    "{s:?} too long"
                );
                check!(s.matches("{room}").count() == 1, "{s:?} room not once");
                let address = u.address("0123456789abcdef0123456789abcdef");
                check!(
                    !address.contains("{room}"),
                    "{address:?} kept the placeholder"
                );
                prop_assert_eq!(RoomTemplate::parse(s), Ok(Some(u.clone())));
            }
        }
        Ok(())
    });
}

#[test]
fn stored_names_and_choices() {
    use yorisoi::domain::proxy::{
        ConsentMethod, EndedBy, IdDocument, RegistrationStatus, Relationship, Scope,
    };
    use yorisoi::domain::request::{Author, ReplyChannel, RequestStatus, Topic};
    use yorisoi::domain::{
        AuditAction, BookingStatus, Contrast, Lang, Qualification, Role, TextSize,
    };
    /// A stored name read back is that very name.
    macro_rules! reads_back {
        ($raw:expr, $($ty:ty),+) => {$(
            if let Some(v) = <$ty>::parse($raw) {
                prop_assert_eq!(v.as_str(), $raw, "{}", stringify!($ty));
            }
        )+};
    }
    fuzz("stored_names_and_choices", typed(), one, |raw| {
        let raw = raw.as_str();
        reads_back!(
            raw,
            ConsentMethod,
            EndedBy,
            IdDocument,
            RegistrationStatus,
            Relationship,
            Scope,
            Author,
            ReplyChannel,
            RequestStatus,
            Topic,
            AuditAction,
            BookingStatus,
            Contrast,
            TextSize,
            Qualification,
            SessionMode
        );
        match Role::parse(raw) {
            Ok(role) => prop_assert_eq!(role.as_str(), raw.trim()),
            Err(why) => check!(
                matches!(why, Invalid::Missing | Invalid::NotAChoice),
                "{why:?}"
            ),
        }
        if let Some(step) = ApplyStep::from_slug(raw) {
            prop_assert_eq!(step.slug(), raw);
        }
        if let Some(step) = RequestStep::from_slug(raw) {
            prop_assert_eq!(step.slug(), raw);
        }
        if let Some(lang) = Lang::from_code(raw) {
            prop_assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        Ok(())
    });
}

#[test]
fn references_and_tokens() {
    use yorisoi::domain::{Reference, Token};
    // The kinds the desk uses, and one it does not.
    let kinds = prop::sample::select(vec!['S', 'P', 'R', 'E', 'Z']);
    fuzz(
        "references_and_tokens",
        (typed(), kinds),
        |line| vec![(line.to_owned(), 'S'), (line.to_owned(), 'E')],
        |(raw, kind)| {
            if let Some(r) = Reference::parse(&raw, kind) {
                let s = r.as_str();
                let parts: Vec<&str> = s.split('-').collect();
                check!(
                    parts.len() == 3 && parts[1].len() == 4 && parts[2].len() == 4,
                    "{s:?}"
                );
                prop_assert_eq!(Reference::parse(s, kind), Some(r.clone()));
            }
            if let Some(t) = Token::from_presented(&raw) {
                let s = t.expose();
                check!(
                    s.len() == 64
                        && s.bytes()
                            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
                    "{s:?}"
                );
                prop_assert_eq!(Token::from_presented(s).map(|t| t.hash()), Some(t.hash()));
            }
            Ok(())
        },
    );
}

#[test]
fn languages_and_preferences() {
    use yorisoi::domain::{Lang, Prefs};
    fuzz("languages_and_preferences", typed(), one, |raw| {
        let _ = Lang::from_accept_language(&raw);
        let prefs = Prefs::from_cookie(&raw);
        prop_assert_eq!(Prefs::from_cookie(&prefs.to_cookie()), prefs);
        Ok(())
    });
}

#[test]
fn typed_text_fields() {
    use yorisoi::domain::booking::{member_number, optional_text};
    use yorisoi::domain::proxy::{kana_name, postal_address};
    use yorisoi::domain::request::fax_number;
    use yorisoi::domain::required_text;
    fuzz(
        "typed_text_fields",
        (typed(), 0usize..300),
        |l| vec![(l.to_owned(), 100)],
        |(raw, max)| {
            if let Ok(t) = required_text(&raw, max) {
                check!(!t.is_empty() && t.chars().count() <= max, "{t:?}");
                check!(!t.chars().any(char::is_control), "{t:?}");
                prop_assert_eq!(required_text(&t, max), Ok(t.clone()));
            }
            if let Ok(Some(t)) = optional_text(&raw, max) {
                check!(t.chars().count() <= max && !t.contains("\r\n"), "{t:?}");
                prop_assert_eq!(optional_text(&t, max), Ok(Some(t.clone())));
            }
            if let Ok(Some(m)) = member_number(&raw) {
                check!((4..=20).contains(&m.len()), "{m:?}");
                check!(
                    m.chars()
                        .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()),
                    "{m:?}"
                );
                prop_assert_eq!(member_number(&m), Ok(Some(m.clone())));
            }
            if let Ok(k) = kana_name(&raw) {
                check!(!k.is_empty() && k.chars().count() <= 100, "{k:?}");
                prop_assert_eq!(kana_name(&k), Ok(k.clone()));
            }
            if let Ok(a) = postal_address(&raw) {
                check!(a.chars().count() <= 300, "{a:?}");
            }
            if let Ok(f) = fax_number(&raw) {
                let digits = f.chars().filter(char::is_ascii_digit).count();
                check!((6..=20).contains(&digits), "{f:?}");
                prop_assert_eq!(fax_number(&f), Ok(f.clone()));
            }
            Ok(())
        },
    );
}

#[test]
fn times_of_day() {
    use schedule::{hhmm, parse_hhmm};
    fuzz(
        "times_of_day",
        (typed(), typed()),
        |l| vec![(l.to_owned(), l.to_owned()), (l.to_owned(), "17:00".into())],
        |(a, b)| {
            if let Ok(t) = parse_hhmm(&a) {
                check!(
                    i64::from(t.minute()) % schedule::GRID_MINUTES == 0 && t.second() == 0,
                    "{t}"
                );
                prop_assert_eq!(parse_hhmm(&hhmm(t)), Ok(t));
            }
            if let Ok(span) = LocalSpan::parse(&a, &b) {
                check!(span.starts < span.ends, "{span:?}");
            }
            Ok(())
        },
    );
}

#[test]
fn days_and_instants() {
    use yorisoi::domain::proxy::{parse_iso_date, past_date, recent_date};
    let input = (typed(), (dateish(), numberish(), numberish()), today());
    fuzz(
        "days_and_instants",
        input,
        |l| {
            let today = time::macros::date!(2026 - 11 - 25);
            vec![
                (
                    l.to_owned(),
                    (l.to_owned(), l.to_owned(), l.to_owned()),
                    today,
                ),
                (l.to_owned(), (l.to_owned(), "3".into(), "9".into()), today),
            ]
        },
        |(raw, (y, m, d), today)| {
            let window = |day: Date| dates::within_window(day);
            if let Ok(day) = dates::parse_day(&raw) {
                check!(window(day), "{day}");
                prop_assert_eq!(dates::parse_day(&dates::iso_day(day)), Ok(day));
            }
            if let Some(day) = parse_iso_date(&raw) {
                prop_assert_eq!(
                    parse_iso_date(&yorisoi::domain::proxy::iso_date(day)),
                    Some(day)
                );
            }
            if let Ok(at) = dates::parse_unix_instant(&raw) {
                check!(dates::instant_within_window(at), "{at}");
                // Any zone's local date of it is safe to take.
                let _ = at.to_timezone(TOKYO).date();
                let _ = at
                    .to_timezone(time_tz::timezones::db::pacific::KIRITIMATI)
                    .date();
                prop_assert_eq!(
                    dates::parse_unix_instant(&at.unix_timestamp().to_string()),
                    Ok(at)
                );
            }
            for (year, month, day) in [(&y, &m, &d), (&raw, &m, &d), (&y, &raw, &raw)] {
                if let Ok(date) = dates::typed_date(year, month, day) {
                    check!(window(date), "{date}");
                    let (yy, mm, dd) = (
                        date.year().to_string(),
                        u8::from(date.month()).to_string(),
                        date.day().to_string(),
                    );
                    prop_assert_eq!(dates::typed_date(&yy, &mm, &dd), Ok(date));
                }
                if let Ok(date) = past_date(year, month, day, today) {
                    check!(window(date) && date < today, "{date} from {today}");
                }
                if let Ok(date) = recent_date(year, month, day, today) {
                    check!(window(date) && date <= today, "{date} from {today}");
                }
            }
            Ok(())
        },
    );
}

#[test]
fn week_numbers() {
    use yorisoi::domain::booking::week_number;
    fuzz(
        "week_numbers",
        (typed(), any::<i64>()),
        |l| vec![(l.to_owned(), 53), (l.to_owned(), -1)],
        |(raw, last)| {
            let n = week_number(&raw, last);
            check!(n >= 0 && n <= last.max(0), "{n} of {last}");
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------------------
// The journeys' forms.

const DETAILS_FIELDS: &[&str] = &[
    "name",
    "email",
    "member_number",
    "topic",
    "topic_other",
    "sign_language",
    "sign_language_other",
    "needs",
];

#[test]
fn booking_details_form() {
    let mode = prop::sample::select(SessionMode::ALL.to_vec());
    let form = (
        (
            typed(),
            emailish(),
            typed(),
            prop_oneof![
                prop::sample::select(Topic::ALL.to_vec()).prop_map(|t| t.as_str().to_owned()),
                typed()
            ],
        ),
        (
            typed(),
            prop_oneof![
                prop::sample::select(SIGN_LANGUAGES.to_vec()).prop_map(str::to_owned),
                typed()
            ],
            typed(),
            typed(),
        ),
    )
        .prop_map(
            |(
                (name, email, member_number, topic),
                (topic_other, sign_language, sign_language_other, needs),
            )| DetailsForm {
                name,
                email,
                member_number,
                topic,
                topic_other,
                sign_language,
                sign_language_other,
                needs,
            },
        );
    fuzz(
        "booking_details_form",
        (form, mode),
        |l| {
            let all = DetailsForm {
                name: l.into(),
                email: l.into(),
                member_number: l.into(),
                topic: l.into(),
                topic_other: l.into(),
                sign_language: l.into(),
                sign_language_other: l.into(),
                needs: l.into(),
            };
            let good = DetailsForm {
                name: "山田".into(),
                email: "a@example.jp".into(),
                topic: "other".into(),
                topic_other: l.into(),
                sign_language: "other".into(),
                sign_language_other: l.into(),
                needs: l.into(),
                member_number: l.into(),
            };
            SessionMode::ALL
                .iter()
                .flat_map(|m| [(all.clone(), *m), (good.clone(), *m)])
                .collect()
        },
        |(form, mode)| {
            match form.validate(mode) {
                Ok(d) => {
                    check!(!d.name.is_empty() && d.name.chars().count() <= 100, "{d:?}");
                    check!(Topic::ALL.contains(&d.topic), "{d:?}");
                    check!(
                        d.needs.as_ref().is_none_or(
                            |n| n.chars().count() <= yorisoi::domain::booking::NEEDS_MAX_CHARS
                        ),
                        "{d:?}"
                    );
                    prop_assert_eq!(Email::parse(d.email.as_str()), Ok(d.email.clone()));
                    check!(
                        (mode == SessionMode::SignLanguageVideo) == d.sign_language.is_some(),
                        "{d:?}"
                    );
                }
                Err(errors) => {
                    check!(!errors.is_empty(), "refused without a reason");
                    for (field, _) in &errors {
                        check!(DETAILS_FIELDS.contains(field), "{field}");
                    }
                }
            }
            // The form as a browser sends it decodes to the same answers.
            let body = serde_urlencoded::to_string(&form).unwrap();
            let decoded: DetailsForm = serde_urlencoded::from_str(&body).unwrap();
            prop_assert_eq!(decoded, form);
            Ok(())
        },
    );
}

const APPLY_FIELDS: &[&str] = &[
    "principal_full_name",
    "principal_kana",
    "birth-year",
    "birth-month",
    "birth-day",
    "principal_address",
    "principal_member_number",
    "principal_email",
    "proxy_full_name",
    "proxy_kana",
    "relationship",
    "proxy_email",
    "proxy_address",
    "scope",
    "consent_method",
    "declaration",
];

#[test]
fn proxy_application_journey() {
    let steps = prop::collection::vec(prop::sample::select(ApplyStep::ALL.to_vec()), 1..12);
    fuzz(
        "proxy_application_journey",
        (fields(APPLY_FIELDS), steps, today()),
        |l| {
            corpus_fields(APPLY_FIELDS, l)
                .into_iter()
                .map(|f| {
                    (
                        f,
                        ApplyStep::ALL.to_vec(),
                        time::macros::date!(2026 - 11 - 25),
                    )
                })
                .collect()
        },
        |(form, steps, today)| {
            let mut draft = ApplicationDraft::default();
            let form: ApplicationForm = read_fields(form).expect("every field is text");
            for step in &steps {
                draft.take(*step, &form);
                let errors = draft.check(*step, today);
                for (field, _) in &errors {
                    check!(
                        field.starts_with(|c: char| c.is_ascii_lowercase()),
                        "{field}"
                    );
                }
                if errors.is_empty() {
                    draft.done.insert(step.slug().to_owned());
                }
            }
            match draft.finish(today) {
                Ok(a) => {
                    for step in ApplyStep::ALL {
                        check!(
                            draft.check(*step, today).is_empty(),
                            "{step:?} refused yet valid"
                        );
                    }
                    check!(
                        a.principal_birth_date < today
                            && dates::within_window(a.principal_birth_date),
                        "{a:?}"
                    );
                    prop_assert_eq!(
                        Email::parse(a.proxy_email.as_str()),
                        Ok(a.proxy_email.clone())
                    );
                }
                Err(errors) => check!(!errors.is_empty(), "refused without a reason"),
            }
            Ok(())
        },
    );
}

const REQUEST_FIELDS: &[&str] = &[
    "topic",
    "details",
    "name",
    "member_number",
    "channel",
    "email",
    "fax",
    "address",
];

#[test]
fn support_request_journey() {
    let steps = prop::collection::vec(prop::sample::select(RequestStep::ALL.to_vec()), 1..10);
    fuzz(
        "support_request_journey",
        (fields(REQUEST_FIELDS), steps),
        |l| {
            corpus_fields(REQUEST_FIELDS, l)
                .into_iter()
                .map(|f| (f, RequestStep::ALL.to_vec()))
                .collect()
        },
        |(form, steps)| {
            let mut draft = RequestDraft::default();
            let form: RequestForm = read_fields(form).expect("every field is text");
            let today = time::macros::date!(2026 - 11 - 25);
            for step in &steps {
                draft.take(*step, &form);
                let accepted = draft.check(*step, today).is_empty();
                draft.mark(*step, accepted);
            }
            if let Ok(r) = draft.finish(today) {
                if let Some(email) = &r.email {
                    prop_assert_eq!(Email::parse(email.as_str()), Ok(email.clone()));
                }
                check!(!r.details.is_empty() && !r.name.is_empty(), "{r:?}");
            }
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------------------
// What the web handlers decode from queries and forms.

#[test]
fn booking_queries_and_forms() {
    use yorisoi::web::booking::WeekQuery;
    use yorisoi::web::booking::journey::{DayForm, ModeForm, TimeForm, TimeQuery};
    use yorisoi::web::booking::manage::{CancelForm, ManageQuery, MoveForm, MoveQuery};
    const NAMES: &[&str] = &[
        "mode",
        "week",
        "day",
        "start",
        "keep",
        "taken",
        "done",
        "cancel_reason",
    ];
    fuzz(
        "booking_queries_and_forms",
        urlencoded(NAMES),
        |l| corpus_query(NAMES, l),
        |raw| {
            let _ = serde_urlencoded::from_str::<ModeForm>(&raw);
            let _ = serde_urlencoded::from_str::<WeekQuery>(&raw);
            let _ = serde_urlencoded::from_str::<DayForm>(&raw);
            let _ = serde_urlencoded::from_str::<TimeForm>(&raw);
            let _ = serde_urlencoded::from_str::<TimeQuery>(&raw);
            let _ = serde_urlencoded::from_str::<ManageQuery>(&raw);
            let _ = serde_urlencoded::from_str::<CancelForm>(&raw);
            let _ = serde_urlencoded::from_str::<MoveQuery>(&raw);
            let _ = serde_urlencoded::from_str::<MoveForm>(&raw);
            let _ = serde_urlencoded::from_str::<DetailsForm>(&raw);
            // What the day and time pages read from those fields.
            if let Ok(pairs) = serde_urlencoded::from_str::<Vec<(String, String)>>(&raw) {
                for (_, value) in pairs {
                    let _ = yorisoi::domain::booking::week_number(&value, 53);
                    if let Ok(at) = dates::parse_unix_instant(&value) {
                        let now = time::macros::datetime!(2026-11-25 03:00 UTC);
                        let _ = schedule::within_horizon(at, now, TOKYO, &ModeRules::default());
                    }
                }
            }
            Ok(())
        },
    );
}

#[test]
fn staff_queries_and_forms() {
    use yorisoi::views::staff::{AuditQuery, StaffForm};
    use yorisoi::views::staff_requests::QueueQuery;
    const NAMES: &[&str] = &[
        "actor",
        "action",
        "from",
        "to",
        "page",
        "status",
        "topic",
        "channel",
        "assignee",
        "age",
        "overdue",
        "email",
        "full_name",
        "display_name",
        "role",
        "password",
        "next",
    ];
    fuzz(
        "staff_queries_and_forms",
        (urlencoded(NAMES), zone()),
        |l| {
            corpus_query(NAMES, l)
                .into_iter()
                .map(|q| (q, TOKYO))
                .collect()
        },
        |(raw, tz)| {
            if let Ok(query) = serde_urlencoded::from_str::<AuditQuery>(&raw) {
                let (filter, errors) = yorisoi::web::audit::audit_filter(&query, tz);
                let edge = |at: OffsetDateTime| {
                    let day = at.to_offset(UtcOffset::UTC).date();
                    (dates::FIRST_DAY - Duration::days(2)..=dates::LAST_DAY + Duration::days(2))
                        .contains(&day)
                };
                check!(
                    filter.from.is_none_or(edge) && filter.until.is_none_or(edge),
                    "{filter:?}"
                );
                let typed_day = |s: &str| !s.trim().is_empty();
                check!(
                    errors.len()
                        <= usize::from(typed_day(&query.from)) + usize::from(typed_day(&query.to)),
                    "{} errors for {query:?}",
                    errors.len()
                );
            }
            if let Ok(query) = serde_urlencoded::from_str::<QueueQuery>(&raw) {
                let filter = yorisoi::web::staff_requests::filter_of(&query, 7);
                if let Some(days) = filter.older_than_days {
                    check!(
                        yorisoi::views::staff_requests::AGES.contains(&days),
                        "{days}"
                    );
                }
            }
            let _ = serde_urlencoded::from_str::<StaffForm>(&raw);
            let _ = serde_urlencoded::from_str::<yorisoi::views::door::LoginForm>(&raw);
            let _ = serde_urlencoded::from_str::<yorisoi::web::door::LoginQuery>(&raw);
            let _ = serde_urlencoded::from_str::<yorisoi::views::staff_proxies::DecisionForm>(&raw);
            let _ = serde_urlencoded::from_str::<yorisoi::views::staff_proxies::SettingsForm>(&raw);
            let _ = serde_urlencoded::from_str::<yorisoi::views::proxy::EndForm>(&raw);
            let _ = serde_urlencoded::from_str::<yorisoi::web::public::PrefsForm>(&raw);
            Ok(())
        },
    );
}

#[test]
fn come_back_paths() {
    use yorisoi::web::forms::local_path;
    let prefix = prop::sample::select(vec!["/", "/staff", "/proxy", "/book"]);
    fuzz(
        "come_back_paths",
        (
            prop_oneof![typed(), typed().prop_map(|s| format!("/staff/{s}"))],
            prefix,
        ),
        |l| vec![(l.to_owned(), "/"), (format!("/staff{l}"), "/staff")],
        |(raw, prefix)| {
            if let Some(path) = local_path(&raw, prefix) {
                check!(
                    path.starts_with(prefix) && path.starts_with('/') && !path.starts_with("//"),
                    "{path:?}"
                );
                // What a browser reads as a slash, or drops, is never kept.
                check!(!path.contains(['\\', '\t', '\n', '\r']), "{path:?}");
                // It goes into a Location header as it is.
                check!(
                    axum::http::HeaderValue::from_str(&path).is_ok(),
                    "{path:?} cannot be a Location header"
                );
            }
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------------------
// The free-time and working-time arithmetic.

/// A local span on the 15-minute grid, perhaps empty or backwards (refused spans are dropped
/// as the settings pages drop them).
fn grid_span() -> impl Strategy<Value = Option<LocalSpan>> {
    (0u16..96, 1u16..97).prop_map(|(a, len)| {
        let end = a + len;
        let at = |cell: u16| Time::from_hms((cell / 4) as u8, ((cell % 4) * 15) as u8, 0).ok();
        let starts = at(a)?;
        // The day's end is written 23:45 at the latest, as the pages allow.
        let ends = at(end.min(95))?;
        (ends > starts).then_some(LocalSpan { starts, ends })
    })
}

fn spans() -> impl Strategy<Value = Vec<LocalSpan>> {
    prop::collection::vec(grid_span(), 0..4).prop_map(|v| v.into_iter().flatten().collect())
}

/// Rules within what the settings page accepts.
fn rules() -> impl Strategy<Value = ModeRules> {
    (
        5i64..=240,
        0i64..=120,
        0i64..=10080,
        1i64..=365,
        0i64..=10080,
    )
        .prop_map(|(length, buffer, notice, horizon, cutoff)| ModeRules {
            length: Duration::minutes(length),
            buffer: Duration::minutes(buffer),
            min_notice: Duration::minutes(notice),
            horizon_days: horizon,
            cancel_cutoff: Duration::minutes(cutoff),
        })
}

#[derive(Debug, Clone)]
struct Roster {
    usual: Vec<LocalSpan>,
    changes: Vec<DayChange>,
    /// Holds as (minutes after the day's start, 15-minute cells).
    holds: Vec<(i64, i64)>,
}

fn roster() -> impl Strategy<Value = Roster> {
    let change = prop_oneof![
        Just(DayChange::Off),
        grid_span().prop_filter_map("empty span", |s| s.map(DayChange::Extra)),
    ];
    (
        spans(),
        prop::collection::vec(change, 0..3),
        prop::collection::vec((-120i64..1560, 1i64..20), 0..5),
    )
        .prop_map(|(usual, changes, holds)| Roster {
            usual,
            changes,
            holds,
        })
}

#[test]
fn free_times() {
    let input = (
        zone(),
        prop_oneof![3 => today(), 1 => day_in_window()],
        -3000i64..3000,
        spans(),
        any::<bool>(),
        rules(),
        prop::collection::vec(roster(), 0..4),
    );
    fuzz(
        "free_times",
        input,
        |_| Vec::new(),
        |(tz, day, days_ahead, opening, closed, rules, rosters)| {
            // Now is some time around the day (the day may be past, today or far ahead).
            let Some(now_day) = day.checked_sub(Duration::days(days_ahead.rem_euclid(400) - 30))
            else {
                return Ok(());
            };
            if !dates::within_window(now_day) {
                return Ok(());
            }
            let now = schedule::local_instant(now_day, Time::MIDNIGHT, tz)
                .unwrap_or_else(|| now_day.midnight().assume_utc())
                + Duration::minutes(days_ahead.rem_euclid(1440));
            let opening: Vec<(Time, Time)> = if closed {
                Vec::new()
            } else {
                opening.iter().map(|s| (s.starts, s.ends)).collect()
            };
            let day_start = schedule::local_instant(day, Time::MIDNIGHT, tz)
                .unwrap_or_else(|| day.midnight().assume_utc());
            let candidates: Vec<Candidate> = rosters
                .iter()
                .enumerate()
                .map(|(i, r)| Candidate {
                    interpreter_id: i as i64,
                    available: schedule::available_on(day, tz, &r.usual, &r.changes),
                    held: r
                        .holds
                        .iter()
                        .map(|(at, cells)| {
                            let start = day_start + Duration::minutes(at / 15 * 15);
                            Interval {
                                start,
                                end: start + Duration::minutes(cells * 15),
                            }
                        })
                        .collect(),
                })
                .collect();
            for c in &candidates {
                // Availability comes merged: in order, neither overlapping nor touching.
                for pair in c.available.windows(2) {
                    check!(pair[0].end < pair[1].start, "{:?}", c.available);
                }
                for a in &c.available {
                    check!(a.start < a.end, "{a:?}");
                }
            }
            let starts = schedule::free_starts(&DayQuestion {
                day,
                tz,
                opening: &opening,
                rules: &rules,
                now,
                candidates: &candidates,
            });
            for pair in starts.windows(2) {
                check!(pair[0] < pair[1], "starts in order, once each: {starts:?}");
            }
            if closed || candidates.is_empty() {
                check!(
                    starts.is_empty(),
                    "a closed day or no interpreter offers {starts:?}"
                );
            }
            let today = now.to_timezone(tz).date();
            for start in &starts {
                let local = start.to_timezone(tz);
                check!(local.date() == day, "{start} is not on {day}");
                check!(
                    i64::from(local.minute()) % schedule::GRID_MINUTES == 0,
                    "{start} off the grid"
                );
                check!(
                    *start >= now + rules.min_notice,
                    "{start} inside the notice from {now}"
                );
                check!(
                    (day - today).whole_days() <= rules.horizon_days,
                    "{day} past the horizon"
                );
                check!(
                    schedule::within_horizon(*start, now, tz, &rules)
                        || rules.min_notice.is_zero() && *start == now,
                    "{start} refused by within_horizon"
                );
                let session = Interval {
                    start: *start,
                    end: *start + rules.length,
                };
                let within_opening = opening.iter().any(|(open, close)| {
                    match (
                        schedule::local_instant(day, *open, tz),
                        schedule::local_instant(day, *close, tz),
                    ) {
                        (Some(o), Some(c)) => o <= session.start && session.end <= c,
                        _ => false,
                    }
                });
                check!(
                    within_opening,
                    "{start} outside the opening hours {opening:?}"
                );
                let hold = schedule::held(*start, &rules);
                let someone = candidates.iter().any(|c| {
                    c.available.iter().any(|a| a.contains(&session))
                        && !c.held.iter().any(|h| h.overlaps(&hold))
                });
                check!(someone, "{start}: no interpreter is free");
                check!(
                    candidates.iter().any(|c| c.free_for(*start, &rules)),
                    "{start}: free_for disagrees"
                );
            }
            Ok(())
        },
    );
}

#[test]
fn working_time() {
    use yorisoi::domain::request::after_working_minutes;
    let input = (
        zone(),
        day_in_window(),
        0i64..1440,
        prop_oneof![-10i64..10_000, any::<i64>()],
        prop::collection::vec(spans(), 7),
        prop::collection::vec(0u16..400, 0..20),
    );
    fuzz(
        "working_time",
        input,
        |_| Vec::new(),
        |(tz, day, minute, minutes, week, closed)| {
            let from = day.midnight().assume_utc() + Duration::minutes(minute);
            let closed: Vec<Date> = closed
                .iter()
                .map(|d| day + Duration::days(i64::from(*d)))
                .collect();
            let opening = |d: Date| -> Vec<(Time, Time)> {
                if closed.contains(&d) {
                    return Vec::new();
                }
                week[usize::from(d.weekday().number_days_from_monday())]
                    .iter()
                    .map(|s| (s.starts, s.ends))
                    .collect()
            };
            let due = after_working_minutes(from, minutes, tz, opening);
            if minutes <= 0 {
                prop_assert_eq!(due, from);
            } else {
                check!(due > from, "{due} not after {from}");
                // Within the year of days it looks through, or around the clock after that.
                let capped = Duration::minutes(minutes.min(366 * 24 * 60));
                check!(
                    due <= from + capped.max(Duration::days(368)),
                    "{due} far from {from}"
                );
            }
            Ok(())
        },
    );
}

#[test]
fn email_retries() {
    use yorisoi::domain::delivery::{GIVE_UP_AFTER, next_attempt, retry_delay};
    let input = (
        any::<u32>(),
        prop_oneof![any::<f64>(), 0.0f64..=1.0],
        0i64..100_000,
        day_in_window(),
    );
    fuzz(
        "email_retries",
        input,
        |_| Vec::new(),
        |(failures, jitter, waited, day)| {
            let delay = retry_delay(failures, jitter);
            check!(
                delay >= Duration::seconds(24) && delay <= Duration::hours(5),
                "{delay}"
            );
            let created = day.midnight().assume_utc();
            let now = created + Duration::seconds(waited);
            if let Some(next) = next_attempt(created, now, failures, jitter) {
                check!(next > now && next <= created + GIVE_UP_AFTER, "{next}");
            }
            Ok(())
        },
    );
}

/// The seed corpus reads, escapes and all.
#[test]
fn the_corpus_reads() {
    let inputs = corpus();
    assert!(inputs.len() > 40, "{} inputs", inputs.len());
    assert!(inputs.contains(&"a,b@x.jp".to_owned()));
    assert!(inputs.iter().any(|s| s.contains('\u{202e}')));
}
