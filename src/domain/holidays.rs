//! The days the desk is closed: Japan's national holidays, worked out for any year from the
//! rules of the National Holidays Act (国民の祝日に関する法律, in force since 20 July 1948,
//! with its amendments), the year-end break, and the days the desk closes or opens itself.
//!
//! The Act fixes most holidays by date or as the n-th Monday of a month. The vernal and
//! autumnal equinox days are announced each February for the next year from astronomical
//! observation; here they come from the standard approximation formula, which agrees with
//! every announcement made so far. A holiday falling on a Sunday moves to the next day that
//! is not a holiday (振替休日), and a day between two holidays is a holiday too (国民の休日).

use std::collections::{BTreeMap, BTreeSet};
use time::macros::date;
use time::{Date, Month, Weekday};

stored_names! {
    /// A holiday of the National Holidays Act, or a day off the Act makes from them.
    Holiday {
        /// 元日, 1 January.
        NewYearsDay = "new_years_day",
        /// 成人の日: 15 January until 1999, the second Monday of January since.
        ComingOfAgeDay = "coming_of_age_day",
        /// 建国記念の日, 11 February (since 1967).
        NationalFoundationDay = "national_foundation_day",
        /// 天皇誕生日: the reigning Emperor's birthday.
        EmperorsBirthday = "emperors_birthday",
        /// 春分の日.
        VernalEquinoxDay = "vernal_equinox_day",
        /// 昭和の日, 29 April (since 2007).
        ShowaDay = "showa_day",
        /// 憲法記念日, 3 May.
        ConstitutionMemorialDay = "constitution_memorial_day",
        /// みどりの日: 29 April from 1989 to 2006, 4 May since.
        GreeneryDay = "greenery_day",
        /// こどもの日, 5 May.
        ChildrensDay = "childrens_day",
        /// 海の日: 20 July from 1996, the third Monday of July since 2003.
        MarineDay = "marine_day",
        /// 山の日, 11 August (since 2016).
        MountainDay = "mountain_day",
        /// 敬老の日: 15 September from 1966, the third Monday of September since 2003.
        RespectForTheAgedDay = "respect_for_the_aged_day",
        /// 秋分の日.
        AutumnalEquinoxDay = "autumnal_equinox_day",
        /// 体育の日, until 2019.
        HealthAndSportsDay = "health_and_sports_day",
        /// スポーツの日, since 2020.
        SportsDay = "sports_day",
        /// 文化の日, 3 November.
        CultureDay = "culture_day",
        /// 勤労感謝の日, 23 November.
        LabourThanksgivingDay = "labour_thanksgiving_day",
        /// A holiday of one year only, set by its own law (an imperial wedding, funeral,
        /// accession or enthronement).
        ImperialCeremony = "imperial_ceremony",
        /// 振替休日: the day off for a holiday that fell on a Sunday.
        SubstituteHoliday = "substitute_holiday",
        /// 国民の休日: a day between two holidays.
        CitizensHoliday = "citizens_holiday",
    }
}

/// The day the Act came into force; nothing before it is a holiday under it.
const IN_FORCE: Date = date!(1948 - 07 - 20);

/// The holidays set by a law of their own, for one day only.
const ONE_DAY_HOLIDAYS: [Date; 6] = [
    date!(1959 - 04 - 10),
    date!(1989 - 02 - 24),
    date!(1990 - 11 - 12),
    date!(1993 - 06 - 09),
    date!(2019 - 05 - 01),
    date!(2019 - 10 - 22),
];

fn on(year: i32, month: Month, day: u8) -> Option<Date> {
    Date::from_calendar_date(year, month, day).ok()
}

/// The `n`-th Monday of a month (the "Happy Monday" holidays).
fn nth_monday(year: i32, month: Month, n: u8) -> Option<Date> {
    let first = on(year, month, 1)?;
    let to_monday = (7 - first.weekday().number_days_from_monday()) % 7;
    on(year, month, 1 + to_monday + 7 * (n - 1))
}

