//! The weights of the statistics' composite score (DESIGN §4): optional `[weights]` table of the
//! organisation file, every key defaulting on its own to the DESIGN values.

use serde::{Deserialize, Serialize};

use super::OrgError;

/// composite = 100 × (response × r + resolution × s + satisfaction × sat); a basically satisfied
/// requester counts `basically_satisfied` of a satisfied one in the satisfaction rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
pub struct Weights {
    /// Weight of the response rate 响应率 (default 0.10).
    pub response: f64,
    /// Weight of the resolution rate 解决率 (default 0.45).
    pub resolution: f64,
    /// Weight of the satisfaction rate 满意率 (default 0.45).
    pub satisfaction: f64,
    /// What a basically satisfied requester counts for (default 0.8).
    pub basically_satisfied: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            response: 0.10,
            resolution: 0.45,
            satisfaction: 0.45,
            basically_satisfied: 0.8,
        }
    }
}

impl Weights {
    /// Every weight a number in [0, 1], the three composite weights summing to 1 (so the
    /// composite stays a score out of 100). `at` is the table's key.
    pub(crate) fn checked(self, at: &str) -> Result<Weights, OrgError> {
        let fields = [
            ("response", self.response),
            ("resolution", self.resolution),
            ("satisfaction", self.satisfaction),
            ("basically_satisfied", self.basically_satisfied),
        ];
        for (field, value) in fields {
            if !(0.0..=1.0).contains(&value) {
                let message = format!("must be a number from 0 to 1, got {value}");
                return Err(OrgError::invalid(format!("{at}.{field}"), message));
            }
        }
        let sum = self.response + self.resolution + self.satisfaction;
        if (sum - 1.0).abs() > 1e-9 {
            let message = format!("response + resolution + satisfaction must be 1, got {sum}");
            return Err(OrgError::invalid(at, message));
        }
        Ok(self)
    }
}
