//! The routes of the measures of customer feedback: the page of charts and tables, and the
//! feedback as CSV.

use super::{Access, Table};
use crate::domain::Permission;
use crate::paths;

pub(super) fn measure_routes(table: Table) -> Table {
    use crate::web::feedback_measures;
    use Access::Staff;
    use Permission::*;
    table
        .get(
            paths::feedback::MEASURES,
            Staff(TriageFeedback),
            feedback_measures::page,
        )
        .get(
            paths::feedback::EXPORT,
            Staff(TriageFeedback),
            feedback_measures::export,
        )
}
