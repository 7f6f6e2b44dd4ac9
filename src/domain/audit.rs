//! The kinds of event the audit log records.

/// Something that happened and must stay on the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    /// The first admin was created through the setup link.
    FirstAdminCreated,
    /// A staff member signed in.
    SignedIn,
    /// A staff member signed out.
    SignedOut,
    /// A sign-in was refused for a wrong email or password.
    SignInFailed,
    /// An account reached the limit of failed sign-ins and is refused for a while.
    LockedOut,
    /// A staff member changed their own password.
    PasswordChanged,
    /// A staff account was created.
    StaffCreated,
    /// A staff account's display name or role was changed.
    StaffUpdated,
    /// A staff account was deactivated.
    StaffDeactivated,
    /// A staff account was reactivated.
    StaffReactivated,
}

impl AuditAction {
    /// Every action, in the order the audit filter lists them.
    pub const ALL: [AuditAction; 10] = [
        AuditAction::SignedIn,
        AuditAction::SignedOut,
        AuditAction::SignInFailed,
        AuditAction::LockedOut,
        AuditAction::PasswordChanged,
        AuditAction::StaffCreated,
        AuditAction::StaffUpdated,
        AuditAction::StaffDeactivated,
        AuditAction::StaffReactivated,
        AuditAction::FirstAdminCreated,
    ];

    /// The name stored in the log.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::FirstAdminCreated => "setup.first_admin_created",
            AuditAction::SignedIn => "staff.signed_in",
            AuditAction::SignedOut => "staff.signed_out",
            AuditAction::SignInFailed => "staff.sign_in_failed",
            AuditAction::LockedOut => "staff.locked_out",
            AuditAction::PasswordChanged => "staff.password_changed",
            AuditAction::StaffCreated => "staff.account_created",
            AuditAction::StaffUpdated => "staff.account_updated",
            AuditAction::StaffDeactivated => "staff.account_deactivated",
            AuditAction::StaffReactivated => "staff.account_reactivated",
        }
    }

    /// Reads a stored name back.
    pub fn parse(raw: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
        }
    }
}
