//! The routes of the voice of the customer: the feedback forms (about one contact, by link
//! or from its page, and the open form) and the staff pages that triage it.

use super::{Access, Table};
use crate::domain::Permission;
use crate::paths::feedback as at;

pub(super) fn feedback_routes(table: Table) -> Table {
    use crate::web::{feedback as public, staff_feedback as staff};
    use Access::{Proxy, Public, Staff};
    use Permission::*;
    table
        .get(at::OPEN, Public, public::open_form)
        .post(at::OPEN, Public, public::open_send)
        .get(at::THANKS, Public, public::thanks_page)
        .get(at::BY_LINK, Public, public::by_link_form)
        .post(at::BY_LINK, Public, public::by_link_send)
        .get(at::REQUEST, Public, public::request_form)
        .post(at::REQUEST, Public, public::request_send)
        .get(at::SESSION, Public, public::session_form)
        .post(at::SESSION, Public, public::session_send)
        .get(at::PROXY, Proxy, public::proxy_form)
        .post(at::PROXY, Proxy, public::proxy_send)
        .get(at::STAFF, Staff(TriageFeedback), staff::list)
        .get(at::ITEM, Staff(TriageFeedback), staff::item)
        .post(at::ITEM, Staff(TriageFeedback), staff::item_save)
        .get(at::MINE, Staff(ViewDashboard), staff::mine)
        .post(at::MINE, Staff(ViewDashboard), staff::mine_save)
        .get(at::THEMES, Staff(ManageDeskSettings), staff::themes_page)
        .post(at::THEMES, Staff(ManageDeskSettings), staff::theme_add)
        .post(at::THEME, Staff(ManageDeskSettings), staff::theme_save)
}
