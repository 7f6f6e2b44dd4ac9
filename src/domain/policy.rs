//! The desk's published customer-harassment policy: the day it takes effect. The kinds of
//! conduct it names are [`super::incident::Category`], the very categories staff file
//! incidents under, so a category's stored name is also its catalogue key
//! (`policy.category.{name}.name` and `.text`). Warnings and other letters quote the
//! effective date from here, so the page and the letters can never disagree.

use time::Date;
use time::macros::date;

/// The day the policy applies from.
pub const EFFECTIVE: Date = date!(2026 - 12 - 01);
