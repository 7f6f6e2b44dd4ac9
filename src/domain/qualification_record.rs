//! A qualification as recorded for one staff member: the day it was obtained and the last
//! day it holds; how its expiry stands on a given day; and the reading of the form that
//! records them, one pair of date boxes per qualification.

use super::dates::parse_day;
use super::{Invalid, Qualification, Role, SignLanguage, width};
use time::Date;

/// How many days ahead an expiry is listed as coming soon, so that a renewal course can be
/// booked in time.
pub const EXPIRY_NOTICE_DAYS: i64 = 90;

/// The training that prepares staff to serve older customers and people living with
/// dementia: a session for a customer with a proxy goes to someone holding one of these.
pub const CARE_TRAINING: [Qualification; 2] = [
    Qualification::DementiaSupporter,
    Qualification::UniversalManners,
];

/// A qualification a staff member holds, with its dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QualificationRecord {
    /// Which qualification.
    pub qualification: Qualification,
    /// The day it was obtained, when known (records made before dates were kept have none).
    pub obtained_on: Option<Date>,
    /// The last day it holds; `None` when it does not expire.
    pub expires_on: Option<Date>,
}

impl QualificationRecord {
    /// A record without dates: obtained on a day not known, never expiring.
    pub fn undated(qualification: Qualification) -> Self {
        QualificationRecord {
            qualification,
            obtained_on: None,
            expires_on: None,
        }
    }

    /// Whether it holds on `day` (see [`holds_on`]).
    pub fn holds_on(&self, day: Date) -> bool {
        holds_on(self.expires_on, day)
    }

    /// How its expiry stands on `today`.
    pub fn standing(&self, today: Date) -> Standing {
        standing(self.expires_on, today)
    }
}

/// Whether something whose last day is `expires_on` (`None`: it does not expire) holds on
/// `day`. It holds through its last day, and no longer.
pub fn holds_on(expires_on: Option<Date>, day: Date) -> bool {
    expires_on.is_none_or(|last| day <= last)
}

/// How a qualification's expiry stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// It does not expire, or not within [`EXPIRY_NOTICE_DAYS`].
    Current,
    /// It holds today and expires within [`EXPIRY_NOTICE_DAYS`]: the days left after
    /// today (0 when today is its last day).
    ExpiresSoon(i64),
    /// Its last day has passed.
    Expired,
}

/// How something whose last day is `expires_on` stands on `today`.
pub fn standing(expires_on: Option<Date>, today: Date) -> Standing {
    let Some(last) = expires_on else {
        return Standing::Current;
    };
    let left = (last - today).whole_days();
    if left < 0 {
        Standing::Expired
    } else if left <= EXPIRY_NOTICE_DAYS {
        Standing::ExpiresSoon(left)
    } else {
        Standing::Current
    }
}

/// The name of the box for the day a qualification was obtained (also its element id).
pub fn obtained_field(q: Qualification) -> &'static str {
    match q {
        Qualification::SignLanguageInterpreter => "obtained_on-sign_language_interpreter",
        Qualification::WrittenChat => "obtained_on-written_chat",
        Qualification::ConsumerAffairsProfessional => "obtained_on-consumer_affairs_professional",
        Qualification::DementiaSupporter => "obtained_on-dementia_supporter",
        Qualification::UniversalManners => "obtained_on-universal_manners",
    }
}

/// The name of the box for a qualification's last day (also its element id).
pub fn expires_field(q: Qualification) -> &'static str {
    match q {
        Qualification::SignLanguageInterpreter => "expires_on-sign_language_interpreter",
        Qualification::WrittenChat => "expires_on-written_chat",
        Qualification::ConsumerAffairsProfessional => "expires_on-consumer_affairs_professional",
        Qualification::DementiaSupporter => "expires_on-dementia_supporter",
        Qualification::UniversalManners => "expires_on-universal_manners",
    }
}

/// What was typed on the form for one qualification.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypedRecord {
    /// Whether its box was ticked.
    pub held: bool,
    /// The day obtained, as typed.
    pub obtained_on: String,
    /// The last day, as typed.
    pub expires_on: String,
}

