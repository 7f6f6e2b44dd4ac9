//! The schema of Yorisoi, one migration per change. The same migrations run on SQLite and
//! PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_foundation;
mod m20261122_000002_outbox;
mod m20261122_000003_booking;
mod m20261125_000004_proxies;
mod m20261125_000005_requests;
mod m20261129_000006_rate_events;
mod m20261130_000007_session_rooms;
mod m20261130_000008_link_holders;
mod m20261130_000009_interpreter_days;
mod m20261130_000010_not_me_links;
mod m20261130_000011_accounts;
mod m20261201_000012_chat_rooms;
mod m20261202_000013_chat_transcripts;
mod m20261203_000014_staff_room;
mod m20261204_000015_incidents;
mod m20261205_000016_measures;
mod m20261206_000017_first_resolution;
mod m20261207_000018_feedback;
mod m20261208_000019_qualification_records;

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_foundation::Migration),
            Box::new(m20261122_000002_outbox::Migration),
            Box::new(m20261122_000003_booking::Migration),
            Box::new(m20261125_000004_proxies::Migration),
            Box::new(m20261125_000005_requests::Migration),
            Box::new(m20261129_000006_rate_events::Migration),
            Box::new(m20261130_000007_session_rooms::Migration),
            Box::new(m20261130_000008_link_holders::Migration),
            Box::new(m20261130_000009_interpreter_days::Migration),
            Box::new(m20261130_000010_not_me_links::Migration),
            Box::new(m20261130_000011_accounts::Migration),
            Box::new(m20261201_000012_chat_rooms::Migration),
            Box::new(m20261202_000013_chat_transcripts::Migration),
            Box::new(m20261203_000014_staff_room::Migration),
            Box::new(m20261204_000015_incidents::Migration),
            Box::new(m20261205_000016_measures::Migration),
            Box::new(m20261206_000017_first_resolution::Migration),
            Box::new(m20261207_000018_feedback::Migration),
            Box::new(m20261208_000019_qualification_records::Migration),
        ]
    }
}
