//! Rewrites OpenAPI 3.1 schema forms into the 3.0 forms `openapiv3` can read.
//!
//! `openapiv3` models OpenAPI 3.0. Some 3.1 (JSON Schema 2020-12) forms make it fail outright
//! (`type: [string, "null"]`, numeric `exclusiveMinimum`), others it reads into the wrong shape
//! (`{type: 'null'}` becomes an untyped schema, `$ref` drops its siblings). This pass works on the
//! untyped tree, before `openapiv3` sees it, so that one internal form remains:
//!
//! | 3.1 form                                | rewritten to                                    |
//! |-----------------------------------------|-------------------------------------------------|
//! | `type: [T, "null"]`                     | `type: T, nullable: true`                       |
//! | `type: [A, B]`                          | `anyOf: [{type: A}, {type: B}]`                 |
//! | `{type: 'null'}` alone                  | `{x-null: true}` (read as the unit type)        |
//! | `anyOf`/`oneOf` with a null member      | the other members, `nullable: true`             |
//! | `const: v`                              | `enum: [v]`                                     |
//! | `exclusiveMinimum: 5`                   | `minimum: 5, exclusiveMinimum: true`            |
//! | `$ref` with sibling keywords            | `allOf: [{$ref}]` plus the siblings             |
//! | `$defs` inside a schema                 | moved to `components/schemas`, refs rewritten   |
//! | boolean schemas `true` / `false`        | `{}` / `{not: {}}`                              |

use serde_json::{Map, Value};

use crate::error::{pointer, Error};

/// The extension that marks a schema whose only value is `null`.
pub const NULL_MARKER: &str = "x-null";

/// Applies every 3.1 rewrite to the whole document.
pub fn rewrite_31(tree: &mut Value) -> Result<(), Error> {
    let Some(root) = tree.as_object_mut() else {
        return Err(Error::new("#", "the document is not a mapping"));
    };
    // 3.1 lets a document have only webhooks or components; `openapiv3` needs `paths`.
    root.entry("paths")
        .or_insert_with(|| Value::Object(Map::new()));
    // 3.1 makes `responses` optional, and adds security scheme types 3.0 does not know
    // (`mutualTLS`); `openapiv3` requires the first and rejects the second.
    if let Some(Value::Object(paths)) = root.get_mut("paths") {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for (key, operation) in item.iter_mut() {
                if let (true, Value::Object(operation)) =
                    (crate::HTTP_METHODS.contains(&key.as_str()), operation)
                {
                    operation
                        .entry("responses")
                        .or_insert_with(|| Value::Object(Map::new()));
                }
            }
        }
    }
    let schemes = root
        .get_mut("components")
        .and_then(|c| c.get_mut("securitySchemes"));
    if let Some(Value::Object(schemes)) = schemes {
        schemes.retain(|_, scheme| scheme.get("type").and_then(Value::as_str) != Some("mutualTLS"));
    }

    let moved = hoist_defs(tree)?;
    if !moved.is_empty() {
        rewrite_refs(tree, &moved);
    }
    walk(tree, "#")
}

/// Visits the document outside schemas, rewriting every schema it finds.
fn walk(value: &mut Value, location: &str) -> Result<(), Error> {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                let here = pointer(location, key);
                match key.as_str() {
                    // Examples are data, not description: a key named `schema` there is a value.
                    "example" | "examples" => {}
                    key if key.starts_with("x-") => {}
                    "schema" => rewrite_schema(child, &here)?,
                    "schemas" => {
                        if let Value::Object(schemas) = child {
                            for (name, schema) in schemas.iter_mut() {
                                rewrite_schema(schema, &pointer(&here, name))?;
                            }
                        }
                    }
                    _ => walk(child, &here)?,
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                walk(item, &pointer(location, &index.to_string()))?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Rewrites one schema and, depth first, every schema inside it.
fn rewrite_schema(value: &mut Value, location: &str) -> Result<(), Error> {
    let map = match value {
        Value::Bool(true) => {
            *value = Value::Object(Map::new());
            return Ok(());
        }
        Value::Bool(false) => {
            *value = serde_json::json!({ "not": {} });
            return Ok(());
        }
        Value::Object(map) => map,
        _ => {
            return Err(Error::new(
                location,
                "a schema must be a mapping or a boolean",
            ))
        }
    };

    rewrite_ref_siblings(map);
    rewrite_type_array(map, location)?;
    if let Some(constant) = map.remove("const") {
        map.entry("enum")
            .or_insert_with(|| Value::Array(vec![constant]));
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(limit @ Value::Number(_)) = map.get(exclusive).cloned() {
            map.insert(bound.to_owned(), limit);
            map.insert(exclusive.to_owned(), Value::Bool(true));
        }
    }
    // 2020-12 tuples (`prefixItems`, or `items` as a list in older drafts) have no 3.0 form; the
    // items become untyped rather than failing the whole document.
    if matches!(map.get("items"), Some(Value::Array(_))) {
        map.insert("items".to_owned(), Value::Object(Map::new()));
    }

    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = map.get_mut(key) {
            if key == "additionalProperties" && child.is_boolean() {
                continue;
            }
            rewrite_schema(child, &pointer(location, key))?;
        }
    }
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        let here = pointer(location, "properties");
        for (name, child) in properties.iter_mut() {
            rewrite_schema(child, &pointer(&here, name))?;
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(members)) = map.get_mut(key) {
            let here = pointer(location, key);
            for (index, member) in members.iter_mut().enumerate() {
                rewrite_schema(member, &pointer(&here, &index.to_string()))?;
            }
        }
    }

    lift_null_members(map);
    Ok(())
}

