//! The breach ladder of one deadline (DESIGN §2), fixed when the deadline is set: approaching
//! warning, breach and reminder 催办 at the due time, district supervision 督办 and city
//! supervision. Every event that sets a deadline records its ladder, so a replay under another
//! policy (or `--sla-scale`) raises each step at the same time as the live run did.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::deadline::{DeadlineRef, DeadlineStep};
use super::state::Case;
use super::Ctx;
use crate::org::Organisation;
use crate::sla::Timer;

/// When each step of one deadline's ladder is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ladder {
    pub deadline: DeadlineRef,
    /// The deadline itself: breach and reminder.
    pub due_at: DateTime<Utc>,
    /// The approaching warning (skipped when it is not before the due time).
    pub approaching_at: DateTime<Utc>,
    pub district_supervision_at: DateTime<Utc>,
    pub city_supervision_at: DateTime<Utc>,
}

impl Ladder {
    /// The ladder of `deadline`, set at `set_at` and due at `due_at`, under `org`'s policy and
    /// calendar: approaching once `approaching_fraction` of the window from `set_at` to `due_at`
    /// has passed; supervision the policy's spans after the breach.
    pub fn fixed(
        org: &Organisation,
        deadline: DeadlineRef,
        set_at: DateTime<Utc>,
        due_at: DateTime<Utc>,
    ) -> Ladder {
        let window = (due_at - set_at.min(due_at)).num_milliseconds() as f64;
        let approach = (window * org.sla.approaching_fraction).round() as i64;
        Ladder {
            deadline,
            due_at,
            approaching_at: set_at.min(due_at) + Duration::milliseconds(approach),
            district_supervision_at: org.due(Timer::DistrictSupervision, due_at),
            city_supervision_at: org.due(Timer::CitySupervision, due_at),
        }
    }

    /// Every step `by` later (a park's pause: the whole clock stops).
    pub fn shifted(&self, by: Duration) -> Ladder {
        Ladder {
            deadline: self.deadline.clone(),
            due_at: self.due_at + by,
            approaching_at: self.approaching_at + by,
            district_supervision_at: self.district_supervision_at + by,
            city_supervision_at: self.city_supervision_at + by,
        }
    }

    /// When `step` is due.
    pub fn at(&self, step: DeadlineStep) -> DateTime<Utc> {
        match step {
            DeadlineStep::Approaching => self.approaching_at,
            DeadlineStep::Breached | DeadlineStep::Reminder => self.due_at,
            DeadlineStep::DistrictSupervision => self.district_supervision_at,
            DeadlineStep::CitySupervision => self.city_supervision_at,
        }
    }

    /// Whether the approaching warning comes before the breach (not with a fraction of 1).
    pub fn warns(&self) -> bool {
        self.approaching_at < self.due_at
    }
}

impl Ctx<'_> {
    /// The ladder of `deadline`, set now and due at `due_at`, under the command's policy.
    pub(super) fn ladder(&self, deadline: DeadlineRef, due_at: DateTime<Utc>) -> Ladder {
        Ladder::fixed(self.org, deadline, self.at, due_at)
    }
}

impl Case {
    /// The ladder recorded when `deadline` was set to `due_at`. `None` for a deadline set by an
    /// event recorded before ladders were (its ladder follows the policy in force, as it did then).
    pub fn ladder(&self, deadline: &DeadlineRef, due_at: DateTime<Utc>) -> Option<&Ladder> {
        self.ladders
            .iter()
            .find(|l| l.deadline == *deadline && l.due_at == due_at)
    }

    /// Keeps the ladders an event fixed, each replacing the previous one of its deadline.
    pub(super) fn fix_ladders(&mut self, ladders: Vec<Ladder>) {
        for ladder in ladders {
            self.ladders.retain(|l| l.deadline != ladder.deadline);
            self.ladders.push(ladder);
        }
    }
}
