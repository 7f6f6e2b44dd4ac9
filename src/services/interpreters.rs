//! Interpreters: their qualifications (with the day each was obtained and its last day)
//! and sign languages, weekly availability, date exceptions, and the language of their
//! emails. An interpreter edits their own hours; a coordinator edits anyone's.

use super::UseCase;
use super::audit::{self, Target};
use crate::domain::dates::{iso_day, parse_day};
use crate::domain::schedule::{
    DayChange, ExceptionKind, LocalSpan, hhmm, parse_hhmm, week_as_text,
};
use crate::domain::{AuditAction, Lang, Qualification, QualificationRecord, Role, SignLanguage};
use crate::entities::{
    availability_exception, availability_weekly, interpreter_sign_language, staff_qualification,
    staff_user,
};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use time::{Date, OffsetDateTime};

pub use crate::domain::staff::Interpreter;

/// A date exception as stored.
#[derive(Debug, Clone)]
pub struct Exception {
    /// Its id, for removing it.
    pub id: i64,
    /// The date.
    pub day: Date,
    /// What changes that day.
    pub change: DayChange,
}

fn target(staff_id: i64) -> Option<Target> {
    Some(Target::staff(staff_id))
}

/// Every staff member's qualifications with their dates, by staff id, each list in the
/// order of [`Qualification::ALL`].
pub async fn records_by_staff<C: ConnectionTrait>(
    conn: &C,
) -> Result<HashMap<i64, Vec<QualificationRecord>>, DbErr> {
    let mut out: HashMap<i64, Vec<QualificationRecord>> = HashMap::new();
    for row in staff_qualification::Entity::find().all(conn).await? {
        out.entry(row.staff_user_id)
            .or_default()
            .push(QualificationRecord {
                qualification: row.qualification,
                obtained_on: row.obtained_on,
                expires_on: row.expires_on,
            });
    }
    for list in out.values_mut() {
        list.sort_by_key(|r| {
            Qualification::ALL
                .iter()
                .position(|x| *x == r.qualification)
        });
    }
    Ok(out)
}

/// Every account with the interpreter role, by display name.
pub async fn list<C: ConnectionTrait>(conn: &C) -> Result<Vec<Interpreter>, DbErr> {
    let staff = staff_user::Entity::find()
        .filter(staff_user::Column::Role.eq(Role::Interpreter.as_str()))
        .order_by_asc(staff_user::Column::DisplayName)
        .order_by_asc(staff_user::Column::Id)
        .all(conn)
        .await?;
    let mut records = records_by_staff(conn).await?;
    let mut signs = sign_languages_of(conn, &[]).await?;
    Ok(staff
        .into_iter()
        .map(|s| Interpreter {
            records: records.remove(&s.id).unwrap_or_default(),
            sign_languages: signs.remove(&s.id).unwrap_or_default(),
            lang: s.lang,
            id: s.id,
            display_name: s.display_name,
            full_name: s.full_name,
            active: s.active,
        })
        .collect())
}

/// One interpreter, if the account exists and has the interpreter role.
pub async fn get<C: ConnectionTrait>(conn: &C, id: i64) -> Result<Option<Interpreter>, DbErr> {
    Ok(list(conn).await?.into_iter().find(|i| i.id == id))
}

