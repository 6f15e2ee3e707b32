//! 退单: the handling unit hands a case back inside the return window; whoever dispatched it
//! rejects most returns and approves some, re-dispatching to the street (or, a street's return,
//! to the category's department).

use serde_json::json;

use super::{unit_json, Life};
use crate::calibration::*;
use crate::plan::{Anchor, Endpoint, Wait, Who};

impl Life<'_> {
    /// 退单: the unit hands the case back; the party approves (re-dispatching) or rejects.
    /// Returns whether the case went to a new unit (which must sign for it).
    pub(super) fn hand_back(&mut self, wait: Wait) -> bool {
        const REASONS: [&str; 3] = [
            "wrong_jurisdiction",
            "not_our_function",
            "unclear_ownership",
        ];
        let reason = *self.dice.one_of(&REASONS);
        let body = json!({"reason": reason, "note": "经核实不属于本单位职责，申请退回"});
        self.push(wait, self.unit.clone(), "return", body);
        let new_unit = match &self.unit {
            Who::Department(_) => Some(self.street()),
            _ => self.intake.default_department.clone().map(Who::Department),
        };
        let decide = Wait::After(self.dice.minutes(15.0, 180.0));
        let party = self.intake.party.clone();
        match new_unit {
            Some(unit) if self.dice.chance(RETURN_APPROVED) => {
                let body = json!({"decision": "approve", "redispatch_to": unit_json(&unit),
                                  "note": "同意退回，改派属地"});
                self.step(
                    decide,
                    party,
                    Endpoint::Case("return-decision"),
                    body,
                    "return-approved",
                );
                self.mark(Anchor::Dispatch);
                self.self_dispatched = self.intake.party == self.street() && unit == self.street();
                self.unit = unit;
                true
            }
            _ => {
                let body = json!({"decision": "reject", "note": "属于职责范围，请继续办理"});
                self.step(
                    decide,
                    party,
                    Endpoint::Case("return-decision"),
                    body,
                    "return-rejected",
                );
                false
            }
        }
    }
}
