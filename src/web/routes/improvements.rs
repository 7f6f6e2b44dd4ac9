//! The routes of improvement cases: the staff pages, where coordinators, supervisors and
//! admins open, word and move cases and supervisors and admins publish them, and the public
//! "you said, we did" page.

use super::{Access, Table};
use crate::domain::Permission;
use crate::paths;

pub(super) fn improvement_routes(table: Table) -> Table {
    use crate::web::improvements as cases;
    use Access::Staff;
    use Permission::*;
    table
        .get(
            paths::feedback::IMPROVEMENTS,
            Access::Public,
            cases::public_page,
        )
        .get(paths::feedback::CASES, Staff(TriageFeedback), cases::list)
        .get(
            paths::feedback::CASE_NEW,
            Staff(TriageFeedback),
            cases::new_form,
        )
        .post(
            paths::feedback::CASE_NEW,
            Staff(TriageFeedback),
            cases::open,
        )
        .get(paths::feedback::CASE, Staff(TriageFeedback), cases::detail)
        .post(paths::feedback::CASE, Staff(TriageFeedback), cases::save)
        .post(
            paths::feedback::CASE_STATUS,
            Staff(TriageFeedback),
            cases::move_case,
        )
        .post(
            paths::feedback::CASE_PUBLISH,
            Staff(PublishImprovements),
            cases::publish,
        )
}
