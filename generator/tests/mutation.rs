//! Robustness: thousands of randomly mutated specs never panic the generator, and every error
//! it returns names the place in the spec that is at fault.

use std::path::Path;

use generator::Config;
use proptest::prelude::*;
use serde_json::Value;

/// The specs mutations start from: the project's own and every fixture.
fn seeds() -> Vec<Value> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = vec![root.join("../specs/rotate-webhook-secret.openapi.yaml")];
    let mut fixtures: Vec<_> = std::fs::read_dir(root.join("tests/fixtures"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    fixtures.sort();
    paths.extend(fixtures);
    paths
        .iter()
        .map(|path| serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap())
        .collect()
}

/// Every node's JSON pointer, so a mutation can pick one uniformly.
fn pointers(value: &Value, here: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let token = key.replace('~', "~0").replace('/', "~1");
                pointers(child, format!("{here}/{token}"), out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                pointers(child, format!("{here}/{index}"), out);
            }
        }
        _ => {}
    }
    out.push(here);
}

/// Values that are plausible in an OpenAPI document, and values that are not.
fn replacement() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        prop_oneof![
            Just("string"),
            Just("integer"),
            Just("object"),
            Just("array"),
            Just("null"),
            Just("#/components/schemas/Missing"),
            Just("{id}"),
            Just("3.1.0"),
            Just(""),
            Just("application/json"),
            Just("multipart/form-data"),
            Just("uuid"),
        ]
        .prop_map(|s| Value::String(s.to_owned())),
        Just(serde_json::json!({ "type": ["string", "null"] })),
        Just(serde_json::json!({ "anyOf": [{ "type": "null" }] })),
        Just(serde_json::json!({ "$ref": "#/components/schemas/Nowhere" })),
        Just(serde_json::json!({ "allOf": [{ "$ref": "#/components/schemas/Nowhere" }] })),
        Just(
            serde_json::json!({ "type": "object", "properties": { "": {}, "type": { "const": 1 } } })
        ),
        Just(serde_json::json!({ "enum": ["", "", null, 1] })),
        Just(serde_json::json!([])),
        Just(serde_json::json!({})),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    Remove(prop::sample::Index),
    Replace(prop::sample::Index, Value),
    Rename(prop::sample::Index, String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<prop::sample::Index>().prop_map(Mutation::Remove),
        (any::<prop::sample::Index>(), replacement()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        (any::<prop::sample::Index>(), "[a-z{}/~ $-]{0,6}")
            .prop_map(|(i, s)| Mutation::Rename(i, s)),
    ]
}

fn apply(doc: &mut Value, mutation: &Mutation) {
    let mut all = Vec::new();
    pointers(doc, String::new(), &mut all);
    let pick = |index: &prop::sample::Index| all[index.index(all.len())].clone();
    match mutation {
        Mutation::Replace(index, value) => {
            if let Some(node) = doc.pointer_mut(&pick(index)) {
                *node = value.clone();
            }
        }
        Mutation::Remove(index) | Mutation::Rename(index, _) => {
            let target = pick(index);
            let Some((parent, token)) = target.rsplit_once('/') else {
                return;
            };
            let token = token.replace("~1", "/").replace("~0", "~");
            match doc.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    if let Some(value) = map.shift_remove(&token) {
                        if let Mutation::Rename(_, name) = mutation {
                            map.insert(name.clone(), value);
                        }
                    }
                }
                Some(Value::Array(items)) => {
                    if let Ok(index) = token.parse::<usize>() {
                        if index < items.len() {
                            items.remove(index);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_specs_never_panic_and_errors_have_locations(
        seed in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..4),
        as_json in any::<bool>(),
    ) {
        let seeds = seeds();
        let mut doc = seeds[seed.index(seeds.len())].clone();
        for mutation in &mutations {
            apply(&mut doc, mutation);
        }
        let text = if as_json {
            serde_json::to_string(&doc).unwrap()
        } else {
            serde_yaml::to_string(&doc).unwrap()
        };
        let config = Config {
            crate_name: "mutant".into(),
            spec_path: "mutant.yaml".into(),
            command: "test".into(),
        };
        if let Err(error) = generator::generate(&text, &config) {
            prop_assert!(error.location.starts_with('#'), "error without a location: {error}");
            prop_assert!(!error.message.is_empty());
        }
    }
}
