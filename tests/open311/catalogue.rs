//! Discovery, the service list and service definitions.

use shaobao_tests::app::TestApp;

use crate::support::{get, same_document, valid};

pub async fn discovery_in_both_formats(app: TestApp) {
    let json = get(&app, "discovery.json").await;
    assert_eq!(json.status, 200, "{json:?}");
    let discovery = json.json();
    valid("discovery", &discovery);
    let endpoint = &discovery["endpoints"][0];
    assert_eq!(endpoint["url"], format!("http://{}/open311/v2", app.addr));
    assert_eq!(endpoint["type"], "production");
    assert_eq!(
        endpoint["formats"],
        serde_json::json!(["text/xml", "application/json"])
    );

    let xml = get(&app, "discovery.xml").await;
    assert_eq!(xml.status, 200, "{xml:?}");
    let items = [("endpoints", "endpoint"), ("formats", "format")];
    same_document(&xml.xml(), "discovery", &items, &discovery);
}

pub async fn services_are_the_organisation_categories(app: TestApp) {
    let json = get(&app, "services.json").await;
    assert_eq!(json.status, 200, "{json:?}");
    let services = json.json();
    valid("services", &services);
    let services = services.as_array().unwrap();
    let categories = &app.state.org.categories;
    assert_eq!(services.len(), categories.len());
    for (service, category) in services.iter().zip(categories) {
        assert_eq!(service["service_code"], category.code.as_str());
        assert_eq!(service["service_name"], category.name.as_str());
        assert_eq!(service["metadata"], true, "every service has attributes");
        assert_eq!(service["type"], "realtime");
    }
    let noise = &services[0];
    assert_eq!(
        noise["group"], "区生态环境局",
        "grouped by the usual department"
    );
    assert_eq!(noise["keywords"], "noise, 噪声扰民");

    let xml = get(&app, "services.xml").await;
    assert_eq!(xml.status, 200, "{xml:?}");
    same_document(
        &xml.xml(),
        "services",
        &[("services", "service")],
        &json.json(),
    );
}

pub async fn service_definitions_list_typed_attributes(app: TestApp) {
    for category in &app.state.org.categories {
        let json = get(&app, &format!("services/{}.json", category.code)).await;
        assert_eq!(json.status, 200, "{json:?}");
        let definition = json.json();
        valid("service_definition", &definition);
        assert_eq!(definition["service_code"], category.code.as_str());
        let attributes = definition["attributes"].as_array().unwrap();
        let codes: Vec<&str> = attributes
            .iter()
            .map(|a| a["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["urgency", "kind"]);
        let urgency = &attributes[0];
        assert_eq!(urgency["datatype"], "singlevaluelist");
        assert_eq!(urgency["required"], false);
        let keys: Vec<&str> = urgency["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["key"].as_str().unwrap())
            .collect();
        assert_eq!(keys, ["emergency", "utility", "ordinary", "complex"]);
        let default = category.default_urgency.as_str();
        let described = urgency["datatype_description"].as_str().unwrap();
        assert!(
            described.contains(&format!("default {default}")),
            "{described}"
        );

        let xml = get(&app, &format!("services/{}.xml", category.code)).await;
        assert_eq!(xml.status, 200, "{xml:?}");
        let items = [("attributes", "attribute"), ("values", "value")];
        same_document(&xml.xml(), "service_definition", &items, &definition);
    }
}
