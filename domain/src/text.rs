//! Text the engine accepts from people and systems: any Unicode except the C0 control characters
//! (and DEL), which no person types and PostgreSQL's JSON cannot hold (NUL). Line breaks (LF, and
//! CR as browsers send them in CR LF) and tabs are text.

/// Whether `text` holds a character no command may carry.
pub fn has_control_character(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_ascii_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// The path (`requester.name`, `evidence[1]`) of the first string in `value` — keys included —
/// that holds a control character; `None` when every string is clean.
pub fn control_character_field(value: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(text) => has_control_character(text).then(String::new),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            control_character_field(item).map(|inner| format!("[{i}]{}", dotted(&inner)))
        }),
        Value::Object(map) => map.iter().find_map(|(key, item)| {
            if has_control_character(key) {
                return Some(key.escape_default().to_string());
            }
            control_character_field(item).map(|inner| format!("{key}{}", dotted(&inner)))
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => None,
    }
}

/// How a nested path continues after its parent: `.name`, `[0]` or nothing.
fn dotted(inner: &str) -> String {
    if inner.is_empty() || inner.starts_with('[') {
        inner.to_string()
    } else {
        format!(".{inner}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn line_breaks_and_tabs_are_text_other_controls_are_not() {
        assert!(!has_control_character("第一行\r\n第二行\tend"));
        assert!(has_control_character("a\u{0}b"));
        assert!(has_control_character("bell\u{7}"));
        assert!(has_control_character("escape\u{1b}[31m"));
        assert!(has_control_character("delete\u{7f}"));
        assert!(!has_control_character("路灯不亮 — ok ✓"));
    }

    #[test]
    fn the_path_names_the_first_field_at_fault() {
        let clean = json!({"description": "漏水", "location": {"street": "jingshan"}, "n": 3});
        assert_eq!(control_character_field(&clean), None);
        let nested = json!({"requester": {"name": "王\u{0}"}});
        assert_eq!(
            control_character_field(&nested).as_deref(),
            Some("requester.name")
        );
        let listed = json!({"evidence": ["ok", "bad\u{8}"]});
        assert_eq!(
            control_character_field(&listed).as_deref(),
            Some("evidence[1]")
        );
        let deep = json!({"findings": [{"description": "x\u{1}"}]});
        assert_eq!(
            control_character_field(&deep).as_deref(),
            Some("findings[0].description")
        );
        assert_eq!(
            control_character_field(&json!("x\u{0}")).as_deref(),
            Some("")
        );
    }
}
