//! Virtual time: a clock that starts at a fixed instant and runs up to `speed` times faster than
//! real time. The in-process server stamps commands with it (and its deadline service fires by
//! it); the simulated clients wait on it, so both sides agree on what "five minutes later" means.
//!
//! Every planned request holds an [`Appointment`] at its due time, from before it is due until it
//! has been answered, and the clock never runs past an appointment still held: each request is
//! sent and stamped at exactly its virtual time, however slow the machine or the runtime's
//! wake-ups. A slow machine makes the run longer, never the simulated people late. Until
//! [`VirtualClock::run`] it holds still, so setting up the server costs no virtual time.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use shaobao_services::clock::Clock;
use tokio::time::Instant;

/// How often a waiter looks again while the clock holds still.
const HELD_POLL: Duration = Duration::from_millis(2);

#[derive(Debug)]
pub struct VirtualClock {
    speed: f64,
    /// Whether appointments hold the clock (a simulation) or are only waited for (the demo,
    /// whose server keeps the real time).
    keeps_appointments: bool,
    state: Mutex<Pace>,
}

/// The clock showed `shown` at the real instant `since` and runs from there if `running`, but
/// never past the earliest appointment held.
#[derive(Debug)]
struct Pace {
    shown: DateTime<Utc>,
    since: Instant,
    running: bool,
    appointments: BTreeMap<DateTime<Utc>, usize>,
}

impl Pace {
    fn now(&self, speed: f64) -> DateTime<Utc> {
        let free = if self.running {
            let nanos = self.since.elapsed().as_secs_f64() * speed * 1e9;
            self.shown + chrono::Duration::nanoseconds(nanos as i64)
        } else {
            self.shown
        };
        match self.appointments.first_key_value() {
            Some((held, _)) if *held < free => *held,
            _ => free,
        }
    }

    /// Restarts the running from what the clock shows now (before the earliest appointment
    /// changes, so time continues from it rather than jumping to where it would have been).
    fn rebase(&mut self, speed: f64) {
        self.shown = self.now(speed);
        self.since = Instant::now();
    }
}

impl VirtualClock {
    /// Shows `start` until [`run`](Self::run), then advances up to `speed` virtual seconds per
    /// real second, held by appointments.
    pub fn simulated(start: DateTime<Utc>, speed: f64) -> Self {
        VirtualClock::new(start, speed, true)
    }

    /// The real time, running; appointments are only waited for.
    pub fn real() -> Self {
        let clock = VirtualClock::new(Utc::now(), 1.0, false);
        clock.run();
        clock
    }

    fn new(start: DateTime<Utc>, speed: f64, keeps_appointments: bool) -> Self {
        VirtualClock {
            speed,
            keeps_appointments,
            state: Mutex::new(Pace {
                shown: start,
                since: Instant::now(),
                running: false,
                appointments: BTreeMap::new(),
            }),
        }
    }

    fn pace(&self) -> MutexGuard<'_, Pace> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Lets time run.
    pub fn run(&self) {
        let mut pace = self.pace();
        if !pace.running {
            pace.since = Instant::now();
            pace.running = true;
        }
    }

    /// Books `at` (or now, if that has passed): the clock will not pass it while the returned
    /// appointment is held.
    pub fn appointment(self: &Arc<Self>, at: DateTime<Utc>) -> Appointment {
        let mut pace = self.pace();
        let at = at.max(pace.now(self.speed));
        if self.keeps_appointments {
            *pace.appointments.entry(at).or_insert(0) += 1;
        }
        Appointment {
            clock: self.clone(),
            at,
        }
    }

    /// The real instant at which the clock would show `at` if it ran freely (`None` while it
    /// holds still).
    fn instant_of(&self, at: DateTime<Utc>) -> Option<Instant> {
        let pace = self.pace();
        let ahead = (at - pace.shown).num_milliseconds() as f64 / 1000.0;
        pace.running
            .then(|| pace.since + Duration::from_secs_f64((ahead / self.speed).max(0.0)))
    }
}

impl Clock for VirtualClock {
    fn now(&self) -> DateTime<Utc> {
        self.pace().now(self.speed)
    }
}

/// A booked instant; the clock waits for it while it is held.
#[derive(Debug)]
pub struct Appointment {
    clock: Arc<VirtualClock>,
    at: DateTime<Utc>,
}

impl Appointment {
    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }

    /// Returns once the clock shows the appointment's time.
    pub async fn arrive(&self) {
        while self.clock.now() < self.at {
            match self.clock.instant_of(self.at) {
                Some(instant) if instant > Instant::now() => {
                    tokio::time::sleep_until(instant).await
                }
                // Running late by rounding, or held: look again shortly.
                _ => tokio::time::sleep(HELD_POLL).await,
            }
        }
    }
}

impl Drop for Appointment {
    fn drop(&mut self) {
        if !self.clock.keeps_appointments {
            return;
        }
        let mut pace = self.clock.pace();
        pace.rebase(self.clock.speed);
        if let Some(count) = pace.appointments.get_mut(&self.at) {
            *count -= 1;
            if *count == 0 {
                pace.appointments.remove(&self.at);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap()
    }

    #[test]
    fn it_holds_still_until_it_runs_then_runs_at_its_speed() {
        let clock = VirtualClock::simulated(start(), 3600.0);
        assert_eq!(clock.now(), start());
        assert_eq!(clock.instant_of(start()), None);
        clock.run();
        let since = clock.pace().since;
        let an_hour_later = start() + chrono::Duration::hours(1);
        assert_eq!(
            clock.instant_of(an_hour_later),
            Some(since + Duration::from_secs(1))
        );
        assert!(clock.now() >= start());
    }

    #[test]
    fn an_appointment_held_stops_the_clock_at_its_time_and_time_goes_on_from_there() {
        let clock = Arc::new(VirtualClock::simulated(start(), 1e6));
        let soon = start() + chrono::Duration::seconds(1);
        let appointment = clock.appointment(soon);
        clock.run();
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(clock.now(), soon, "5 ms at 1e6 would be 83 minutes");
        drop(appointment);
        let after = clock.now();
        assert!(
            after >= soon && after < soon + chrono::Duration::minutes(10),
            "{after}"
        );
    }

    #[test]
    fn an_appointment_in_the_past_is_booked_for_now() {
        let clock = Arc::new(VirtualClock::simulated(start(), 1.0));
        let appointment = clock.appointment(start() - chrono::Duration::days(1));
        assert_eq!(appointment.at(), start());
    }
}