/// The sign languages of the given staff members (all when `ids` is empty), by id.
pub async fn sign_languages_of<C: ConnectionTrait>(
    conn: &C,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<SignLanguage>>, DbErr> {
    let mut query = interpreter_sign_language::Entity::find();
    if !ids.is_empty() {
        query = query.filter(interpreter_sign_language::Column::StaffUserId.is_in(ids.to_vec()));
    }
    let mut out: HashMap<i64, Vec<SignLanguage>> = HashMap::new();
    for row in query.all(conn).await? {
        out.entry(row.staff_user_id).or_default().push(row.code);
    }
    for list in out.values_mut() {
        list.sort();
    }
    Ok(out)
}

async fn write_sign_languages<C: ConnectionTrait>(
    conn: &C,
    staff_id: i64,
    languages: &[SignLanguage],
) -> Result<(), DbErr> {
    interpreter_sign_language::Entity::delete_many()
        .filter(interpreter_sign_language::Column::StaffUserId.eq(staff_id))
        .exec(conn)
        .await?;
    let rows: Vec<_> = languages
        .iter()
        .map(|l| interpreter_sign_language::ActiveModel {
            staff_user_id: Set(staff_id),
            code: Set(*l),
        })
        .collect();
    if !rows.is_empty() {
        interpreter_sign_language::Entity::insert_many(rows)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// Replaces a staff member's qualifications, with their dates, and the sign languages they
/// sign, with an audit row.
pub async fn set_qualifications_and_languages(
    uc: &UseCase<'_>,
    staff_id: i64,
    records: &[QualificationRecord],
    languages: &[SignLanguage],
) -> Result<(), DbErr> {
    let UseCase { now, actor, .. } = *uc;
    let txn = uc.begin().await?;
    write_qualifications(&txn, now, staff_id, records).await?;
    write_sign_languages(&txn, staff_id, languages).await?;
    let mut detail = records_detail(records);
    let codes: Vec<&str> = languages.iter().map(|l| l.as_str()).collect();
    detail["sign_languages"] = json!(codes);
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::QualificationsChanged,
        target(staff_id),
        detail,
    )
    .await?;
    super::schedule_changes::commit_roster_change(uc, txn).await
}

/// What the audit row of a change of qualifications keeps: the qualifications held, and
/// the dates of each.
fn records_detail(records: &[QualificationRecord]) -> serde_json::Value {
    let names: Vec<&str> = records.iter().map(|r| r.qualification.as_str()).collect();
    let dates: Vec<serde_json::Value> = records
        .iter()
        .map(|r| {
            json!({
                "qualification": r.qualification.as_str(),
                "obtained_on": r.obtained_on.map(iso_day),
                "expires_on": r.expires_on.map(iso_day),
            })
        })
        .collect();
    json!({ "qualifications": names, "dates": dates })
}

/// Sets the language of a staff member's emails.
pub async fn set_email_lang(uc: &UseCase<'_>, staff_id: i64, lang: Lang) -> Result<(), DbErr> {
    let UseCase { now, actor, .. } = *uc;
    let txn = uc.begin().await?;
    staff_user::Entity::update_many()
        .col_expr(
            staff_user::Column::Lang,
            sea_orm::sea_query::Expr::value(lang),
        )
        .filter(staff_user::Column::Id.eq(staff_id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::StaffUpdated,
        target(staff_id),
        json!({ "email_lang": lang.code() }),
    )
    .await?;
    uc.commit(txn).await
}

async fn write_qualifications<C: ConnectionTrait>(
    txn: &C,
    now: OffsetDateTime,
    staff_id: i64,
    records: &[QualificationRecord],
) -> Result<(), DbErr> {
    // A qualification held before keeps when it was first recorded.
    let recorded: HashMap<Qualification, OffsetDateTime> = staff_qualification::Entity::find()
        .filter(staff_qualification::Column::StaffUserId.eq(staff_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|row| (row.qualification, row.created_at))
        .collect();
    staff_qualification::Entity::delete_many()
        .filter(staff_qualification::Column::StaffUserId.eq(staff_id))
        .exec(txn)
        .await?;
    let rows: Vec<_> = records
        .iter()
        .map(|r| staff_qualification::ActiveModel {
            staff_user_id: Set(staff_id),
            qualification: Set(r.qualification),
            created_at: Set(recorded.get(&r.qualification).copied().unwrap_or(now)),
            obtained_on: Set(r.obtained_on),
            expires_on: Set(r.expires_on),
        })
        .collect();
    if !rows.is_empty() {
        staff_qualification::Entity::insert_many(rows)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// Replaces a staff member's qualifications, without dates (see
/// [`set_qualification_records`]).
pub async fn set_qualifications(
    uc: &UseCase<'_>,
    staff_id: i64,
    qualifications: &[Qualification],
) -> Result<(), DbErr> {
    let records: Vec<QualificationRecord> = qualifications
        .iter()
        .map(|q| QualificationRecord::undated(*q))
        .collect();
    set_qualification_records(uc, staff_id, &records).await
}

/// Replaces a staff member's qualifications, with their dates, and writes the audit row.
/// Someone made a sign-language interpreter with no sign language on record signs Japanese
/// Sign Language, the desk's own.
pub async fn set_qualification_records(
    uc: &UseCase<'_>,
    staff_id: i64,
    records: &[QualificationRecord],
) -> Result<(), DbErr> {
    let txn = uc.begin().await?;
    write_records(&txn, uc, staff_id, records).await?;
    super::schedule_changes::commit_roster_change(uc, txn).await
}

/// [`set_qualification_records`] inside the caller's transaction, which must then commit
/// as a change of the roster.
pub(super) async fn write_records<C: ConnectionTrait>(
    txn: &C,
    uc: &UseCase<'_>,
    staff_id: i64,
    records: &[QualificationRecord],
) -> Result<(), DbErr> {
    let UseCase { now, actor, .. } = *uc;
    write_qualifications(txn, now, staff_id, records).await?;
    if records
        .iter()
        .any(|r| r.qualification == Qualification::SignLanguageInterpreter)
        && sign_languages_of(txn, &[staff_id]).await?.is_empty()
    {
        write_sign_languages(txn, staff_id, &[SignLanguage::Jsl]).await?;
    }
    audit::record(
        txn,
        now,
        actor,
        AuditAction::QualificationsChanged,
        target(staff_id),
        records_detail(records),
    )
    .await
}

/// Weekly availability rows, grouped by interpreter and weekday (1 = Monday).
pub type Weekly = HashMap<i64, BTreeMap<u8, Vec<LocalSpan>>>;

/// The weekly availability of the given interpreters (all when `ids` is empty).
pub async fn weekly_of<C: ConnectionTrait>(conn: &C, ids: &[i64]) -> Result<Weekly, DbErr> {
    let mut query = availability_weekly::Entity::find();
    if !ids.is_empty() {
        query = query.filter(availability_weekly::Column::StaffUserId.is_in(ids.to_vec()));
    }
    let mut out: Weekly = HashMap::new();
    for row in query
        .order_by_asc(availability_weekly::Column::Starts)
        .all(conn)
        .await?
    {
        if let (Ok(starts), Ok(ends)) = (parse_hhmm(&row.starts), parse_hhmm(&row.ends)) {
            out.entry(row.staff_user_id)
                .or_default()
                .entry(row.weekday as u8)
                .or_default()
                .push(LocalSpan { starts, ends });
        }
    }
    Ok(out)
}

/// A change to an interpreter's hours: their usual week, or one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoursChange {
    /// New usual weekly hours.
    Weekly(BTreeMap<u8, Vec<LocalSpan>>),
    /// A day off or extra hours on one date.
    Exception(Date, DayChange),
}

impl HoursChange {
    /// Writes the change and its audit row inside the caller's transaction.
    pub async fn write<C: ConnectionTrait>(
        &self,
        conn: &C,
        uc: &UseCase<'_>,
        staff_id: i64,
    ) -> Result<(), DbErr> {
        match self {
            HoursChange::Weekly(week) => write_weekly(conn, uc, staff_id, week).await,
            HoursChange::Exception(day, change) => {
                write_exception(conn, uc, staff_id, *day, *change).await
            }
        }
    }
}

/// Replaces one interpreter's weekly availability.
pub async fn save_weekly(
    uc: &UseCase<'_>,
    staff_id: i64,
    week: &BTreeMap<u8, Vec<LocalSpan>>,
) -> Result<(), DbErr> {
    let txn = uc.begin().await?;
    write_weekly(&txn, uc, staff_id, week).await?;
    super::schedule_changes::commit_roster_change(uc, txn).await
}

async fn write_weekly<C: ConnectionTrait>(
    txn: &C,
    uc: &UseCase<'_>,
    staff_id: i64,
    week: &BTreeMap<u8, Vec<LocalSpan>>,
) -> Result<(), DbErr> {
    let UseCase { now, actor, .. } = *uc;
    availability_weekly::Entity::delete_many()
        .filter(availability_weekly::Column::StaffUserId.eq(staff_id))
        .exec(txn)
        .await?;
    let rows: Vec<_> = week
        .iter()
        .flat_map(|(weekday, spans)| {
            spans.iter().map(move |s| availability_weekly::ActiveModel {
                id: NotSet,
                staff_user_id: Set(staff_id),
                weekday: Set(i16::from(*weekday)),
                starts: Set(hhmm(s.starts)),
                ends: Set(hhmm(s.ends)),
            })
        })
        .collect();
    if !rows.is_empty() {
        availability_weekly::Entity::insert_many(rows)
            .exec_without_returning(txn)
            .await?;
    }
    let written = week_as_text(week);
    audit::record(
        txn,
        now,
        actor,
        AuditAction::AvailabilityChanged,
        target(staff_id),
        json!({ "weekly": written }),
    )
    .await
}

fn exception_from(row: availability_exception::Model) -> Option<(i64, Exception)> {
    let day = parse_day(&row.day).ok()?;
    let change = match row.kind {
        ExceptionKind::Off => DayChange::Off,
        ExceptionKind::Extra => DayChange::Extra(LocalSpan {
            starts: parse_hhmm(row.starts.as_deref()?).ok()?,
            ends: parse_hhmm(row.ends.as_deref()?).ok()?,
        }),
    };
    Some((
        row.staff_user_id,
        Exception {
            id: row.id,
            day,
            change,
        },
    ))
}

/// Date exceptions from `from` to `until` (inclusive) for the given interpreters (all when
/// `ids` is empty), by interpreter.
pub async fn exceptions_between<C: ConnectionTrait>(
    conn: &C,
    ids: &[i64],
    from: Date,
    until: Date,
) -> Result<HashMap<i64, Vec<Exception>>, DbErr> {
    let mut query = availability_exception::Entity::find()
        .filter(availability_exception::Column::Day.gte(iso_day(from)))
        .filter(availability_exception::Column::Day.lte(iso_day(until)));
    if !ids.is_empty() {
        query = query.filter(availability_exception::Column::StaffUserId.is_in(ids.to_vec()));
    }
    let mut out: HashMap<i64, Vec<Exception>> = HashMap::new();
    for row in query
        .order_by_asc(availability_exception::Column::Day)
        .order_by_asc(availability_exception::Column::Id)
        .all(conn)
        .await?
    {
        if let Some((staff, e)) = exception_from(row) {
            out.entry(staff).or_default().push(e);
        }
    }
    Ok(out)
}

/// Adds a date exception.
pub async fn add_exception(
    uc: &UseCase<'_>,
    staff_id: i64,
    day: Date,
    change: DayChange,
) -> Result<(), DbErr> {
    let txn = uc.begin().await?;
    write_exception(&txn, uc, staff_id, day, change).await?;
    super::schedule_changes::commit_roster_change(uc, txn).await
}

async fn write_exception<C: ConnectionTrait>(
    txn: &C,
    uc: &UseCase<'_>,
    staff_id: i64,
    day: Date,
    change: DayChange,
) -> Result<(), DbErr> {
    let UseCase { now, actor, .. } = *uc;
    let (kind, starts, ends) = match change {
        DayChange::Off => (ExceptionKind::Off, None, None),
        DayChange::Extra(s) => (
            ExceptionKind::Extra,
            Some(hhmm(s.starts)),
            Some(hhmm(s.ends)),
        ),
    };
    availability_exception::Entity::insert(availability_exception::ActiveModel {
        id: NotSet,
        staff_user_id: Set(staff_id),
        day: Set(iso_day(day)),
        kind: Set(kind),
        starts: Set(starts.clone()),
        ends: Set(ends.clone()),
    })
    .exec_without_returning(txn)
    .await?;
    audit::record(
        txn,
        now,
        actor,
        AuditAction::AvailabilityChanged,
        target(staff_id),
        json!({ "exception_added": iso_day(day), "kind": kind.as_str(), "starts": starts, "ends": ends }),
    )
    .await
}

/// Removes one of an interpreter's date exceptions; `false` when it was not theirs.
pub async fn remove_exception(
    uc: &UseCase<'_>,
    staff_id: i64,
    exception_id: i64,
) -> Result<bool, DbErr> {
    let UseCase { now, actor, .. } = *uc;
    let txn = uc.begin().await?;
    let removed = availability_exception::Entity::delete_many()
        .filter(availability_exception::Column::Id.eq(exception_id))
        .filter(availability_exception::Column::StaffUserId.eq(staff_id))
        .exec(&txn)
        .await?
        .rows_affected
        == 1;
    if removed {
        audit::record(
            &txn,
            now,
            actor,
            AuditAction::AvailabilityChanged,
            target(staff_id),
            json!({ "exception_removed": exception_id }),
        )
        .await?;
    }
    super::schedule_changes::commit_roster_change(uc, txn).await?;
    Ok(removed)
}
