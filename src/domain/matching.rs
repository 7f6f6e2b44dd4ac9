//! Which of the interpreters free at a time a session goes to. Booking, moving and every
//! other place that picks an interpreter for a session asks this, so the desk's order of
//! preference is written once.

/// What a session asks of its interpreter, beyond the qualification for its mode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Wants<'a> {
    /// The sign language the customer asked for, as stored (`None` for written chat).
    pub sign_language: Option<&'a str>,
    /// Whether care training is preferred: the session is booked by a proxy, or for a
    /// customer who has one.
    pub care: bool,
}

/// One interpreter free for a session, as the choice weighs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FreeInterpreter {
    /// Their staff account.
    pub id: i64,
    /// Whether they sign the language the customer asked for (or none was asked for).
    pub signs_language: bool,
    /// Whether they hold care training (dementia supporter or universal manners) that
    /// holds on the session's day.
    pub care_trained: bool,
    /// How many sessions they have that week.
    pub sessions_that_week: i64,
}

/// The free interpreters in the order the desk prefers them, best first:
///
/// 1. those who sign the language the customer asked for: their own language comes first;
/// 2. when `care` (a customer with a proxy, often older), those with care training;
/// 3. those with the fewest sessions that week, sharing the work;
/// 4. the lowest id, so that the same question always gets the same answer.
pub fn preferred(free: &[FreeInterpreter], care: bool) -> Vec<i64> {
    let mut ranked = free.to_vec();
    ranked.sort_by_key(|f| {
        (
            !f.signs_language,
            care && !f.care_trained,
            f.sessions_that_week,
            f.id,
        )
    });
    ranked.into_iter().map(|f| f.id).collect()
}

/// The interpreter a session goes to, if anyone is free (see [`preferred`]).
pub fn choose(free: &[FreeInterpreter], care: bool) -> Option<i64> {
    preferred(free, care).into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn free(id: i64, signs_language: bool, care_trained: bool, sessions: i64) -> FreeInterpreter {
        FreeInterpreter {
            id,
            signs_language,
            care_trained,
            sessions_that_week: sessions,
        }
    }

    #[test]
    fn the_least_booked_takes_it_and_ties_go_to_the_lowest_id() {
        let list = [free(3, true, false, 1), free(2, true, false, 1)];
        assert_eq!(choose(&list, false), Some(2));
        let list = [free(1, true, false, 4), free(2, true, false, 1)];
        assert_eq!(choose(&list, false), Some(2));
        assert_eq!(choose(&[], true), None);
    }

    #[test]
    fn care_training_comes_first_for_a_customer_with_a_proxy_only() {
        let list = [free(1, true, false, 0), free(2, true, true, 5)];
        assert_eq!(choose(&list, true), Some(2));
        assert_eq!(
            choose(&list, false),
            Some(1),
            "without a proxy, the work is shared"
        );
    }

    #[test]
    fn the_customers_sign_language_comes_before_care_training() {
        let list = [
            free(1, false, true, 0),
            free(2, true, false, 3),
            free(3, true, true, 9),
        ];
        assert_eq!(preferred(&list, true), [3, 2, 1]);
        assert_eq!(preferred(&list, false), [2, 3, 1]);
    }
}
