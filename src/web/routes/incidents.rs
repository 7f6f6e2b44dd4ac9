//! The routes of customer-harassment incidents: reporting, calls for support, the
//! supervisors' pages, measures and the person's notice, and the repeated-contact signals.

use super::{Access, Table};
use crate::domain::Permission;
use crate::paths;

pub(super) fn signal_routes(table: Table) -> Table {
    use crate::web::incident_signals as signals;
    use Access::Staff;
    use Permission::*;
    table
        .get(
            paths::staff::INCIDENT_SIGNALS,
            Staff(HandleIncidents),
            signals::list,
        )
        .get(
            paths::staff::SETTINGS_INCIDENTS,
            Staff(ManageDeskSettings),
            signals::settings_form,
        )
        .post(
            paths::staff::SETTINGS_INCIDENTS,
            Staff(ManageDeskSettings),
            signals::settings_save,
        )
}

pub(super) fn incident_routes(table: Table) -> Table {
    use crate::web::{incident_reports, incidents, measures};
    use Access::Staff;
    use Permission::*;
    table
        .get(
            paths::staff::INCIDENTS,
            Staff(HandleIncidents),
            incidents::list,
        )
        .get(
            paths::staff::INCIDENT_REPORTS,
            Staff(HandleIncidents),
            incident_reports::reports,
        )
        .get(
            paths::staff::INCIDENT_REPORTS_CSV,
            Staff(HandleIncidents),
            incident_reports::reports_csv,
        )
        .get(
            paths::staff::INCIDENT_NEW,
            Staff(ReportIncidents),
            incidents::new_form,
        )
        .post(
            paths::staff::INCIDENT_NEW,
            Staff(ReportIncidents),
            incidents::submit,
        )
        .get(
            paths::staff::INCIDENTS_MINE,
            Staff(ReportIncidents),
            incidents::mine,
        )
        .get(
            paths::staff::INCIDENT_MINE,
            Staff(ReportIncidents),
            incidents::own,
        )
        .post(
            paths::staff::INCIDENT_MINE_ADD,
            Staff(ReportIncidents),
            incidents::own_add,
        )
        .get(
            paths::staff::INCIDENT,
            Staff(HandleIncidents),
            incidents::detail,
        )
        .post(
            paths::staff::INCIDENT_ADD,
            Staff(HandleIncidents),
            incidents::add,
        )
        .post(
            paths::staff::INCIDENT_STATUS,
            Staff(HandleIncidents),
            incidents::set_status,
        )
        .post(
            paths::staff::SUPPORT_CALL_TAKE,
            Staff(HandleIncidents),
            incidents::take_call,
        )
        .post(
            paths::staff::REQUEST_SUPPORT,
            Staff(HandleRequests),
            incidents::call_from_request,
        )
        // Who may be in the room is checked by the handler, as for the room itself.
        .post(
            paths::staff::SESSION_CHAT_SUPPORT,
            Staff(ReportIncidents),
            incidents::call_from_session,
        )
        .post(
            paths::staff::INCIDENT_MEASURES,
            Staff(HandleIncidents),
            measures::take,
        )
        .post(
            paths::staff::MEASURE_APPROVE,
            Staff(HandleIncidents),
            measures::approve,
        )
        .post(
            paths::staff::MEASURE_DECLINE,
            Staff(HandleIncidents),
            measures::decline,
        )
        .post(
            paths::staff::MEASURE_LIFT,
            Staff(HandleIncidents),
            measures::lift,
        )
        .post(
            paths::staff::APPEAL_DECIDE,
            Staff(HandleIncidents),
            measures::decide_appeal,
        )
        // The person's notice and appeal, by the link in a letter.
        .get(paths::public::NOTICE, Access::Public, measures::notice)
        .post(
            paths::public::NOTICE_APPEAL,
            Access::Public,
            measures::appeal,
        )
}