/// Why a date typed for a qualification was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateRefusal {
    /// Not a real day written year-month-day.
    BadFormat,
    /// A real day, but outside the years the desk keeps.
    OutOfRange,
    /// A date for a qualification whose box is not ticked.
    NotHeld,
    /// The day obtained is after today.
    ObtainedInFuture,
    /// The last day comes before the day obtained.
    ExpiresBeforeObtained,
}

impl DateRefusal {
    /// The part of a message key naming it.
    pub fn key(self) -> &'static str {
        match self {
            DateRefusal::BadFormat => "bad_format",
            DateRefusal::OutOfRange => "out_of_range",
            DateRefusal::NotHeld => "not_held",
            DateRefusal::ObtainedInFuture => "in_future",
            DateRefusal::ExpiresBeforeObtained => "before_obtained",
        }
    }
}

/// Which of a qualification's two dates a refusal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateField {
    /// The day obtained.
    Obtained,
    /// The last day.
    Expires,
}

impl DateField {
    /// The name of the box for this date of `q`.
    pub fn name(self, q: Qualification) -> &'static str {
        match self {
            DateField::Obtained => obtained_field(q),
            DateField::Expires => expires_field(q),
        }
    }

    /// The part of a message key naming it.
    pub fn key(self) -> &'static str {
        match self {
            DateField::Obtained => "obtained",
            DateField::Expires => "expires",
        }
    }
}

/// One date refused, with where and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    /// The qualification it was typed for.
    pub qualification: Qualification,
    /// Which of its dates.
    pub field: DateField,
    /// Why.
    pub why: DateRefusal,
}

/// Reads an optional day: empty is none; `YYYY-MM-DD`, in half- or full-width digits, with
/// hyphens or slashes, is a day.
fn optional_day(raw: &str) -> Result<Option<Date>, DateRefusal> {
    let raw = width::numeric(raw.trim()).replace('/', "-");
    if raw.is_empty() {
        return Ok(None);
    }
    match parse_day(&raw) {
        Ok(day) => Ok(Some(day)),
        Err(Invalid::OutOfRange) => Err(DateRefusal::OutOfRange),
        Err(_) => Err(DateRefusal::BadFormat),
    }
}

/// Reads the form: a record for each qualification ticked, in the order of
/// [`Qualification::ALL`], or every date refused, in the order of the page.
pub fn read_records(
    typed: &[(Qualification, TypedRecord)],
    today: Date,
) -> Result<Vec<QualificationRecord>, Vec<Refused>> {
    let mut records = Vec::new();
    let mut refused = Vec::new();
    for q in Qualification::ALL {
        let Some((_, t)) = typed.iter().find(|(which, _)| *which == q) else {
            continue;
        };
        let mut refuse = |field, why| {
            refused.push(Refused {
                qualification: q,
                field,
                why,
            })
        };
        if !t.held {
            // Dates without the box ticked are a slip either way: say so, rather than
            // check their format.
            for (field, raw) in [
                (DateField::Obtained, &t.obtained_on),
                (DateField::Expires, &t.expires_on),
            ] {
                if !raw.trim().is_empty() {
                    refuse(field, DateRefusal::NotHeld);
                }
            }
            continue;
        }
        let obtained = optional_day(&t.obtained_on)
            .and_then(|day| match day {
                Some(day) if day > today => Err(DateRefusal::ObtainedInFuture),
                other => Ok(other),
            })
            .map_err(|why| refuse(DateField::Obtained, why))
            .ok();
        let expires = optional_day(&t.expires_on)
            .map_err(|why| refuse(DateField::Expires, why))
            .ok();
        if let (Some(obtained_on), Some(expires_on)) = (obtained, expires) {
            if let (Some(from), Some(last)) = (obtained_on, expires_on)
                && last < from
            {
                refuse(DateField::Expires, DateRefusal::ExpiresBeforeObtained);
                continue;
            }
            records.push(QualificationRecord {
                qualification: q,
                obtained_on,
                expires_on,
            });
        }
    }
    if refused.is_empty() {
        Ok(records)
    } else {
        Err(refused)
    }
}

/// Whether `records` hold care training ([`CARE_TRAINING`]) on `day`.
pub fn care_trained_on(records: &[QualificationRecord], day: Date) -> bool {
    records
        .iter()
        .any(|r| CARE_TRAINING.contains(&r.qualification) && r.holds_on(day))
}

