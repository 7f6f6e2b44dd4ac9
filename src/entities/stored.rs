//! Columns that hold one of the domain's names — a status, a mode, a topic, a channel, a
//! language — read and written as the domain's own enum. Each is a sea-orm active enum over
//! a text column, with the very strings the column held before, so no row changes.
//!
//! The impls live here rather than in `domain`, which knows nothing of the database. A
//! stored value the enum does not know fails the read with [`DbErr::Type`]: the request
//! answers with the error page, never with a default that would hide a damaged row.

use crate::domain::booking::BookingStatus;
use crate::domain::chat::Author as ChatAuthor;
use crate::domain::feedback::{Channel as FeedbackChannel, Kind as FeedbackKind};
use crate::domain::improvement::CaseStatus;
use crate::domain::incident::{
    AdditionKind, Category, Channel as IncidentChannel, DemandTest, IncidentStatus, MannerTest,
    Subject,
};
use crate::domain::measure::{AppealOutcome, MeasureKind, MeasureStatus};
use crate::domain::proxy::{
    ConsentMethod, EndRequestStatus, EndedBy, IdDocument, RegistrationStatus, Relationship,
};
use crate::domain::request::{Author, ReplyChannel, RequestStatus, Topic};
use crate::domain::schedule::{ExceptionKind, SessionMode};
use crate::domain::{Lang, Qualification, Role, SignLanguage};
use sea_orm::sea_query::{
    ArrayType, ColumnType, DynIden, Nullable, StringLen, Value, ValueType, ValueTypeErr,
};
use sea_orm::{
    ActiveEnum, ColIdx, ColumnDef, ColumnTypeTrait, DbErr, Iterable, QueryResult, TryGetError,
    TryGetable,
};

/// Makes each listed domain enum a sea-orm active enum stored as text: `$name` is how errors
/// and the schema name it, `$text` the method that gives a value's stored string (every
/// value is listed in the type's `ALL`).
macro_rules! stored_as_text {
    ($($ty:ident: $name:literal by $text:ident;)+) => {$(
        impl Iterable for $ty {
            type Iterator = std::vec::IntoIter<$ty>;

            fn iter() -> Self::Iterator {
                $ty::ALL.to_vec().into_iter()
            }
        }

        impl ActiveEnum for $ty {
            type Value = String;
            type ValueVec = Vec<String>;

            fn name() -> DynIden {
                $name.to_owned().into()
            }

            fn to_value(&self) -> String {
                self.$text().to_owned()
            }

            fn try_from_value(stored: &String) -> Result<Self, DbErr> {
                $ty::ALL
                    .iter()
                    .copied()
                    .find(|v| v.$text() == stored.as_str())
                    .ok_or_else(|| DbErr::Type(format!("unexpected value for {}: {stored:?}", $name)))
            }

            fn db_type() -> ColumnDef {
                ColumnType::String(StringLen::None).def()
            }
        }

        impl From<$ty> for Value {
            fn from(value: $ty) -> Value {
                Value::String(Some(value.$text().to_owned()))
            }
        }

        impl TryGetable for $ty {
            fn try_get_by<I: ColIdx>(res: &QueryResult, index: I) -> Result<Self, TryGetError> {
                let stored = String::try_get_by(res, index)?;
                $ty::try_from_value(&stored).map_err(TryGetError::DbErr)
            }
        }

        impl ValueType for $ty {
            fn try_from(value: Value) -> Result<Self, ValueTypeErr> {
                let stored = <String as ValueType>::try_from(value)?;
                $ty::try_from_value(&stored).map_err(|_| ValueTypeErr)
            }

            fn type_name() -> String {
                stringify!($ty).to_owned()
            }

            fn array_type() -> ArrayType {
                ArrayType::String
            }

            fn column_type() -> ColumnType {
                ColumnType::String(StringLen::None)
            }
        }

        impl Nullable for $ty {
            fn null() -> Value {
                Value::String(None)
            }
        }
    )+};
}

stored_as_text! {
    AdditionKind: "incident addition kind" by as_str;
    AppealOutcome: "appeal outcome" by as_str;
    Author: "message author" by as_str;
    BookingStatus: "booking status" by as_str;
    CaseStatus: "improvement case status" by as_str;
    ChatAuthor: "chat author" by as_str;
    Category: "incident category" by as_str;
    ConsentMethod: "consent method" by as_str;
    DemandTest: "demand test" by as_str;
    EndRequestStatus: "end request status" by as_str;
    EndedBy: "ended by" by as_str;
    ExceptionKind: "availability exception kind" by as_str;
    FeedbackChannel: "feedback channel" by as_str;
    FeedbackKind: "feedback kind" by as_str;
    IdDocument: "identity document" by as_str;
    IncidentChannel: "incident channel" by as_str;
    IncidentStatus: "incident status" by as_str;
    Lang: "language" by code;
    MannerTest: "manner test" by as_str;
    MeasureKind: "measure kind" by as_str;
    MeasureStatus: "measure status" by as_str;
    Qualification: "qualification" by as_str;
    RegistrationStatus: "registration status" by as_str;
    Relationship: "relationship" by as_str;
    ReplyChannel: "reply channel" by as_str;
    RequestStatus: "request status" by as_str;
    Role: "role" by as_str;
    SessionMode: "session mode" by as_str;
    SignLanguage: "sign language" by as_str;
    Subject: "incident subject" by as_str;
    Topic: "topic" by as_str;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_is_stored_as_the_string_the_column_held_before() {
        for mode in SessionMode::ALL {
            assert_eq!(Value::from(mode), Value::String(Some(mode.as_str().into())));
            assert_eq!(
                SessionMode::try_from_value(&mode.to_value()).ok(),
                Some(mode)
            );
        }
        assert_eq!(Lang::En.to_value(), "en");
        assert_eq!(
            <RequestStatus as ValueType>::try_from(Value::from("waiting")).ok(),
            Some(RequestStatus::Waiting)
        );
    }

    #[test]
    fn an_unknown_stored_value_is_an_error_not_a_default() {
        assert!(matches!(
            SessionMode::try_from_value(&"carrier_pigeon".to_owned()),
            Err(DbErr::Type(_))
        ));
        // The stored strings are exact: no trimming, no case folding, no regional codes.
        assert!(Lang::try_from_value(&"en-GB".to_owned()).is_err());
        assert!(BookingStatus::try_from_value(&" booked".to_owned()).is_err());
    }
}