/// `type: [T, "null"]` becomes `type: T, nullable: true`; several types become an `anyOf`.
fn rewrite_type_array(map: &mut Map<String, Value>, location: &str) -> Result<(), Error> {
    let types: Vec<String> = match map.get("type") {
        Some(Value::String(name)) => vec![name.clone()],
        Some(Value::Array(names)) => {
            let mut out = Vec::with_capacity(names.len());
            for name in names {
                match name {
                    Value::String(name) if !out.contains(name) => out.push(name.clone()),
                    Value::String(_) => {}
                    _ => {
                        return Err(Error::new(
                            pointer(location, "type"),
                            "types must be strings",
                        ))
                    }
                }
            }
            out
        }
        Some(_) => {
            return Err(Error::new(
                pointer(location, "type"),
                "`type` must be a string",
            ))
        }
        None => return Ok(()),
    };

    let nullable = types.iter().any(|name| name == "null");
    let others: Vec<&String> = types.iter().filter(|name| *name != "null").collect();
    if nullable {
        map.insert("nullable".to_owned(), Value::Bool(true));
    }
    match others.as_slice() {
        [] => {
            map.remove("type");
            if !map.contains_key("anyOf") && !map.contains_key("oneOf") {
                map.insert(NULL_MARKER.to_owned(), Value::Bool(true));
            }
        }
        [single] => {
            map.insert("type".to_owned(), Value::String((*single).clone()));
        }
        several => {
            let members = several
                .iter()
                .map(|name| serde_json::json!({ "type": name }))
                .collect();
            map.remove("type");
            map.insert("anyOf".to_owned(), Value::Array(members));
        }
    }
    Ok(())
}

/// Whether a (rewritten) schema admits only `null`.
fn is_null_schema(value: &Value) -> bool {
    let Some(map) = value.as_object() else {
        return false;
    };
    map.get(NULL_MARKER) == Some(&Value::Bool(true))
        || map
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|v| v == &[Value::Null])
}

/// Removes null members from `anyOf`/`oneOf`, marking the schema nullable instead; a single
/// remaining member replaces the combinator, so `anyOf: [string, null]` is a nullable string.
fn lift_null_members(map: &mut Map<String, Value>) {
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(members)) = map.get_mut(key) else {
            continue;
        };
        let before = members.len();
        members.retain(|member| !is_null_schema(member));
        if members.len() == before {
            continue;
        }
        map.insert("nullable".to_owned(), Value::Bool(true));
        let remaining = match map.get(key) {
            Some(Value::Array(members)) => members.clone(),
            _ => Vec::new(),
        };
        match remaining.as_slice() {
            [] => {
                map.remove(key);
                map.insert(NULL_MARKER.to_owned(), Value::Bool(true));
            }
            [Value::Object(member)] => {
                map.remove(key);
                if member.contains_key("$ref") {
                    map.insert(
                        "allOf".to_owned(),
                        Value::Array(vec![Value::Object(member.clone())]),
                    );
                } else {
                    // The outer schema's own title and description describe the property best.
                    for (name, value) in member {
                        if name == "nullable" {
                            continue;
                        }
                        map.entry(name.clone()).or_insert_with(|| value.clone());
                    }
                }
            }
            _ => {}
        }
    }
}

