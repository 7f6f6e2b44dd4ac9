//! Email that is never lost. A service writes its email into the outbox in the same
//! transaction as the change the email announces; the relay delivers it afterwards, retrying
//! until the mail server takes it, so nothing rolled back is ever sent and nothing committed
//! is ever lost.

pub mod ics;
pub mod outbox;
pub mod relay;
pub mod templates;
pub mod transport;

pub use outbox::{Attachment, OutgoingEmail, enqueue, enqueue_plain};
pub use relay::Relay;
pub use templates::Rendered;
pub use transport::Transport;
