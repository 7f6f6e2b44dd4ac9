//! One message in a session's written-chat room. Its id rises with every message, so the
//! room reads in id order for everyone.

use crate::domain::chat::Author;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "chat_messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub booking_id: i64,
    pub author: Author,
    /// The staff member who wrote it, when staff did.
    pub staff_user_id: Option<i64>,
    /// The name shown: the customer's name as booked, or the staff member's display name.
    pub author_name: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
