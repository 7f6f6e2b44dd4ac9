//! What this process has changed of what free times depend on. Services that change the
//! desk's rules, opening hours or closed days, interpreters' hours or qualifications, or
//! what sessions hold commit through here; [`super::calendar::ScheduleCache`] compares
//! these counts with the ones it read under, and reads again when they moved.
//!
//! It stands apart from the calendar so that what changes the schedule (the settings,
//! interpreters, bookings) depends on it, and the calendar reads them, in one direction.

use super::UseCase;
use crate::db::WriteTxn;
use sea_orm::DbErr;
use std::sync::atomic::{AtomicU64, Ordering};

/// Changes this process has committed to rosters, and to holds. Shared by every app in the
/// process, so a change through any of them is seen by all.
static ROSTER_CHANGES: AtomicU64 = AtomicU64::new(0);
static HOLD_CHANGES: AtomicU64 = AtomicU64::new(0);

/// Commits a transaction that changed a roster: the desk's rules, hours or closed days,
/// or interpreters' qualifications, hours, exceptions, standing, names or rooms.
pub async fn commit_roster_change(uc: &UseCase<'_>, txn: WriteTxn) -> Result<(), DbErr> {
    uc.commit(txn).await?;
    ROSTER_CHANGES.fetch_add(1, Ordering::AcqRel);
    Ok(())
}

/// Commits a transaction that changed both a roster and what sessions hold (a day off
/// saved together with the sessions given to other interpreters).
pub async fn commit_schedule_change(uc: &UseCase<'_>, txn: WriteTxn) -> Result<(), DbErr> {
    uc.commit(txn).await?;
    ROSTER_CHANGES.fetch_add(1, Ordering::AcqRel);
    HOLD_CHANGES.fetch_add(1, Ordering::AcqRel);
    Ok(())
}

/// Commits a transaction that changed what sessions hold.
pub async fn commit_holds_change(uc: &UseCase<'_>, txn: WriteTxn) -> Result<(), DbErr> {
    uc.commit(txn).await?;
    HOLD_CHANGES.fetch_add(1, Ordering::AcqRel);
    Ok(())
}

/// How many roster changes this process has committed.
pub fn roster() -> u64 {
    ROSTER_CHANGES.load(Ordering::Acquire)
}

/// How many changes to what sessions hold this process has committed.
pub fn holds() -> u64 {
    HOLD_CHANGES.load(Ordering::Acquire)
}