/// In 3.1 `$ref` may have siblings (`description`, `nullable` via `anyOf`, defaults...);
/// `openapiv3` would drop them, so the reference moves into a one-member `allOf`.
fn rewrite_ref_siblings(map: &mut Map<String, Value>) {
    if map.len() < 2 {
        return;
    }
    if let Some(reference) = map.remove("$ref") {
        let member = serde_json::json!({ "$ref": reference });
        match map.get_mut("allOf") {
            Some(Value::Array(members)) => members.insert(0, member),
            _ => {
                map.insert("allOf".to_owned(), Value::Array(vec![member]));
            }
        }
    }
}

/// Moves `$defs` found inside component schemas to `components/schemas`, returning the map from
/// each old pointer to its new one. Names that are taken get a numeric suffix.
fn hoist_defs(tree: &mut Value) -> Result<Vec<(String, String)>, Error> {
    let Some(schemas) = tree
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    for (name, schema) in schemas.iter_mut() {
        collect_defs(
            schema,
            &format!("#/components/schemas/{}", escape(name)),
            &mut found,
        );
    }
    Ok(add_schemas(schemas, found))
}

/// Adds schemas to `components/schemas` under their wanted names (with a numeric suffix when
/// taken), returning each old pointer with the pointer of its new home.
fn add_schemas(
    schemas: &mut Map<String, Value>,
    found: Vec<(String, String, Value)>,
) -> Vec<(String, String)> {
    let mut moved = Vec::new();
    for (old, wanted, schema) in found {
        let mut name = wanted.clone();
        let mut n = 2;
        while schemas.contains_key(&name) {
            name = format!("{wanted}{n}");
            n += 1;
        }
        moved.push((old, format!("#/components/schemas/{}", escape(&name))));
        schemas.insert(name, schema);
    }
    moved
}

/// Gives every schema that a `$ref` reaches by a deep pointer (into another schema's
/// properties, or into an operation) a name of its own in `components/schemas`, so that every
/// reference the model sees names a component. Runs for 3.0 and 3.1 alike.
pub fn name_deep_refs(tree: &mut Value) {
    let mut targets = Vec::new();
    collect_refs(tree, &mut targets);
    targets.sort();
    targets.dedup();
    let mut found = Vec::new();
    for target in targets {
        let Some(pointer) = target.strip_prefix('#') else {
            continue;
        };
        let tokens: Vec<String> = pointer
            .split('/')
            .skip(1)
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect();
        let is_component = tokens.len() == 3 && tokens[0] == "components" && tokens[1] == "schemas";
        let is_schema = tokens.iter().any(|t| t == "schema" || t == "schemas");
        if is_component || !is_schema {
            continue;
        }
        if let Some(schema) = tree.pointer(pointer) {
            found.push((target.clone(), deep_ref_name(&tokens), schema.clone()));
        }
    }
    if found.is_empty() {
        return;
    }
    let Some(root) = tree.as_object_mut() else {
        return;
    };
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(components) = components.as_object_mut() else {
        return;
    };
    let schemas = components
        .entry("schemas")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(schemas) = schemas.as_object_mut() else {
        return;
    };
    let moved = add_schemas(schemas, found);
    rewrite_refs(tree, &moved);
}

/// A name for a deeply referenced schema: the pointer's words without schema keywords, so
/// `Event/properties/type` becomes `Event type`.
fn deep_ref_name(tokens: &[String]) -> String {
    const KEYWORDS: [&str; 13] = [
        "components",
        "schemas",
        "schema",
        "properties",
        "items",
        "allOf",
        "anyOf",
        "oneOf",
        "additionalProperties",
        "content",
        "paths",
        "responses",
        "requestBody",
    ];
    let words: Vec<&str> = tokens
        .iter()
        .map(String::as_str)
        .filter(|t| !KEYWORDS.contains(t) && !t.chars().all(|c| c.is_ascii_digit()))
        .collect();
    words.join(" ")
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                out.push(target.clone());
            }
            for (key, child) in map {
                if key != "example" && key != "examples" {
                    collect_refs(child, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, out)),
        _ => {}
    }
}

fn collect_defs(schema: &mut Value, location: &str, found: &mut Vec<(String, String, Value)>) {
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    if let Some(Value::Object(defs)) = map.remove("$defs") {
        for (name, mut def) in defs {
            let here = format!("{location}/$defs/{}", escape(&name));
            collect_defs(&mut def, &here, found);
            found.push((here, name, def));
        }
    }
    for (key, child) in map.iter_mut() {
        if key == "properties" {
            if let Value::Object(properties) = child {
                for (name, property) in properties.iter_mut() {
                    let here = format!("{location}/properties/{}", escape(name));
                    collect_defs(property, &here, found);
                }
            }
        } else if matches!(key.as_str(), "items" | "additionalProperties" | "not") {
            collect_defs(child, &format!("{location}/{key}"), found);
        }
    }
}

