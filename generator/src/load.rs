//! Loading: YAML or JSON text → untyped tree → version check → 3.1 rewrite → `openapiv3` types.

use openapiv3::OpenAPI;
use serde_json::{Map, Value};

use crate::error::{pointer, Error};
use crate::normalize;

/// The OpenAPI major/minor version of a document, which decides how its schemas are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// OpenAPI 3.0.x: JSON Schema draft-05 subset with `nullable`.
    V3_0,
    /// OpenAPI 3.1.x: JSON Schema 2020-12 (`type` arrays, `const`, `{type: 'null'}`).
    V3_1,
}

/// A parsed document: the typed form and the untyped tree it came from.
#[derive(Debug, Clone)]
pub struct Document {
    /// The OpenAPI version the document declares.
    pub version: Version,
    /// The document after 3.1 forms were rewritten into their 3.0 equivalents.
    pub api: OpenAPI,
}

/// Parses YAML (and therefore JSON) text into an untyped tree with string keys only.
pub fn parse(text: &str) -> Result<Value, Error> {
    let mut yaml: serde_yaml::Value =
        serde_yaml::from_str(text).map_err(|e| Error::new("", format!("not valid YAML: {e}")))?;
    yaml.apply_merge()
        .map_err(|e| Error::new("", format!("invalid YAML merge key: {e}")))?;
    to_json(yaml, "#")
}

/// Parses, checks and rewrites a document; the one entry point most callers need.
pub fn load(text: &str) -> Result<Document, Error> {
    let mut tree = parse(text)?;
    let version = check_version(&tree)?;
    if version == Version::V3_1 {
        normalize::rewrite_31(&mut tree)?;
    }
    normalize::name_deep_refs(&mut tree);
    let api = deserialize(tree)?;
    Ok(Document { version, api })
}

/// Reads the `openapi` field and refuses anything but 3.0.x and 3.1.x.
pub fn check_version(tree: &Value) -> Result<Version, Error> {
    let Some(root) = tree.as_object() else {
        return Err(Error::new("#", "the document is not a mapping"));
    };
    if root.contains_key("swagger") {
        return Err(Error::new(
            "#/swagger",
            "Swagger 2.0 is not supported; convert the document to OpenAPI 3 first",
        ));
    }
    let version = match root.get("openapi") {
        Some(Value::String(version)) => version,
        Some(_) => return Err(Error::new("#/openapi", "the version must be a string")),
        None => return Err(Error::new("#", "missing `openapi` version field")),
    };
    let mut parts = version.split('.');
    match (parts.next(), parts.next()) {
        (Some("3"), Some("0")) => Ok(Version::V3_0),
        (Some("3"), Some("1")) => Ok(Version::V3_1),
        _ => Err(Error::new(
            "#/openapi",
            format!("unsupported OpenAPI version `{version}`; expected 3.0.x or 3.1.x"),
        )),
    }
}

/// Deserializes the rewritten tree, reporting the JSON pointer of the first field that fails.
fn deserialize(tree: Value) -> Result<OpenAPI, Error> {
    match serde_path_to_error::deserialize::<_, OpenAPI>(&tree) {
        Ok(api) => Ok(api),
        // `openapiv3` flattens maps (paths, responses, extensions), which hides the failing
        // entry from the path tracker; checking the parts one by one finds it again.
        Err(e) => Err(refine(&tree).unwrap_or_else(|| path_error("#", &e))),
    }
}

fn path_error<E: std::fmt::Display>(base: &str, e: &serde_path_to_error::Error<E>) -> Error {
    use serde_path_to_error::Segment;
    let mut location = base.to_owned();
    for segment in e.path().iter() {
        match segment {
            Segment::Seq { index } => location = pointer(&location, &index.to_string()),
            Segment::Map { key } => location = pointer(&location, key),
            Segment::Enum { variant } => location = pointer(&location, variant),
            Segment::Unknown => {}
        }
    }
    Error::new(
        location,
        format!("not a valid OpenAPI document: {}", e.inner()),
    )
}

/// Deserializes one part of the document as `T`, returning the error with its full location.
fn check_part<T: serde::de::DeserializeOwned>(value: &Value, location: &str) -> Option<Error> {
    serde_path_to_error::deserialize::<_, T>(value)
        .err()
        .map(|e| path_error(location, &e))
}

/// Checks one part of the document, as [`check_part`] does for a given type.
type PartCheck = fn(&Value, &str) -> Option<Error>;

/// The entries of a mapping, or none when `value` is absent or not a mapping.
fn entries(value: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    value.and_then(Value::as_object).into_iter().flatten()
}