/// The day of March (vernal) or September (autumnal) of the equinox, by the standard
/// approximation formula: `int(base + 0.242194 × (year − 1980) − int((year − from) / 4))`,
/// whose base and leap-year count change with the century. Past 2150, where no published
/// constants exist, the last ones are kept.
fn equinox(year: i32, vernal: bool) -> Option<Date> {
    let (base, leap_from) = match (year, vernal) {
        (..=1979, true) => (20.8357, 1983),
        (..=1979, false) => (23.2588, 1983),
        (1980..=2099, true) => (20.8431, 1980),
        (1980..=2099, false) => (23.2488, 1980),
        (_, true) => (21.8510, 1980),
        (_, false) => (24.2488, 1980),
    };
    // Integer division truncates towards zero, as the formula's `int` does.
    let leaps = f64::from((year - leap_from) / 4);
    let day = (base + 0.242194 * f64::from(year - 1980) - leaps).floor();
    let month = if vernal {
        Month::March
    } else {
        Month::September
    };
    on(year, month, day as u8)
}

/// The national holidays proper of a year (without substitute and citizens' holidays).
fn proper_holidays(year: i32) -> BTreeMap<Date, Holiday> {
    use Holiday::*;
    let mut out = BTreeMap::new();
    let mut add = |day: Option<Date>, holiday: Holiday| {
        if let Some(day) = day.filter(|d| *d >= IN_FORCE) {
            out.insert(day, holiday);
        }
    };
    add(on(year, Month::January, 1), NewYearsDay);
    add(
        if year < 2000 {
            on(year, Month::January, 15)
        } else {
            nth_monday(year, Month::January, 2)
        },
        ComingOfAgeDay,
    );
    if year >= 1967 {
        add(on(year, Month::February, 11), NationalFoundationDay);
    }
    let birthday = match year {
        ..=1988 => on(year, Month::April, 29),
        1989..=2018 => on(year, Month::December, 23),
        2019 => None,
        _ => on(year, Month::February, 23),
    };
    add(birthday, EmperorsBirthday);
    add(equinox(year, true), VernalEquinoxDay);
    match year {
        1989..=2006 => add(on(year, Month::April, 29), GreeneryDay),
        2007.. => {
            add(on(year, Month::April, 29), ShowaDay);
            add(on(year, Month::May, 4), GreeneryDay);
        }
        _ => {}
    }
    add(on(year, Month::May, 3), ConstitutionMemorialDay);
    add(on(year, Month::May, 5), ChildrensDay);
    // The Olympic years moved three holidays by laws of their own.
    let marine = match year {
        ..=1995 => None,
        1996..=2002 => on(year, Month::July, 20),
        2020 => on(year, Month::July, 23),
        2021 => on(year, Month::July, 22),
        _ => nth_monday(year, Month::July, 3),
    };
    add(marine, MarineDay);
    let mountain = match year {
        ..=2015 => None,
        2020 => on(year, Month::August, 10),
        2021 => on(year, Month::August, 8),
        _ => on(year, Month::August, 11),
    };
    add(mountain, MountainDay);
    let aged = match year {
        ..=1965 => None,
        1966..=2002 => on(year, Month::September, 15),
        _ => nth_monday(year, Month::September, 3),
    };
    add(aged, RespectForTheAgedDay);
    add(equinox(year, false), AutumnalEquinoxDay);
    match year {
        ..=1965 => {}
        1966..=1999 => add(on(year, Month::October, 10), HealthAndSportsDay),
        2000..=2019 => add(nth_monday(year, Month::October, 2), HealthAndSportsDay),
        2020 => add(on(year, Month::July, 24), SportsDay),
        2021 => add(on(year, Month::July, 23), SportsDay),
        _ => add(nth_monday(year, Month::October, 2), SportsDay),
    }
    add(on(year, Month::November, 3), CultureDay);
    add(on(year, Month::November, 23), LabourThanksgivingDay);
    for day in ONE_DAY_HOLIDAYS.iter().filter(|d| d.year() == year) {
        add(Some(*day), ImperialCeremony);
    }
    out
}

