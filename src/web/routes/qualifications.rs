//! The routes of staff qualifications: the supervisors' page of who holds what and what
//! expires, and the qualifications page of a staff member who is not an interpreter.

use super::{Access, Table};
use crate::domain::Permission;
use crate::paths;

pub(super) fn qualification_routes(table: Table) -> Table {
    use crate::web::qualifications;
    use Access::Staff;
    use Permission::ReviewQualifications;
    table
        .get(
            paths::staff::QUALIFICATIONS,
            Staff(ReviewQualifications),
            qualifications::overview,
        )
        .get(
            paths::staff::STAFF_QUALIFICATIONS,
            Staff(ReviewQualifications),
            qualifications::staff_page,
        )
        .post(
            paths::staff::STAFF_QUALIFICATIONS,
            Staff(ReviewQualifications),
            qualifications::staff_save,
        )
}
