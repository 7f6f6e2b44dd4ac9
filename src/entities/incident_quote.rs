//! A chat message an incident quotes, copied word for word when the incident was reported,
//! with who wrote it and when: the quote stays as it was whatever happens to the room.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "incident_quotes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub incident_id: i64,
    /// The message quoted, while it exists.
    pub chat_message_id: Option<i64>,
    /// Who wrote it, as the transcript named them.
    pub author: String,
    pub sent_at: TimeDateTimeWithTimeZone,
    #[sea_orm(column_type = "Text")]
    pub body: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