/// Rewrites every `$ref` whose target moved.
fn rewrite_refs(value: &mut Value, moved: &[(String, String)]) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get_mut("$ref") {
                if let Some((_, new)) = moved.iter().find(|(old, _)| old == target) {
                    *target = new.clone();
                }
            }
            for child in map.values_mut() {
                rewrite_refs(child, moved);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rewrite_refs(item, moved)),
        _ => {}
    }
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema(value: Value) -> Value {
        let mut doc = json!({ "openapi": "3.1.0", "components": { "schemas": { "S": value } } });
        rewrite_31(&mut doc).unwrap();
        doc["components"]["schemas"]["S"].clone()
    }

    #[test]
    fn any_of_with_null_becomes_nullable() {
        let out =
            schema(json!({ "anyOf": [{ "type": "string" }, { "type": "null" }], "title": "Key" }));
        assert_eq!(
            out,
            json!({ "type": "string", "nullable": true, "title": "Key" })
        );
    }

    #[test]
    fn null_ref_member_keeps_the_reference() {
        let out =
            schema(json!({ "oneOf": [{ "$ref": "#/components/schemas/A" }, { "type": "null" }] }));
        assert_eq!(
            out,
            json!({ "allOf": [{ "$ref": "#/components/schemas/A" }], "nullable": true })
        );
    }

    #[test]
    fn type_arrays_are_split() {
        assert_eq!(
            schema(json!({ "type": ["integer", "null"] })),
            json!({ "type": "integer", "nullable": true })
        );
        assert_eq!(
            schema(json!({ "type": ["string", "integer"] })),
            json!({ "anyOf": [{ "type": "string" }, { "type": "integer" }] })
        );
        assert_eq!(
            schema(json!({ "type": "null" })),
            json!({ "nullable": true, "x-null": true })
        );
    }

    #[test]
    fn const_and_exclusive_bounds() {
        assert_eq!(schema(json!({ "const": "a" })), json!({ "enum": ["a"] }));
        assert_eq!(
            schema(json!({ "type": "number", "exclusiveMinimum": 0 })),
            json!({ "type": "number", "minimum": 0, "exclusiveMinimum": true })
        );
    }

    #[test]
    fn ref_siblings_move_into_all_of() {
        let out = schema(json!({ "$ref": "#/components/schemas/A", "description": "d" }));
        assert_eq!(
            out,
            json!({ "allOf": [{ "$ref": "#/components/schemas/A" }], "description": "d" })
        );
    }

    #[test]
    fn nested_schemas_are_rewritten() {
        let out =
            schema(json!({ "properties": { "a": { "items": { "type": ["string", "null"] } } } }));
        assert_eq!(
            out["properties"]["a"]["items"],
            json!({ "type": "string", "nullable": true })
        );
    }

    #[test]
    fn defs_move_to_components() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "components": { "schemas": { "S": {
                "properties": { "a": { "$ref": "#/components/schemas/S/$defs/Inner" } },
                "$defs": { "Inner": { "type": "string" } }
            } } }
        });
        rewrite_31(&mut doc).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["Inner"],
            json!({ "type": "string" })
        );
        assert_eq!(
            doc["components"]["schemas"]["S"]["properties"]["a"]["$ref"],
            "#/components/schemas/Inner"
        );
    }

    #[test]
    fn deep_refs_get_component_names() {
        let mut doc = json!({
            "components": { "schemas": {
                "Event": { "properties": { "type": { "enum": ["a", "b"] } } },
                "Request": { "properties": { "kind": { "$ref": "#/components/schemas/Event/properties/type" } } }
            } }
        });
        name_deep_refs(&mut doc);
        assert_eq!(
            doc["components"]["schemas"]["Event type"],
            json!({ "enum": ["a", "b"] })
        );
        assert_eq!(
            doc["components"]["schemas"]["Request"]["properties"]["kind"]["$ref"],
            "#/components/schemas/Event type"
        );
    }

    #[test]
    fn a_bad_type_names_its_location() {
        let mut doc = json!({ "components": { "schemas": { "S": { "properties": { "p": { "type": 5 } } } } } });
        let error = rewrite_31(&mut doc).unwrap_err();
        assert_eq!(error.location, "#/components/schemas/S/properties/p/type");
    }
}