/// Every holiday of a year, in date order: the national holidays, the substitute holidays
/// (since 12 April 1973) and the citizens' holidays (since 27 December 1985).
pub fn holidays_in(year: i32) -> Vec<(Date, Holiday)> {
    let proper = proper_holidays(year);
    let mut all = proper.clone();
    // 振替休日: until 2006 the Monday after a Sunday holiday; since 2007 the first day
    // after it that is not a holiday itself.
    for (&day, _) in proper
        .iter()
        .filter(|(d, _)| d.weekday() == Weekday::Sunday)
    {
        if day < date!(1973 - 04 - 12) {
            continue;
        }
        let mut next = day.next_day();
        if year >= 2007 {
            while let Some(d) = next.filter(|d| proper.contains_key(d)) {
                next = d.next_day();
            }
        }
        if let Some(d) = next.filter(|d| !proper.contains_key(d)) {
            all.insert(d, Holiday::SubstituteHoliday);
        }
    }
    // 国民の休日: a day that is not a holiday, between two national holidays. Until 2006 a
    // Sunday or a substitute holiday did not count.
    if year >= 1986 {
        for &day in proper.keys() {
            let (Some(between), Some(after)) =
                (day.next_day(), day.next_day().and_then(|d| d.next_day()))
            else {
                continue;
            };
            if !proper.contains_key(&after) || all.contains_key(&between) {
                continue;
            }
            if year < 2007 && between.weekday() == Weekday::Sunday {
                continue;
            }
            all.insert(between, Holiday::CitizensHoliday);
        }
    }
    all.into_iter().collect()
}

/// The holiday a day is, if any.
pub fn holiday_on(day: Date) -> Option<Holiday> {
    holidays_in(day.year())
        .into_iter()
        .find(|(d, _)| *d == day)
        .map(|(_, h)| h)
}

/// A day of the year, such as 29 December, without the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MonthDay {
    /// The month.
    pub month: Month,
    /// The day of the month, 1 to 31 (29 February allowed).
    pub day: u8,
}

impl MonthDay {
    /// Reads a day of the year written `12-29`, `12/29`, `12月29日` or in full-width digits.
    pub fn parse(raw: &str) -> Result<MonthDay, super::Invalid> {
        use super::Invalid;
        let normal: String = raw
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                '／' | '/' | '－' | '月' | '.' => '-',
                other => other,
            })
            .collect();
        let normal = normal.trim_end_matches('日');
        if normal.is_empty() {
            return Err(Invalid::Missing);
        }
        let Some((m, d)) = normal.split_once('-') else {
            return Err(Invalid::BadFormat);
        };
        let number = |part: &str| -> Option<u8> {
            let part = part.trim();
            let digits = (1..=2).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit());
            digits.then(|| part.parse().ok()).flatten()
        };
        let (Some(month), Some(day)) = (number(m), number(d)) else {
            return Err(Invalid::BadFormat);
        };
        let month = Month::try_from(month).map_err(|_| Invalid::BadFormat)?;
        // Checked in a leap year, so 29 February is a day of the year.
        Date::from_calendar_date(2000, month, day).map_err(|_| Invalid::BadFormat)?;
        Ok(MonthDay { month, day })
    }

    /// Written as stored and shown in forms: `12-29`.
    pub fn as_string(self) -> String {
        format!("{:02}-{:02}", u8::from(self.month), self.day)
    }

    fn of(day: Date) -> MonthDay {
        MonthDay {
            month: day.month(),
            day: day.day(),
        }
    }
}

/// A break every year from one day to another, such as the year-end break from 29 December
/// to 3 January; it may run over the new year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnnualBreak {
    /// Its first day.
    pub first: MonthDay,
    /// Its last day.
    pub last: MonthDay,
}

impl AnnualBreak {
    /// The year-end break most Japanese offices keep: 29 December to 3 January.
    pub const YEAR_END: AnnualBreak = AnnualBreak {
        first: MonthDay {
            month: Month::December,
            day: 29,
        },
        last: MonthDay {
            month: Month::January,
            day: 3,
        },
    };

    /// Whether a day falls in the break.
    pub fn contains(&self, day: Date) -> bool {
        let md = MonthDay::of(day);
        if self.first <= self.last {
            self.first <= md && md <= self.last
        } else {
            md >= self.first || md <= self.last
        }
    }
}

/// Why the desk is closed on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closure {
    /// Staff closed it, with a note.
    Desk(String),
    /// A national holiday.
    Holiday(Holiday),
    /// The year-end break.
    YearEnd,
}