/// A staff member's qualifications, as the staff pages show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRecords {
    /// Their staff account.
    pub id: i64,
    /// The name customers see.
    pub display_name: String,
    /// Their full name, for staff.
    pub full_name: String,
    /// Their role.
    pub role: Role,
    /// Whether the account can sign in.
    pub active: bool,
    /// What they hold, in the order of [`Qualification::ALL`].
    pub records: Vec<QualificationRecord>,
    /// The sign languages they sign.
    pub sign_languages: Vec<SignLanguage>,
}

impl StaffRecords {
    /// Their record of one qualification, if they hold it.
    pub fn record(&self, q: Qualification) -> Option<&QualificationRecord> {
        self.records.iter().find(|r| r.qualification == q)
    }
}

/// One qualification of one staff member that has expired or expires within
/// [`EXPIRY_NOTICE_DAYS`] of `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expiring<'a> {
    /// Who holds it.
    pub staff: &'a StaffRecords,
    /// The record.
    pub record: QualificationRecord,
    /// Expired, or how many days are left.
    pub standing: Standing,
}

/// Every qualification of `staff` that has expired or expires soon, the earliest last
/// day first (so what expired comes before what will).
pub fn expiring(staff: &[StaffRecords], today: Date) -> Vec<Expiring<'_>> {
    let mut out: Vec<Expiring<'_>> = staff
        .iter()
        .flat_map(|s| {
            s.records.iter().map(move |r| Expiring {
                staff: s,
                record: *r,
                standing: r.standing(today),
            })
        })
        .filter(|e| e.standing != Standing::Current)
        .collect();
    out.sort_by_key(|e| {
        (
            e.record.expires_on,
            e.staff.display_name.clone(),
            e.staff.id,
            Qualification::ALL
                .iter()
                .position(|q| *q == e.record.qualification),
        )
    });
    out
}

