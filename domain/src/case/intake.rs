//! Intake: open a case, answer a consultation directly, or dispatch it.

use std::iter;

use super::body::{Dispatch, Note, OpenCase};
use super::deadline::DeadlineRef;
use super::error::CaseError;
use super::event::CaseEvent;
use super::guard::{known_unit, non_blank, MAX_DESCRIPTION_CHARS};
use super::state::Case;
use super::value::{Channel, Dispatcher, Location, Unit};
use super::{Ctx, Decision};
use crate::actor::Role;
use crate::org::Organisation;
use crate::sla::{Timer, Urgency};

impl Case {
    /// Open: hotline, intake and volunteers anywhere; a dispatcher in its own street.
    pub(super) fn open(&self, cx: &Ctx, body: OpenCase) -> Decision {
        if self.state.is_some() {
            return Err(CaseError::AlreadyOpened);
        }
        let street = &body.location.street;
        match &cx.actor.role {
            Role::Hotline | Role::Intake | Role::Volunteer { .. } => {}
            Role::Dispatcher { street: own } if own == street => {}
            Role::Dispatcher { .. } => {
                return Err(CaseError::NotCoordinator {
                    action: "open",
                    street: street.clone(),
                })
            }
            other => return Err(CaseError::MayNotOpen { role: other.name() }),
        }
        check_proactive(cx, &body)?;
        let category = cx
            .org
            .category(&body.category)
            .ok_or_else(|| CaseError::unknown("category", &body.category))?;
        non_blank("description", &body.description)?;
        if body.description.chars().count() > MAX_DESCRIPTION_CHARS {
            return Err(CaseError::TooLong {
                field: "description".into(),
                max: MAX_DESCRIPTION_CHARS,
            });
        }
        check_location(cx.org, &body.location)?;
        Ok(vec![CaseEvent::CaseOpened {
            urgency: body.urgency.unwrap_or(category.default_urgency),
            channel: body.channel,
            kind: body.kind,
            category: body.category,
            description: body.description,
            location: body.location,
            requester: body.requester,
            source: body.source,
            at: cx.at,
            related_cases: body.related_cases,
        }])
    }

    /// A consultation answered at intake, never dispatched.
    pub(super) fn answer(&self, cx: &Ctx, body: Note) -> Decision {
        Ok(vec![CaseEvent::AnsweredDirectly {
            note: body.note,
            at: cx.at,
        }])
    }

    /// Dispatch: the hotline to any unit; a street's dispatcher to its own street or a department.
    pub(super) fn dispatch(&self, cx: &Ctx, body: Dispatch) -> Decision {
        Ok(vec![self.dispatched(
            cx,
            body.unit,
            body.co_units,
            "unit",
        )?])
    }

    /// The `CaseDispatched` event sending the case to `unit` with fresh deadlines, on behalf of the
    /// acting hotline or street dispatcher. `field` names where `unit` came from in the request.
    pub(super) fn dispatched(
        &self,
        cx: &Ctx,
        unit: Unit,
        co_units: Vec<Unit>,
        field: &str,
    ) -> Result<CaseEvent, CaseError> {
        let dispatched_by = match cx.actor.street() {
            Some(street) => Dispatcher::Street(street.to_string()),
            None => Dispatcher::Hotline,
        };
        if let Dispatcher::Street(own) = &dispatched_by {
            for target in iter::once(&unit).chain(&co_units) {
                match target {
                    Unit::Street(to) if to != own => {
                        return Err(CaseError::DispatchToOtherStreet { street: to.clone() })
                    }
                    _ => {}
                }
            }
        }
        known_unit(cx.org, &unit, field)?;
        for (i, co_unit) in co_units.iter().enumerate() {
            known_unit(cx.org, co_unit, &format!("co_units[{i}]"))?;
            if *co_unit == unit || co_units[..i].contains(co_unit) {
                return Err(CaseError::DuplicateUnit {
                    field: "co_units".into(),
                });
            }
        }
        let urgency = self.urgency();
        let due = |timer| cx.org.due(timer, cx.at);
        let (sign_by, contact_by, resolve_by) = (
            due(Timer::Sign(urgency)),
            due(Timer::Contact(urgency)),
            due(Timer::Resolve(urgency)),
        );
        Ok(CaseEvent::CaseDispatched {
            unit,
            co_units,
            dispatched_by,
            at: cx.at,
            sign_by,
            contact_by,
            resolve_by,
            return_until: due(Timer::ReturnWindow),
            ladders: vec![
                cx.ladder(DeadlineRef::Sign, sign_by),
                cx.ladder(DeadlineRef::Contact, contact_by),
                cx.ladder(DeadlineRef::Resolve, resolve_by),
            ],
        })
    }

    /// The urgency in force (ordinary before the case is opened, which never gets this far).
    pub(super) fn urgency(&self) -> Urgency {
        self.intake
            .as_ref()
            .map_or(Urgency::Ordinary, |intake| intake.urgency)
    }
}

/// 主动治理: a proactive case is opened by the hotline or a street dispatcher, has no requester,
/// and only it lists related cases (well-formed case ids, each once).
fn check_proactive(cx: &Ctx, body: &OpenCase) -> Result<(), CaseError> {
    if body.channel != Channel::Proactive {
        return match body.related_cases.is_empty() {
            true => Ok(()),
            false => Err(CaseError::RelatedCasesNotProactive),
        };
    }
    if !matches!(cx.actor.role, Role::Hotline | Role::Dispatcher { .. }) {
        return Err(CaseError::MayNotOpenProactive {
            role: cx.actor.role.name(),
        });
    }
    if body.requester.is_some() {
        return Err(CaseError::ProactiveWithRequester);
    }
    for (i, id) in body.related_cases.iter().enumerate() {
        if !is_case_id(id) || body.related_cases[..i].contains(id) {
            return Err(CaseError::MalformedCaseId {
                field: format!("related_cases[{i}]"),
                value: id.clone(),
            });
        }
    }
    Ok(())
}

/// A case id: a UUID in its hyphenated text form (as the service makes them).
pub fn is_case_id(id: &str) -> bool {
    let bytes = id.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// The street exists; the community, if given, is in it; the grid, if given, is in the community
/// (or, without one, in some community of the street).
fn check_location(org: &Organisation, location: &Location) -> Result<(), CaseError> {
    let street = org
        .street(&location.street)
        .ok_or_else(|| CaseError::unknown("location.street", &location.street))?;
    let community = match &location.community {
        Some(code) => Some(
            street
                .communities
                .iter()
                .find(|community| &community.code == code)
                .ok_or_else(|| CaseError::unknown("location.community", code))?,
        ),
        None => None,
    };
    if let Some(grid) = &location.grid {
        let known = match community {
            Some(community) => community.grids.contains(grid),
            None => street.communities.iter().any(|c| c.grids.contains(grid)),
        };
        if !known {
            return Err(CaseError::unknown("location.grid", grid));
        }
    }
    Ok(())
}