/// Every rule that closes the desk on a whole day, and the days staff reopened.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClosedDays {
    /// Days staff closed, with a note.
    pub desk: BTreeMap<Date, String>,
    /// Holidays and break days staff opened all the same.
    pub reopened: BTreeSet<Date>,
    /// Whether the national holidays close the desk.
    pub national_holidays: bool,
    /// The year-end break, if the desk keeps one.
    pub year_end: Option<AnnualBreak>,
}

impl ClosedDays {
    /// What a new desk keeps: the national holidays and the year-end break.
    pub fn out_of_the_box() -> ClosedDays {
        ClosedDays {
            national_holidays: true,
            year_end: Some(AnnualBreak::YEAR_END),
            ..ClosedDays::default()
        }
    }

    /// What closes a day by rule alone (a holiday, the break), reopened or not.
    pub fn by_rule(&self, day: Date) -> Option<Closure> {
        if self.national_holidays
            && let Some(h) = holiday_on(day)
        {
            return Some(Closure::Holiday(h));
        }
        self.year_end
            .filter(|b| b.contains(day))
            .map(|_| Closure::YearEnd)
    }

    /// Why the desk is closed on a day, or `None` when it opens as usual. A day staff
    /// closed stays closed; a holiday or break day staff reopened opens.
    pub fn closure(&self, day: Date) -> Option<Closure> {
        if let Some(note) = self.desk.get(&day) {
            return Some(Closure::Desk(note.clone()));
        }
        if self.reopened.contains(&day) {
            return None;
        }
        self.by_rule(day)
    }

    /// The closed days from `from` to `until` (inclusive), in order.
    pub fn between(&self, from: Date, until: Date) -> Vec<(Date, Closure)> {
        let mut out = Vec::new();
        let mut day = from;
        while day <= until {
            if let Some(c) = self.closure(day) {
                out.push((day, c));
            }
            match day.next_day() {
                Some(next) => day = next,
                None => break,
            }
        }
        out
    }
}

/// A day on the closed-days list: why the rules or staff close it, and whether staff opened
/// it all the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedDay {
    /// The day.
    pub day: Date,
    /// Why it is (or would be) closed.
    pub why: Closure,
    /// Whether it is a holiday or break day staff opened.
    pub reopened: bool,
}

