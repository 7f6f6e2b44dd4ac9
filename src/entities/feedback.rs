//! One piece of feedback: how easy it was, what kind of remark, the comment, and where it
//! went (the request opened to answer it, the improvement case it was gathered into).

use crate::domain::Lang;
use crate::domain::feedback::{Channel, Kind};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feedback")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub reference: String,
    /// The contact it answers; none from the open form.
    pub invitation_id: Option<i64>,
    pub channel: Channel,
    pub kind: Kind,
    /// 1 (very hard) to 5 (very easy).
    pub ease: i16,
    #[sea_orm(column_type = "Text", nullable)]
    pub comment: Option<String>,
    /// The name given on the open form.
    pub name: Option<String>,
    /// The address given on the open form for a reply.
    pub email: Option<String>,
    pub wants_reply: bool,
    pub lang: Lang,
    /// The staff member it concerns: the one the customer dealt with, or one a coordinator
    /// named for a compliment.
    pub staff_user_id: Option<i64>,
    /// Copied from the invitation: left out of each staff member's own figures.
    pub under_measure: bool,
    /// The support request opened so that it gets an answer.
    pub request_id: Option<i64>,
    /// The improvement case it was gathered into.
    pub case_id: Option<i64>,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