/// Finds the innermost part of the document that does not deserialize.
fn refine(tree: &Value) -> Option<Error> {
    use openapiv3::{Header, Operation, Parameter, PathItem, RequestBody, Response, Schema};
    use openapiv3::{ReferenceOr, SecurityScheme};

    for (path, item) in entries(tree.get("paths")) {
        let base = pointer("#/paths", path);
        for (key, value) in entries(Some(item)) {
            let here = pointer(&base, key);
            let found = match key.as_str() {
                "parameters" => check_part::<Vec<ReferenceOr<Parameter>>>(value, &here),
                method if crate::HTTP_METHODS.contains(&method) => {
                    refine_operation(value, &here).or_else(|| check_part::<Operation>(value, &here))
                }
                _ => None,
            };
            if found.is_some() {
                return found;
            }
        }
        if let Some(error) = check_part::<ReferenceOr<PathItem>>(item, &base) {
            return Some(error);
        }
    }

    let components = tree.get("components");
    let sections: [(&str, PartCheck); 6] = [
        ("schemas", check_part::<ReferenceOr<Schema>>),
        ("parameters", check_part::<ReferenceOr<Parameter>>),
        ("responses", check_part::<ReferenceOr<Response>>),
        ("requestBodies", check_part::<ReferenceOr<RequestBody>>),
        ("headers", check_part::<ReferenceOr<Header>>),
        ("securitySchemes", check_part::<ReferenceOr<SecurityScheme>>),
    ];
    for (section, check) in sections {
        let base = pointer("#/components", section);
        for (name, value) in entries(components.and_then(|c| c.get(section))) {
            if let Some(error) = check(value, &pointer(&base, name)) {
                return Some(error);
            }
        }
    }
    None
}

fn refine_operation(operation: &Value, location: &str) -> Option<Error> {
    use openapiv3::{Parameter, ReferenceOr, RequestBody, Response};

    if let Some(Value::Array(parameters)) = operation.get("parameters") {
        let base = pointer(location, "parameters");
        for (index, parameter) in parameters.iter().enumerate() {
            let here = pointer(&base, &index.to_string());
            if let Some(error) = check_part::<ReferenceOr<Parameter>>(parameter, &here) {
                return Some(error);
            }
        }
    }
    if let Some(body) = operation.get("requestBody") {
        let here = pointer(location, "requestBody");
        if let Some(error) = check_part::<ReferenceOr<RequestBody>>(body, &here) {
            return Some(error);
        }
    }
    if let Some(Value::Object(responses)) = operation.get("responses") {
        let base = pointer(location, "responses");
        for (status, response) in responses {
            let here = pointer(&base, status);
            if let Some(error) = check_part::<ReferenceOr<Response>>(response, &here) {
                return Some(error);
            }
        }
    }
    None
}

/// Converts YAML to JSON values. YAML allows number and boolean keys (`204:` for a response);
/// OpenAPI means them as strings, so scalar keys are stringified and other keys refused.
fn to_json(value: serde_yaml::Value, location: &str) -> Result<Value, Error> {
    use serde_yaml::Value as Y;
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                match serde_json::Number::from_f64(f) {
                    Some(number) => Value::Number(number),
                    None => return Err(Error::new(location, "numbers must be finite")),
                }
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| to_json(item, &pointer(location, &i.to_string())))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(mapping) => {
            let mut object = Map::new();
            for (key, item) in mapping {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    _ => return Err(Error::new(location, "mapping keys must be scalars")),
                };
                let item = to_json(item, &pointer(location, &key))?;
                object.insert(key, item);
            }
            Value::Object(object)
        }
        Y::Tagged(tagged) => to_json(tagged.value, location)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_keys_become_strings() {
        let tree = parse("responses:\n  204: {description: ok}\n").unwrap();
        assert!(tree["responses"]["204"].is_object());
    }

    #[test]
    fn json_text_is_read_too() {
        let tree = parse(r#"{"openapi": "3.0.3", "x": [1, 2]}"#).unwrap();
        assert_eq!(tree["x"][1], 2);
    }

    #[test]
    fn versions_are_checked() {
        let check = |text: &str| check_version(&parse(text).unwrap());
        assert_eq!(check("openapi: 3.1.0"), Ok(Version::V3_1));
        assert_eq!(check("openapi: 3.0.3"), Ok(Version::V3_0));
        assert_eq!(
            check("openapi: 3.2.0").map_err(|e| e.location),
            Err("#/openapi".into())
        );
        assert_eq!(
            check("swagger: '2.0'").map_err(|e| e.location),
            Err("#/swagger".into())
        );
        assert_eq!(
            check("openapi: 3.1").map_err(|e| e.location),
            Err("#/openapi".into())
        );
        assert_eq!(check("[]").map_err(|e| e.location), Err("#".into()));
    }

    #[test]
    fn errors_inside_flattened_maps_are_located() {
        let text =
            "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      \
                    responses:\n        '200': {content: 5}\n";
        let error = load(text).unwrap_err();
        assert!(
            error.location.starts_with("#/paths/~1a/get/responses/200"),
            "{error}"
        );
        let text = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  \
                    schemas:\n    A: {properties: 3}\n";
        let error = load(text).unwrap_err();
        assert!(
            error.location.starts_with("#/components/schemas/A"),
            "{error}"
        );
    }

    #[test]
    fn invalid_documents_name_the_failing_field() {
        let text = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 7\n";
        let error = load(text).unwrap_err().location;
        assert_eq!(error, "#/paths/~1a/get/responses");
    }
}