impl ClosedDays {
    /// The closed days from `from` to `until` (inclusive), and the holiday and break days
    /// opened all the same, in date order.
    pub fn listed(&self, from: Date, until: Date) -> Vec<ListedDay> {
        let mut out: Vec<ListedDay> = self
            .between(from, until)
            .into_iter()
            .map(|(day, why)| ListedDay {
                day,
                why,
                reopened: false,
            })
            .collect();
        for &day in self.reopened.range(from..=until) {
            if let Some(why) = self.by_rule(day).filter(|_| !self.desk.contains_key(&day)) {
                out.push(ListedDay {
                    day,
                    why,
                    reopened: true,
                });
            }
        }
        out.sort_by_key(|d| d.day);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Holiday::*;

    fn year(y: i32) -> Vec<(String, Holiday)> {
        holidays_in(y)
            .into_iter()
            .map(|(d, h)| (super::super::dates::iso_day(d), h))
            .collect()
    }

    fn list(pairs: &[(&str, Holiday)]) -> Vec<(String, Holiday)> {
        pairs.iter().map(|(d, h)| ((*d).to_owned(), *h)).collect()
    }

    /// The Cabinet Office's published list for 2025.
    #[test]
    fn the_holidays_of_2025_are_the_published_ones() {
        assert_eq!(
            year(2025),
            list(&[
                ("2025-01-01", NewYearsDay),
                ("2025-01-13", ComingOfAgeDay),
                ("2025-02-11", NationalFoundationDay),
                ("2025-02-23", EmperorsBirthday),
                ("2025-02-24", SubstituteHoliday),
                ("2025-03-20", VernalEquinoxDay),
                ("2025-04-29", ShowaDay),
                ("2025-05-03", ConstitutionMemorialDay),
                ("2025-05-04", GreeneryDay),
                ("2025-05-05", ChildrensDay),
                ("2025-05-06", SubstituteHoliday),
                ("2025-07-21", MarineDay),
                ("2025-08-11", MountainDay),
                ("2025-09-15", RespectForTheAgedDay),
                ("2025-09-23", AutumnalEquinoxDay),
                ("2025-10-13", SportsDay),
                ("2025-11-03", CultureDay),
                ("2025-11-23", LabourThanksgivingDay),
                ("2025-11-24", SubstituteHoliday),
            ])
        );
    }

    /// The Cabinet Office's published list for 2026, with a citizens' holiday in September.
    #[test]
    fn the_holidays_of_2026_are_the_published_ones() {
        assert_eq!(
            year(2026),
            list(&[
                ("2026-01-01", NewYearsDay),
                ("2026-01-12", ComingOfAgeDay),
                ("2026-02-11", NationalFoundationDay),
                ("2026-02-23", EmperorsBirthday),
                ("2026-03-20", VernalEquinoxDay),
                ("2026-04-29", ShowaDay),
                ("2026-05-03", ConstitutionMemorialDay),
                ("2026-05-04", GreeneryDay),
                ("2026-05-05", ChildrensDay),
                ("2026-05-06", SubstituteHoliday),
                ("2026-07-20", MarineDay),
                ("2026-08-11", MountainDay),
                ("2026-09-21", RespectForTheAgedDay),
                ("2026-09-22", CitizensHoliday),
                ("2026-09-23", AutumnalEquinoxDay),
                ("2026-10-12", SportsDay),
                ("2026-11-03", CultureDay),
                ("2026-11-23", LabourThanksgivingDay),
            ])
        );
    }

    /// The list for 2027, with the vernal equinox on a Sunday.
    #[test]
    fn the_holidays_of_2027_are_the_published_ones() {
        assert_eq!(
            year(2027),
            list(&[
                ("2027-01-01", NewYearsDay),
                ("2027-01-11", ComingOfAgeDay),
                ("2027-02-11", NationalFoundationDay),
                ("2027-02-23", EmperorsBirthday),
                ("2027-03-21", VernalEquinoxDay),
                ("2027-03-22", SubstituteHoliday),
                ("2027-04-29", ShowaDay),
                ("2027-05-03", ConstitutionMemorialDay),
                ("2027-05-04", GreeneryDay),
                ("2027-05-05", ChildrensDay),
                ("2027-07-19", MarineDay),
                ("2027-08-11", MountainDay),
                ("2027-09-20", RespectForTheAgedDay),
                ("2027-09-23", AutumnalEquinoxDay),
                ("2027-10-11", SportsDay),
                ("2027-11-03", CultureDay),
                ("2027-11-23", LabourThanksgivingDay),
            ])
        );
    }

    #[test]
    fn the_rules_of_earlier_years_hold_for_their_years() {
        // 2019: the accession, and the days between it and the holidays around it.
        for (day, h) in [
            (date!(2019 - 04 - 30), CitizensHoliday),
            (date!(2019 - 05 - 01), ImperialCeremony),
            (date!(2019 - 05 - 02), CitizensHoliday),
            (date!(2019 - 10 - 22), ImperialCeremony),
        ] {
            assert_eq!(holiday_on(day), Some(h), "{day}");
        }
        assert_eq!(
            holiday_on(date!(2019 - 12 - 23)),
            None,
            "no Emperor's birthday"
        );
        assert_eq!(holiday_on(date!(2018 - 12 - 24)), Some(SubstituteHoliday));
        // The Olympic year 2021 moved Marine, Sports and Mountain days; 8 August was a
        // Sunday, so the 9th was a day off.
        assert_eq!(holiday_on(date!(2021 - 07 - 22)), Some(MarineDay));
        assert_eq!(holiday_on(date!(2021 - 07 - 23)), Some(SportsDay));
        assert_eq!(holiday_on(date!(2021 - 08 - 09)), Some(SubstituteHoliday));
        assert_eq!(holiday_on(date!(2021 - 10 - 11)), None);
        // 3 May 1998 was a Sunday: 4 May, otherwise a citizens' holiday, was its
        // substitute holiday.
        assert_eq!(holiday_on(date!(1998 - 05 - 04)), Some(SubstituteHoliday));
        assert_eq!(holiday_on(date!(1999 - 01 - 15)), Some(ComingOfAgeDay));
        assert_eq!(holiday_on(date!(1948 - 01 - 01)), None, "before the Act");
        assert_eq!(holiday_on(date!(1948 - 11 - 03)), Some(CultureDay));
        // The first substitute holiday ever was 30 April 1973; none came before it.
        assert_eq!(holiday_on(date!(1973 - 04 - 30)), Some(SubstituteHoliday));
        assert!(
            holidays_in(1972)
                .iter()
                .all(|(_, h)| *h != SubstituteHoliday)
        );
    }

    #[test]
    fn every_year_of_the_window_has_its_holidays_in_order() {
        for y in super::super::dates::FIRST_YEAR..=super::super::dates::LAST_YEAR {
            let days = holidays_in(y);
            assert!(days.windows(2).all(|w| w[0].0 < w[1].0), "{y}");
            assert!(days.iter().all(|(d, _)| d.year() == y), "{y}");
            if y >= 1949 {
                assert!(days.len() >= 9, "{y}: {}", days.len());
                // No equinox strays from the days it can fall on.
                let vernal = days.iter().find(|(_, h)| *h == VernalEquinoxDay).unwrap();
                assert!((19..=22).contains(&vernal.0.day()), "{y}");
                let autumnal = days.iter().find(|(_, h)| *h == AutumnalEquinoxDay).unwrap();
                assert!((21..=24).contains(&autumnal.0.day()), "{y}");
            }
        }
    }

    #[test]
    fn the_year_end_break_runs_over_the_new_year() {
        let b = AnnualBreak::YEAR_END;
        assert!(b.contains(date!(2026 - 12 - 29)));
        assert!(b.contains(date!(2027 - 01 - 03)));
        assert!(!b.contains(date!(2027 - 01 - 04)));
        assert!(!b.contains(date!(2026 - 12 - 28)));
        let summer = AnnualBreak {
            first: MonthDay::parse("8/13").unwrap(),
            last: MonthDay::parse("８月１６日").unwrap(),
        };
        assert!(summer.contains(date!(2027 - 08 - 15)));
        assert!(!summer.contains(date!(2027 - 01 - 01)));
    }

    #[test]
    fn days_of_the_year_are_read_the_ways_people_write_them() {
        let dec29 = MonthDay {
            month: Month::December,
            day: 29,
        };
        for raw in ["12-29", "12/29", " 12月29日 ", "１２－２９"] {
            assert_eq!(MonthDay::parse(raw), Ok(dec29), "{raw}");
        }
        assert_eq!(dec29.as_string(), "12-29");
        assert_eq!(MonthDay::parse(""), Err(super::super::Invalid::Missing));
        for bad in ["13-01", "02-30", "1229", "12-", "a-b", "123-1"] {
            assert_eq!(
                MonthDay::parse(bad),
                Err(super::super::Invalid::BadFormat),
                "{bad}"
            );
        }
        assert!(MonthDay::parse("2-29").is_ok());
    }

    #[test]
    fn a_reopened_holiday_opens_and_a_closed_day_stays_closed() {
        let mut closed = ClosedDays::out_of_the_box();
        let new_year = date!(2027 - 01 - 01);
        assert_eq!(
            closed.closure(new_year),
            Some(Closure::Holiday(NewYearsDay))
        );
        assert_eq!(
            closed.closure(date!(2026 - 12 - 30)),
            Some(Closure::YearEnd)
        );
        assert_eq!(closed.closure(date!(2027 - 01 - 04)), None);
        closed.reopened.insert(new_year);
        assert_eq!(closed.closure(new_year), None);
        assert_eq!(
            closed.by_rule(new_year),
            Some(Closure::Holiday(NewYearsDay))
        );
        closed.desk.insert(new_year, "stocktaking".into());
        assert_eq!(
            closed.closure(new_year),
            Some(Closure::Desk("stocktaking".into()))
        );
        let none = ClosedDays::default();
        assert_eq!(none.closure(new_year), None);
        let listed = ClosedDays::out_of_the_box()
            .between(date!(2026 - 12 - 28), date!(2027 - 01 - 12))
            .len();
        assert_eq!(listed, 7, "29 Dec to 3 Jan, and Coming of Age Day");
        let mut opened = ClosedDays::out_of_the_box();
        opened.reopened.insert(new_year);
        let list = opened.listed(date!(2026 - 12 - 31), date!(2027 - 01 - 01));
        assert_eq!(
            list.iter().map(|d| (d.day, d.reopened)).collect::<Vec<_>>(),
            [(date!(2026 - 12 - 31), false), (new_year, true)]
        );
    }
}