/// Those of `staff` who hold `q`, with their record of it, in the order given.
pub fn holders(
    staff: &[StaffRecords],
    q: Qualification,
) -> Vec<(&StaffRecords, QualificationRecord)> {
    staff
        .iter()
        .filter_map(|s| s.record(q).map(|r| (s, *r)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 08);

    fn typed(held: bool, obtained: &str, expires: &str) -> TypedRecord {
        TypedRecord {
            held,
            obtained_on: obtained.into(),
            expires_on: expires.into(),
        }
    }

    #[test]
    fn a_qualification_holds_through_its_last_day_and_no_longer() {
        let last = Some(date!(2026 - 12 - 31));
        assert!(holds_on(last, date!(2026 - 12 - 31)));
        assert!(!holds_on(last, date!(2027 - 01 - 01)));
        assert!(
            holds_on(None, date!(2200 - 12 - 31)),
            "no expiry holds for ever"
        );
    }

    #[test]
    fn expiry_is_told_as_expired_soon_or_current() {
        assert_eq!(standing(None, TODAY), Standing::Current);
        assert_eq!(
            standing(Some(date!(2026 - 12 - 07)), TODAY),
            Standing::Expired
        );
        assert_eq!(
            standing(Some(TODAY), TODAY),
            Standing::ExpiresSoon(0),
            "its last day is today: it still holds"
        );
        assert_eq!(
            standing(Some(TODAY + time::Duration::days(90)), TODAY),
            Standing::ExpiresSoon(90)
        );
        assert_eq!(
            standing(Some(TODAY + time::Duration::days(91)), TODAY),
            Standing::Current
        );
    }

    #[test]
    fn the_form_records_the_ticked_ones_with_their_dates() {
        let read = read_records(
            &[
                (
                    Qualification::WrittenChat,
                    typed(true, "2024-04-01", "２０２７－０３－３１"),
                ),
                (Qualification::DementiaSupporter, typed(true, "", "")),
                (Qualification::UniversalManners, typed(false, "", " ")),
                (
                    Qualification::SignLanguageInterpreter,
                    typed(true, "2020/4/1", ""),
                ),
            ],
            TODAY,
        )
        .unwrap();
        assert_eq!(
            read,
            [
                QualificationRecord {
                    qualification: Qualification::SignLanguageInterpreter,
                    obtained_on: Some(date!(2020 - 04 - 01)),
                    expires_on: None,
                },
                QualificationRecord {
                    qualification: Qualification::WrittenChat,
                    obtained_on: Some(date!(2024 - 04 - 01)),
                    expires_on: Some(date!(2027 - 03 - 31)),
                },
                QualificationRecord::undated(Qualification::DementiaSupporter),
            ]
        );
    }

    #[test]
    fn impossible_dates_an_expiry_before_obtaining_and_dates_without_a_tick_are_refused() {
        let refused = read_records(
            &[
                (
                    Qualification::SignLanguageInterpreter,
                    typed(true, "2024-02-30", "next spring"),
                ),
                (
                    Qualification::WrittenChat,
                    typed(true, "2024-04-01", "2024-03-31"),
                ),
                (
                    Qualification::ConsumerAffairsProfessional,
                    typed(false, "", "2027-03-31"),
                ),
                (
                    Qualification::DementiaSupporter,
                    typed(true, "2026-12-09", "1850-01-01"),
                ),
            ],
            TODAY,
        )
        .unwrap_err();
        let seen: Vec<(&str, DateRefusal)> = refused
            .iter()
            .map(|r| (r.field.name(r.qualification), r.why))
            .collect();
        assert_eq!(
            seen,
            [
                (
                    "obtained_on-sign_language_interpreter",
                    DateRefusal::BadFormat
                ),
                (
                    "expires_on-sign_language_interpreter",
                    DateRefusal::BadFormat
                ),
                (
                    "expires_on-written_chat",
                    DateRefusal::ExpiresBeforeObtained
                ),
                (
                    "expires_on-consumer_affairs_professional",
                    DateRefusal::NotHeld
                ),
                (
                    "obtained_on-dementia_supporter",
                    DateRefusal::ObtainedInFuture
                ),
                ("expires_on-dementia_supporter", DateRefusal::OutOfRange),
            ]
        );
    }

    #[test]
    fn care_training_counts_only_while_it_holds() {
        let records = [
            QualificationRecord::undated(Qualification::SignLanguageInterpreter),
            QualificationRecord {
                qualification: Qualification::DementiaSupporter,
                obtained_on: None,
                expires_on: Some(TODAY),
            },
        ];
        assert!(care_trained_on(&records, TODAY));
        assert!(!care_trained_on(&records, TODAY.next_day().unwrap()));
        assert!(!care_trained_on(&records[..1], TODAY));
    }

    fn person(id: i64, name: &str, records: Vec<QualificationRecord>) -> StaffRecords {
        StaffRecords {
            id,
            display_name: name.into(),
            full_name: format!("{name} full"),
            role: Role::Interpreter,
            active: true,
            records,
            sign_languages: Vec::new(),
        }
    }

    fn until(q: Qualification, last: Option<Date>) -> QualificationRecord {
        QualificationRecord {
            qualification: q,
            obtained_on: None,
            expires_on: last,
        }
    }

    #[test]
    fn the_expiring_list_puts_what_expired_first_and_leaves_out_what_is_current() {
        use Qualification::*;
        let staff = [
            person(
                1,
                "Sato",
                vec![
                    until(SignLanguageInterpreter, Some(date!(2027 - 01 - 10))),
                    until(DementiaSupporter, Some(date!(2030 - 01 - 01))),
                ],
            ),
            person(
                2,
                "Kimura",
                vec![
                    until(WrittenChat, Some(date!(2026 - 11 - 01))),
                    until(UniversalManners, None),
                ],
            ),
        ];
        let list = expiring(&staff, TODAY);
        let seen: Vec<(&str, Qualification, Standing)> = list
            .iter()
            .map(|e| {
                (
                    e.staff.display_name.as_str(),
                    e.record.qualification,
                    e.standing,
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("Kimura", WrittenChat, Standing::Expired),
                ("Sato", SignLanguageInterpreter, Standing::ExpiresSoon(33)),
            ]
        );
        let held: Vec<i64> = holders(&staff, UniversalManners)
            .iter()
            .map(|(s, _)| s.id)
            .collect();
        assert_eq!(held, [2]);
    }

    #[test]
    fn every_box_has_a_name_of_its_own() {
        let mut names: Vec<&str> = Qualification::ALL
            .iter()
            .flat_map(|q| [obtained_field(*q), expires_field(*q)])
            .collect();
        for q in Qualification::ALL {
            assert!(obtained_field(q).ends_with(q.as_str()));
            assert!(expires_field(q).ends_with(q.as_str()));
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 2 * Qualification::ALL.len());
    }
}
