use super::*;

fn given(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn keys_are_the_domain_names() {
    for (kind, key, _) in KINDS {
        assert_eq!(serde_json::to_value(kind).unwrap(), *key);
    }
    for (urgency, _) in URGENCIES {
        assert_eq!(serde_json::to_value(urgency).unwrap(), urgency.as_str());
    }
    assert_eq!(URGENCIES.len(), Urgency::ALL.len());
}

#[test]
fn attributes_choose_urgency_and_kind() {
    assert_eq!(
        choices(&given(&[])).unwrap(),
        Choices {
            urgency: None,
            kind: CaseKind::Report
        }
    );
    assert_eq!(
        choices(&given(&[("urgency", "emergency"), ("kind", "complaint")])).unwrap(),
        Choices {
            urgency: Some(Urgency::Emergency),
            kind: CaseKind::Complaint
        }
    );
}

#[test]
fn unknown_attributes_and_values_are_bad_requests() {
    for (pairs, message) in [
        (
            &[("urgency", "urgent")][..],
            "attribute[urgency] has no value \"urgent\"",
        ),
        (
            &[("kind", "Report")][..],
            "attribute[kind] has no value \"Report\"",
        ),
        (
            &[("building_type", "flat")][..],
            "unknown attribute[building_type]",
        ),
    ] {
        let err = choices(&given(pairs)).unwrap_err();
        assert!(
            matches!(&err, Open311Error::BadRequest(m) if m.starts_with(message)),
            "{err:?}"
        );
    }
}
