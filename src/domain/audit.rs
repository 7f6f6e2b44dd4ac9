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
    /// An invitation to choose a password was emailed.
    StaffInvited,
    /// A staff member chose their password from an invitation.
    InvitationAccepted,
    /// A password reset link was emailed.
    PasswordResetRequested,
    /// A staff member chose a new password from a reset link.
    PasswordReset,
    /// Staff asked for a stuck email to be tried again now.
    EmailRetried,
    /// The desk's session rules, reminders, opening hours or closed days changed.
    DeskSettingsChanged,
    /// A staff member's qualifications changed.
    QualificationsChanged,
    /// An interpreter's permanent join link changed. No longer written (every session has a
    /// room of its own); kept so the audit log still reads older rows.
    JoinLinkChanged,
    /// An interpreter's weekly availability or a date exception changed.
    AvailabilityChanged,
    /// A session was booked.
    BookingCreated,
    /// A session was cancelled.
    BookingCancelled,
    /// A session was moved to another time.
    BookingRescheduled,
    /// A session was given to another interpreter.
    BookingReassigned,
    /// A session was marked completed or a no-show.
    BookingStatusChanged,
    /// An internal note was added to a session.
    BookingNoteAdded,
    /// The customer was asked to choose another time, as the interpreter can no longer come.
    BookingNewTimeAsked,
    /// Staff opened a written-chat session's room before it opened by itself.
    ChatOpened,
    /// Staff ended a written-chat session, closing its room.
    ChatEnded,
    /// A staff member other than the session's interpreter read the messages of a
    /// written-chat session.
    ChatTranscriptRead,
    /// A proxy application was sent.
    ProxyApplied,
    /// Staff started checking a proxy application.
    ProxyReviewStarted,
    /// Staff recorded the identity document they checked for the customer or the proxy.
    ProxyDocumentRecorded,
    /// Staff recorded how and when the customer's consent was confirmed.
    ProxyConsentRecorded,
    /// A proxy registration was approved.
    ProxyApproved,
    /// A proxy application was turned down.
    ProxyRejected,
    /// A proxy chose their password from the activation link.
    ProxyActivated,
    /// A proxy signed in.
    ProxySignedIn,
    /// A proxy signed out.
    ProxySignedOut,
    /// A proxy's sign-in was refused.
    ProxySignInFailed,
    /// A proxy account reached the limit of failed sign-ins.
    ProxyLockedOut,
    /// A password reset link was emailed to a proxy.
    ProxyPasswordResetRequested,
    /// A proxy chose a new password from a reset link.
    ProxyPasswordReset,
    /// Staff revoked a proxy registration.
    ProxyRevoked,
    /// A proxy stepped down.
    ProxySteppedDown,
    /// A customer asked, on the public form, for a registration to end.
    ProxyEndRequested,
    /// Staff confirmed a customer's request and the registration ended.
    ProxyEndConfirmed,
    /// Staff closed a customer's request without ending a registration.
    ProxyEndDeclined,
    /// A proxy registration reached its end date.
    ProxyExpired,
    /// A proxy asked for their registration to be renewed.
    ProxyRenewalRequested,
    /// Staff renewed a proxy registration.
    ProxyRenewed,
    /// A registration ended and what its proxy had booked and asked became the customer's:
    /// she was sent links of her own.
    ProxyHandedOver,
    /// The customer named in an application said, by the link in her email, that it was
    /// not her doing.
    ProxyNotMe,
    /// A support request was sent, by the customer or by a proxy for them.
    RequestSent,
    /// The customer (or their proxy) wrote again in a request's thread.
    RequestCustomerMessage,
    /// Staff replied to a request; the reply was emailed.
    RequestReplied,
    /// Staff added an internal note to a request.
    RequestNoteAdded,
    /// A request was given to a staff member, or taken off them.
    RequestAssigned,
    /// A request's status changed.
    RequestStatusChanged,
    /// The customer booked a session to be answered in.
    RequestSessionBooked,
    /// A staff member reported a customer-harassment incident.
    IncidentReported,
    /// A supervisor or admin read an incident.
    IncidentRead,
    /// Something was added to an incident: a note or a follow-up.
    IncidentAdded,
    /// An incident's status changed.
    IncidentStatusChanged,
    /// A staff member called supervisors for support.
    SupportCalled,
    /// A supervisor took a call for support.
    SupportTaken,
    /// A warning or limits were taken about an incident, in force at once.
    MeasureTaken,
    /// A suspension was proposed, waiting for a second person.
    MeasureProposed,
    /// A second person approved a proposed suspension.
    MeasureApproved,
    /// A second person declined a proposed suspension.
    MeasureDeclined,
    /// A measure was lifted before its end date.
    MeasureLifted,
    /// The person appealed against a measure.
    MeasureAppealed,
    /// An appeal was decided.
    MeasureAppealDecided,
    /// A closed incident reached the end of the time incidents are kept, and was deleted
    /// with all that belonged to it.
    IncidentDeleted,
    /// Staff tagged feedback with themes, gathered it into an improvement case, or named
    /// the staff member it concerns.
    FeedbackTriaged,
    /// A compliment was shared with the staff member it names.
    FeedbackShared,
    /// The admin added, renamed or archived a feedback theme.
    FeedbackThemeChanged,
    /// An improvement case was opened.
    ImprovementOpened,
    /// An improvement case's words or status changed.
    ImprovementChanged,
    /// A supervisor published or withdrew a done improvement case.
    ImprovementPublished,
}

