//! The rows the services read, turned into the facts the views show. Views take these and
//! never a database row, so they import neither services nor entities, and a page changes
//! only when what it shows does.

use crate::services::proxies::Registration;
use crate::services::requests::Request;
use crate::views::requests::RequestFacts;
use crate::views::staff_proxies::RegistrationFacts;

impl From<&Request> for RequestFacts {
    fn from(r: &Request) -> Self {
        RequestFacts {
            id: r.id,
            reference: r.reference.clone(),
            topic: r.topic,
            channel: r.channel,
            status: r.status,
            customer_name: r.customer_name.clone(),
            member_number: r.member_number.clone(),
            email: r.email.clone(),
            fax: r.fax.clone(),
            postal_address: r.postal_address.clone(),
            lang: r.lang,
            assignee_id: r.assignee_id,
            proxy_registration_id: r.proxy_registration_id,
            created_at: r.created_at,
            due_at: r.due_at,
            first_reply_at: r.first_reply_at,
        }
    }
}

impl From<&Registration> for RegistrationFacts {
    fn from(r: &Registration) -> Self {
        RegistrationFacts {
            id: r.id,
            reference: r.reference.clone(),
            principal_full_name: r.principal_full_name.clone(),
            principal_kana: r.principal_kana.clone(),
            principal_birth_date: r.principal_birth_date.clone(),
            principal_member_number: r.principal_member_number.clone(),
            principal_address: r.principal_address.clone(),
            principal_email: r.principal_email.clone(),
            proxy_full_name: r.proxy_full_name.clone(),
            proxy_kana: r.proxy_kana.clone(),
            relationship: r.relationship,
            proxy_email: r.proxy_email.clone(),
            proxy_address: r.proxy_address.clone(),
            consent_method: r.consent_method,
            submitted_at: r.submitted_at,
            principal_document: r.principal_document,
            principal_document_at: r.principal_document_at,
            proxy_document: r.proxy_document,
            proxy_document_at: r.proxy_document_at,
            consent_confirmed_how: r.consent_confirmed_how,
            consent_confirmed_on: r.consent_confirmed_on.clone(),
            rejection_reason: r.rejection_reason.clone(),
            ended_at: r.ended_at,
            ended_by: r.ended_by,
            end_reason: r.end_reason.clone(),
            renewal_requested_at: r.renewal_requested_at,
        }
    }
}
