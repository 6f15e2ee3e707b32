//! 类案标签 tags from the organisation's vocabulary.

use super::body::Tags;
use super::error::CaseError;
use super::event::CaseEvent;
use super::state::Case;
use super::{Ctx, Decision};

impl Case {
    /// Add and remove tags; each must be in the vocabulary. Records only what changes.
    pub(super) fn tag(&self, cx: &Ctx, body: Tags) -> Decision {
        if body.add.is_empty() && body.remove.is_empty() {
            return Err(CaseError::NoTags);
        }
        for (field, tags) in [("add", &body.add), ("remove", &body.remove)] {
            for (i, tag) in tags.iter().enumerate() {
                if cx.org.tag(tag).is_none() {
                    return Err(CaseError::unknown(format!("{field}[{i}]"), tag));
                }
            }
        }
        if let Some(tag) = body.add.iter().find(|tag| body.remove.contains(tag)) {
            return Err(CaseError::TagAddedAndRemoved { tag: tag.clone() });
        }
        let mut added: Vec<String> = body
            .add
            .into_iter()
            .filter(|tag| !self.tags.contains(tag))
            .collect();
        let mut removed: Vec<String> = body
            .remove
            .into_iter()
            .filter(|tag| self.tags.contains(tag))
            .collect();
        for list in [&mut added, &mut removed] {
            list.sort();
            list.dedup();
        }
        if added.is_empty() && removed.is_empty() {
            return Err(CaseError::TagsUnchanged);
        }
        Ok(vec![CaseEvent::CaseTagged {
            added,
            removed,
            at: cx.at,
        }])
    }
}
