//! The desk's published customer-harassment policy: the day it takes effect and the kinds of
//! conduct it names. The public page lists the categories in this order, and staff will file
//! incidents under the same ones, so a category's stored name is also its catalogue key
//! (`policy.category.{name}.name` and `.text`). Warnings and other letters quote the
//! effective date from here, so the page and the letters can never disagree.

use time::Date;
use time::macros::date;

/// The day the policy applies from.
pub const EFFECTIVE: Date = date!(2026 - 12 - 01);

stored_names! {
    /// A kind of conduct the policy counts as customer harassment.
    HarassmentCategory {
        /// Violence, threats and intimidation.
        ViolenceThreats = "violence_threats",
        /// Abusive, insulting or defamatory words, posts online included.
        AbusiveWords = "abusive_words",
        /// Discrimination.
        Discrimination = "discrimination",
        /// Sexual harassment.
        SexualHarassment = "sexual_harassment",
        /// Demands beyond any obligation or beyond the service.
        UnreasonableDemands = "unreasonable_demands",
        /// Keeping staff for long periods, or repeating a demand already answered.
        KeepingRepeating = "keeping_repeating",
        /// Invading a staff member's privacy.
        Privacy = "privacy",
        /// Other conduct of the same kind.
        Other = "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_reads_back_from_its_stored_name() {
        for category in HarassmentCategory::ALL {
            assert_eq!(
                HarassmentCategory::parse(category.as_str()),
                Some(*category)
            );
        }
        assert_eq!(HarassmentCategory::parse("complaint"), None);
    }
}
