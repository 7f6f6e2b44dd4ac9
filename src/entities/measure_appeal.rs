//! A person's written appeal against a measure, and the decision on it by a supervisor who
//! did not take the measure.

use crate::domain::measure::AppealOutcome;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "measure_appeals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub measure_id: i64,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub received_at: TimeDateTimeWithTimeZone,
    pub decided_by: Option<i64>,
    pub decided_at: Option<TimeDateTimeWithTimeZone>,
    pub outcome: Option<AppealOutcome>,
    /// The answer written to the person.
    #[sea_orm(column_type = "Text", nullable)]
    pub reply: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