impl AuditAction {
    /// Every action, in the order the audit filter lists them.
    pub const ALL: [AuditAction; 79] = [
        AuditAction::SignedIn,
        AuditAction::SignedOut,
        AuditAction::SignInFailed,
        AuditAction::LockedOut,
        AuditAction::PasswordChanged,
        AuditAction::StaffCreated,
        AuditAction::StaffUpdated,
        AuditAction::StaffDeactivated,
        AuditAction::StaffReactivated,
        AuditAction::StaffInvited,
        AuditAction::InvitationAccepted,
        AuditAction::PasswordResetRequested,
        AuditAction::PasswordReset,
        AuditAction::EmailRetried,
        AuditAction::FirstAdminCreated,
        AuditAction::DeskSettingsChanged,
        AuditAction::QualificationsChanged,
        AuditAction::JoinLinkChanged,
        AuditAction::AvailabilityChanged,
        AuditAction::BookingCreated,
        AuditAction::BookingCancelled,
        AuditAction::BookingRescheduled,
        AuditAction::BookingReassigned,
        AuditAction::BookingStatusChanged,
        AuditAction::BookingNoteAdded,
        AuditAction::BookingNewTimeAsked,
        AuditAction::ChatOpened,
        AuditAction::ChatEnded,
        AuditAction::ChatTranscriptRead,
        AuditAction::ProxyApplied,
        AuditAction::ProxyReviewStarted,
        AuditAction::ProxyDocumentRecorded,
        AuditAction::ProxyConsentRecorded,
        AuditAction::ProxyApproved,
        AuditAction::ProxyRejected,
        AuditAction::ProxyActivated,
        AuditAction::ProxySignedIn,
        AuditAction::ProxySignedOut,
        AuditAction::ProxySignInFailed,
        AuditAction::ProxyLockedOut,
        AuditAction::ProxyPasswordResetRequested,
        AuditAction::ProxyPasswordReset,
        AuditAction::ProxyRevoked,
        AuditAction::ProxySteppedDown,
        AuditAction::ProxyEndRequested,
        AuditAction::ProxyEndConfirmed,
        AuditAction::ProxyEndDeclined,
        AuditAction::ProxyExpired,
        AuditAction::ProxyRenewalRequested,
        AuditAction::ProxyRenewed,
        AuditAction::ProxyHandedOver,
        AuditAction::ProxyNotMe,
        AuditAction::RequestSent,
        AuditAction::RequestCustomerMessage,
        AuditAction::RequestReplied,
        AuditAction::RequestNoteAdded,
        AuditAction::RequestAssigned,
        AuditAction::RequestStatusChanged,
        AuditAction::RequestSessionBooked,
        AuditAction::IncidentReported,
        AuditAction::IncidentRead,
        AuditAction::IncidentAdded,
        AuditAction::IncidentStatusChanged,
        AuditAction::SupportCalled,
        AuditAction::SupportTaken,
        AuditAction::MeasureTaken,
        AuditAction::MeasureProposed,
        AuditAction::MeasureApproved,
        AuditAction::MeasureDeclined,
        AuditAction::MeasureLifted,
        AuditAction::MeasureAppealed,
        AuditAction::MeasureAppealDecided,
        AuditAction::IncidentDeleted,
        AuditAction::FeedbackTriaged,
        AuditAction::FeedbackShared,
        AuditAction::FeedbackThemeChanged,
        AuditAction::ImprovementOpened,
        AuditAction::ImprovementChanged,
        AuditAction::ImprovementPublished,
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
            AuditAction::StaffInvited => "staff.invited",
            AuditAction::InvitationAccepted => "staff.invitation_accepted",
            AuditAction::PasswordResetRequested => "staff.password_reset_requested",
            AuditAction::PasswordReset => "staff.password_reset",
            AuditAction::EmailRetried => "outbox.retried",
            AuditAction::DeskSettingsChanged => "desk.settings_changed",
            AuditAction::QualificationsChanged => "staff.qualifications_changed",
            AuditAction::JoinLinkChanged => "interpreter.join_link_changed",
            AuditAction::AvailabilityChanged => "interpreter.availability_changed",
            AuditAction::BookingCreated => "booking.created",
            AuditAction::BookingCancelled => "booking.cancelled",
            AuditAction::BookingRescheduled => "booking.rescheduled",
            AuditAction::BookingReassigned => "booking.reassigned",
            AuditAction::BookingStatusChanged => "booking.status_changed",
            AuditAction::BookingNoteAdded => "booking.note_added",
            AuditAction::BookingNewTimeAsked => "booking.new_time_asked",
            AuditAction::ChatOpened => "chat.opened",
            AuditAction::ChatEnded => "chat.ended",
            AuditAction::ChatTranscriptRead => "chat.transcript_read",
            AuditAction::ProxyApplied => "proxy.applied",
            AuditAction::ProxyReviewStarted => "proxy.review_started",
            AuditAction::ProxyDocumentRecorded => "proxy.document_recorded",
            AuditAction::ProxyConsentRecorded => "proxy.consent_recorded",
            AuditAction::ProxyApproved => "proxy.approved",
            AuditAction::ProxyRejected => "proxy.rejected",
            AuditAction::ProxyActivated => "proxy.activated",
            AuditAction::ProxySignedIn => "proxy.signed_in",
            AuditAction::ProxySignedOut => "proxy.signed_out",
            AuditAction::ProxySignInFailed => "proxy.sign_in_failed",
            AuditAction::ProxyLockedOut => "proxy.locked_out",
            AuditAction::ProxyPasswordResetRequested => "proxy.password_reset_requested",
            AuditAction::ProxyPasswordReset => "proxy.password_reset",
            AuditAction::ProxyRevoked => "proxy.revoked",
            AuditAction::ProxySteppedDown => "proxy.stepped_down",
            AuditAction::ProxyEndRequested => "proxy.end_requested",
            AuditAction::ProxyEndConfirmed => "proxy.end_confirmed",
            AuditAction::ProxyEndDeclined => "proxy.end_declined",
            AuditAction::ProxyExpired => "proxy.expired",
            AuditAction::ProxyRenewalRequested => "proxy.renewal_requested",
            AuditAction::ProxyRenewed => "proxy.renewed",
            AuditAction::ProxyHandedOver => "proxy.handed_over",
            AuditAction::ProxyNotMe => "proxy.not_me",
            AuditAction::RequestSent => "request.sent",
            AuditAction::RequestCustomerMessage => "request.customer_message",
            AuditAction::RequestReplied => "request.replied",
            AuditAction::RequestNoteAdded => "request.note_added",
            AuditAction::RequestAssigned => "request.assigned",
            AuditAction::RequestStatusChanged => "request.status_changed",
            AuditAction::RequestSessionBooked => "request.session_booked",
            AuditAction::IncidentReported => "incident.reported",
            AuditAction::IncidentRead => "incident.read",
            AuditAction::IncidentAdded => "incident.added",
            AuditAction::IncidentStatusChanged => "incident.status_changed",
            AuditAction::SupportCalled => "incident.support_called",
            AuditAction::SupportTaken => "incident.support_taken",
            AuditAction::MeasureTaken => "measure.taken",
            AuditAction::MeasureProposed => "measure.proposed",
            AuditAction::MeasureApproved => "measure.approved",
            AuditAction::MeasureDeclined => "measure.declined",
            AuditAction::MeasureLifted => "measure.lifted",
            AuditAction::MeasureAppealed => "measure.appealed",
            AuditAction::MeasureAppealDecided => "measure.appeal_decided",
            AuditAction::IncidentDeleted => "incident.deleted",
            AuditAction::FeedbackTriaged => "feedback.triaged",
            AuditAction::FeedbackShared => "feedback.shared",
            AuditAction::FeedbackThemeChanged => "feedback.theme_changed",
            AuditAction::ImprovementOpened => "improvement.opened",
            AuditAction::ImprovementChanged => "improvement.changed",
            AuditAction::ImprovementPublished => "improvement.published",
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
