//! Staff roles and the one table that says which role may do what.

use super::Invalid;

/// The four kinds of staff account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Staff accounts, roles and settings.
    Admin,
    /// Everything a coordinator does, plus harassment incidents, suspensions and reports.
    Supervisor,
    /// Triage, proxy verification and interpreter scheduling.
    Coordinator,
    /// Their own availability and their own sessions.
    Interpreter,
}

impl Role {
    /// Every role, from the most to the least powerful.
    pub const ALL: [Role; 4] = [
        Role::Admin,
        Role::Supervisor,
        Role::Coordinator,
        Role::Interpreter,
    ];

    /// The name stored in the database and used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Supervisor => "supervisor",
            Role::Coordinator => "coordinator",
            Role::Interpreter => "interpreter",
        }
    }

    /// Parses a stored or typed role name.
    pub fn parse(raw: &str) -> Result<Role, Invalid> {
        match raw.trim() {
            "" => Err(Invalid::Missing),
            "admin" => Ok(Role::Admin),
            "supervisor" => Ok(Role::Supervisor),
            "coordinator" => Ok(Role::Coordinator),
            "interpreter" => Ok(Role::Interpreter),
            _ => Err(Invalid::NotAChoice),
        }
    }

    /// Whether this role holds a permission, according to [`Permission::roles`].
    pub fn may(self, permission: Permission) -> bool {
        permission.roles().contains(&self)
    }
}

/// Something a staff member may be allowed to do. Every staff route names exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Open the staff dashboard.
    ViewDashboard,
    /// Change one's own password.
    ChangeOwnPassword,
    /// List, create, edit and deactivate staff accounts.
    ManageStaff,
    /// Read the audit log.
    ViewAudit,
    /// See outgoing email and try stuck messages again.
    ViewOutbox,
    /// See every interpreter's sessions on the board; reassign sessions, record outcomes,
    /// add notes; edit any interpreter's availability, join link and qualifications.
    ManageSchedule,
    /// See one's own sessions and edit one's own availability and join link.
    ManageOwnSessions,
    /// Change the session rules, reminders, opening hours and closed days, how long a
    /// proxy's approval lasts and how many proxies a customer may have, and how long
    /// incidents are kept and when repeated contact is listed.
    ManageDeskSettings,
    /// Check proxy applications, record identity documents and consent, approve, reject,
    /// revoke and renew registrations, and handle customers' requests to end them.
    VerifyProxies,
    /// See the queue of support requests; assign, answer and add internal notes to them,
    /// and change their status.
    HandleRequests,
    /// Report a customer-harassment incident, call a supervisor for support, and read one's
    /// own reports.
    ReportIncidents,
    /// Read every incident and the customer's history, add to incidents, take support
    /// calls, and propose, approve and lift measures.
    HandleIncidents,
    /// Read customers' feedback and its measures, tag it with themes, gather it into
    /// improvement cases, name the staff member a compliment is for, and open and move
    /// improvement cases.
    TriageFeedback,
    /// Publish done improvement cases on the public page, and read each staff member's own
    /// feedback figures.
    PublishImprovements,
    /// See every active staff member's qualifications and when they expire, and record the
    /// qualifications of staff who are not interpreters.
    ReviewQualifications,
}

impl Permission {
    /// Every permission, for tables and tests.
    pub const ALL: [Permission; 15] = [
        Permission::ViewDashboard,
        Permission::ChangeOwnPassword,
        Permission::ManageStaff,
        Permission::ViewAudit,
        Permission::ViewOutbox,
        Permission::ManageSchedule,
        Permission::ManageOwnSessions,
        Permission::ManageDeskSettings,
        Permission::VerifyProxies,
        Permission::HandleRequests,
        Permission::ReportIncidents,
        Permission::HandleIncidents,
        Permission::TriageFeedback,
        Permission::PublishImprovements,
        Permission::ReviewQualifications,
    ];

    /// The permission table: the roles that hold each permission.
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Permission::ViewDashboard
            | Permission::ChangeOwnPassword
            | Permission::ReportIncidents => &[Admin, Supervisor, Coordinator, Interpreter],
            Permission::ManageStaff | Permission::ViewAudit => &[Admin],
            Permission::ViewOutbox
            | Permission::HandleIncidents
            | Permission::PublishImprovements
            | Permission::ReviewQualifications => &[Admin, Supervisor],
            Permission::ManageSchedule => &[Admin, Supervisor, Coordinator],
            Permission::ManageOwnSessions => &[Interpreter],
            Permission::ManageDeskSettings => &[Admin],
            Permission::VerifyProxies | Permission::HandleRequests | Permission::TriageFeedback => {
                &[Admin, Supervisor, Coordinator]
            }
        }
    }

    /// A stable name, used in the catalogues and the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::ViewDashboard => "view_dashboard",
            Permission::ChangeOwnPassword => "change_own_password",
            Permission::ManageStaff => "manage_staff",
            Permission::ViewAudit => "view_audit",
            Permission::ViewOutbox => "view_outbox",
            Permission::ManageSchedule => "manage_schedule",
            Permission::ManageOwnSessions => "manage_own_sessions",
            Permission::ManageDeskSettings => "manage_desk_settings",
            Permission::VerifyProxies => "verify_proxies",
            Permission::HandleRequests => "handle_requests",
            Permission::ReportIncidents => "report_incidents",
            Permission::HandleIncidents => "handle_incidents",
            Permission::TriageFeedback => "triage_feedback",
            Permission::PublishImprovements => "publish_improvements",
            Permission::ReviewQualifications => "review_qualifications",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        assert_eq!(Role::parse("root"), Err(Invalid::NotAChoice));
        assert_eq!(Role::parse(" "), Err(Invalid::Missing));
    }

    #[test]
    fn only_admins_manage_staff() {
        assert!(Role::Admin.may(Permission::ManageStaff));
        for role in [Role::Supervisor, Role::Coordinator, Role::Interpreter] {
            assert!(!role.may(Permission::ManageStaff));
            assert!(!role.may(Permission::ViewAudit));
            assert!(role.may(Permission::ViewDashboard));
        }
    }

    #[test]
    fn every_role_reports_incidents_and_only_supervisors_and_admins_handle_them() {
        for role in Role::ALL {
            assert!(role.may(Permission::ReportIncidents));
        }
        assert!(Role::Admin.may(Permission::HandleIncidents));
        assert!(Role::Supervisor.may(Permission::HandleIncidents));
        assert!(!Role::Coordinator.may(Permission::HandleIncidents));
        assert!(!Role::Interpreter.may(Permission::HandleIncidents));
    }

    #[test]
    fn supervisors_and_admins_review_qualifications() {
        assert!(Role::Admin.may(Permission::ReviewQualifications));
        assert!(Role::Supervisor.may(Permission::ReviewQualifications));
        assert!(!Role::Coordinator.may(Permission::ReviewQualifications));
        assert!(!Role::Interpreter.may(Permission::ReviewQualifications));
    }
}
