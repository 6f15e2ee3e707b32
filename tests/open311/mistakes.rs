//! Every client mistake answers the spec's error list (403 for the api_key, 404 for an unknown
//! resource, 400 for the rest) in the format asked for, and a refused POST writes nothing.

use shaobao_tests::app::TestApp;

use crate::support::{get, post};

/// A valid report by `key`.
fn form(key: &str) -> Vec<(&str, &str)> {
    vec![
        ("api_key", key),
        ("service_code", "noise"),
        ("address_id", "jingshan"),
    ]
}

/// [`form`] with `field` replaced (or added), or removed when `value` is `None`.
fn form_with<'a>(key: &'a str, field: &'a str, value: Option<&'a str>) -> Vec<(&'a str, &'a str)> {
    let mut form = form(key);
    form.retain(|(name, _)| *name != field);
    form.extend(value.map(|value| (field, value)));
    form
}

pub async fn bad_api_keys_are_403(app: TestApp) {
    let hotline = app.tokens.hotline.clone();
    let unknown = format!("sb_{}", "0".repeat(64));
    for (key, says) in [
        (None, "api_key was not provided"),
        (Some(unknown.as_str()), "api_key is not valid"),
        (Some("not-even-a-token"), "api_key is not valid"),
        (
            Some(hotline.as_str()),
            "api_key is a hotline token, not an intake one",
        ),
    ] {
        let form = form_with("", "api_key", key);
        let json = post(&app, "requests.json", &form, &[]).await;
        assert_eq!(json.json_error(403), says);
        let xml = post(&app, "requests.xml", &form, &[]).await;
        assert_eq!(xml.xml_error(403), says);
    }
    assert_eq!(app.total_events().await, 0);

    // Some clients send the key in the query string.
    let query_key = format!("requests.json?api_key={}", app.tokens.intake);
    let form = form_with("", "api_key", None);
    let posted = post(&app, &query_key, &form, &[]).await;
    assert_eq!(posted.status, 200, "{posted:?}");
}

pub async fn bad_posts_are_400_and_write_nothing(app: TestApp) {
    let key = app.tokens.intake.clone();
    let long = "长".repeat(4001);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            form_with(&key, "service_code", None),
            "service_code was not provided",
        ),
        (
            form_with(&key, "service_code", Some("potholes")),
            "service_code \"potholes\" not found",
        ),
        (
            form_with(&key, "address_id", None),
            "a location is required",
        ),
        (
            form_with(&key, "address_id", Some("mars")),
            "address_id \"mars\" is neither",
        ),
        (
            [
                form_with(&key, "address_id", None),
                vec![("address_string", "某某小区")],
            ]
            .concat(),
            "address_string \"某某小区\" names no street or community",
        ),
        (
            [form_with(&key, "address_id", None), vec![("lat", "39.93")]].concat(),
            "lat was given without long",
        ),
        (
            [
                form_with(&key, "address_id", None),
                vec![("lat", "north"), ("long", "116.4")],
            ]
            .concat(),
            "lat must be a number",
        ),
        (
            [
                form_with(&key, "address_id", None),
                vec![("lat", "39.93"), ("long", "216.4")],
            ]
            .concat(),
            "long must be a number",
        ),
        (
            [
                form_with(&key, "address_id", None),
                vec![("lat", "31.2304"), ("long", "121.4737")],
            ]
            .concat(),
            "lat/long 31.2304, 121.4737 is outside 东城区",
        ),
        (
            form_with(&key, "attribute[urgency]", Some("urgent")),
            "attribute[urgency] has no value",
        ),
        (
            form_with(&key, "attribute[colour]", Some("red")),
            "unknown attribute[colour]",
        ),
        (
            [form(&key), vec![("service_code", "heating")]].concat(),
            "service_code was given more than once",
        ),
        (
            form_with(&key, "phone", Some("call me")),
            "phone must be a telephone number",
        ),
        (
            form_with(&key, "description", Some(&long)),
            "description is too long: at most 4000 characters",
        ),
    ];
    for (form, says) in &cases {
        let answer = post(&app, "requests.json", form, &[]).await;
        let description = answer.json_error(400);
        assert!(description.starts_with(says), "{form:?}: {description}");
    }
    let (missing_location, says) = &cases[2];
    let description = post(&app, "requests.xml", missing_location, &[])
        .await
        .xml_error(400);
    assert!(description.starts_with(says), "{description}");

    let too_long_key = "k".repeat(201);
    let headers = [("Idempotency-Key", too_long_key.as_str())];
    let answer = post(&app, "requests.json", &form(&key), &headers).await;
    assert!(
        answer.json_error(400).contains("Idempotency-Key"),
        "{answer:?}"
    );
    let json_body = app
        .client
        .post(app.url("/open311/v2/requests.json"))
        .json(
            &serde_json::json!({"api_key": key, "service_code": "noise", "address_id": "jingshan"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(json_body.status(), 400);
    let description = json_body.text().await.unwrap();
    let says = r#"POST requests takes application/x-www-form-urlencoded, not \"application/json\""#;
    assert!(description.contains(says), "{description}");
    assert_eq!(
        app.total_events().await,
        0,
        "a refused request writes nothing"
    );
}

pub async fn bad_queries_are_400(app: TestApp) {
    for (query, says) in [
        (
            "start_date=yesterday",
            "start_date must be an ISO 8601 date-time",
        ),
        (
            "end_date=2026-02-30",
            "end_date must be an ISO 8601 date-time",
        ),
        (
            "start_date=2026-03-02&end_date=2026-03-01",
            "start_date must not be after end_date",
        ),
        ("status=pending", "status must be open or closed"),
        (
            "service_code=potholes",
            "service_code \"potholes\" not found",
        ),
        ("page=0", "page must be a whole number"),
        (
            "page_size=5000",
            "page_size must be a whole number from 1 to 1000",
        ),
        ("extensions=yes", "extensions must be true or false"),
    ] {
        let description = get(&app, &format!("requests.json?{query}"))
            .await
            .json_error(400);
        assert!(description.starts_with(says), "{query}: {description}");
        let description = get(&app, &format!("requests.xml?{query}"))
            .await
            .xml_error(400);
        assert!(description.starts_with(says), "{query}: {description}");
    }
    let answer = get(&app, "requests/any.json?extensions=maybe").await;
    assert!(answer
        .json_error(400)
        .starts_with("extensions must be true or false"));
}

pub async fn unknown_things_are_404(app: TestApp) {
    let key = app.tokens.intake.clone();
    for (path, says) in [
        (
            "services/potholes.json",
            "service_code \"potholes\" not found",
        ),
        (
            "requests/0b6f-nope.json",
            "service_request_id \"0b6f-nope\" not found",
        ),
        ("tokens/nope.json", "token \"nope\" not found"),
        ("reports.json", "no such resource: reports"),
        ("a/b/c.json", "no such resource: /open311/v2/a/b/c.json"),
    ] {
        assert_eq!(get(&app, path).await.json_error(404), says, "{path}");
        let xml = path.replace(".json", ".xml");
        assert_eq!(
            get(&app, &xml).await.xml_error(404),
            says.replace(".json", ".xml"),
            "{xml}"
        );
    }
    // Without a format, the answer is XML, the format the spec requires.
    let description = get(&app, "services").await.xml_error(404);
    assert!(
        description.contains("name it with .json or .xml"),
        "{description}"
    );
    let posted = post(&app, "discovery.json", &[("api_key", &key)], &[]).await;
    assert_eq!(posted.json_error(404), "no such resource: discovery");
}
