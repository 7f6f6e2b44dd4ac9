//! Staff qualifications as supervisors read them: every active staff member's, with the day
//! each was obtained, its last day and the sign languages of certified interpreters; and the
//! qualifications of a staff member who is not an interpreter, which a supervisor records
//! here (an interpreter's are recorded on their own page, with their sign languages).

use super::UseCase;
use super::interpreters::{records_by_staff, sign_languages_of, write_records};
use crate::domain::qualification_record::StaffRecords;
use crate::domain::{QualificationRecord, Role};
use crate::entities::staff_user;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

/// Every active staff member with their qualifications, by display name.
pub async fn active_staff<C: ConnectionTrait>(conn: &C) -> Result<Vec<StaffRecords>, DbErr> {
    let staff = staff_user::Entity::find()
        .filter(staff_user::Column::Active.eq(true))
        .order_by_asc(staff_user::Column::DisplayName)
        .order_by_asc(staff_user::Column::Id)
        .all(conn)
        .await?;
    with_records(conn, staff).await
}

/// One staff member with their qualifications.
pub async fn staff_member<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<StaffRecords>, DbErr> {
    let Some(found) = staff_user::Entity::find_by_id(id).one(conn).await? else {
        return Ok(None);
    };
    Ok(with_records(conn, vec![found]).await?.pop())
}

async fn with_records<C: ConnectionTrait>(
    conn: &C,
    staff: Vec<staff_user::Model>,
) -> Result<Vec<StaffRecords>, DbErr> {
    let mut records = records_by_staff(conn).await?;
    let mut signs = sign_languages_of(conn, &[]).await?;
    Ok(staff
        .into_iter()
        .map(|s| StaffRecords {
            records: records.remove(&s.id).unwrap_or_default(),
            sign_languages: signs.remove(&s.id).unwrap_or_default(),
            id: s.id,
            display_name: s.display_name,
            full_name: s.full_name,
            role: s.role,
            active: s.active,
        })
        .collect())
}

/// Why a staff member's qualifications were not recorded here.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// No such staff member.
    #[error("no such staff member")]
    NotFound,
    /// An interpreter's qualifications are recorded on their interpreter page.
    #[error("an interpreter's qualifications are recorded on their own page")]
    Interpreter,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Replaces the qualifications of a staff member who is not an interpreter, with their
/// dates, and writes the audit row.
pub async fn record(
    uc: &UseCase<'_>,
    staff_id: i64,
    records: &[QualificationRecord],
) -> Result<(), RecordError> {
    let txn = uc.begin().await?;
    let found = staff_user::Entity::find_by_id(staff_id)
        .one(&txn)
        .await?
        .ok_or(RecordError::NotFound)?;
    if found.role == Role::Interpreter {
        return Err(RecordError::Interpreter);
    }
    write_records(&txn, uc, staff_id, records).await?;
    Ok(super::schedule_changes::commit_roster_change(uc, txn).await?)
}
