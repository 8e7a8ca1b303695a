//! Rust names for spec names: case conversion, keyword escaping and de-duplication.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words Rust reserves in any edition the generated code may be built with.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Names the generated crate itself defines at its root or in `types`, which types must avoid.
const RESERVED_TYPES: &[&str] = &[
    "Self",
    "Client",
    "ClientBuilder",
    "Error",
    "Body",
    "BuildError",
    "ParseEnumError",
    "Option",
    "Result",
    "String",
    "Vec",
    "Box",
    "Value",
    "Map",
    "BTreeMap",
    "Uuid",
];

/// Replaces everything but ASCII letters and digits with spaces, spelling out a few symbols
/// that would otherwise leave nothing to tell values like `+1` and `-1` apart.
fn words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            c if c.is_ascii_alphanumeric() => out.push(c),
            '+' => out.push_str(" plus "),
            '-' if out.trim().is_empty() => out.push_str(" minus "),
            '*' => out.push_str(" star "),
            '@' => out.push_str(" at "),
            _ => out.push(' '),
        }
    }
    out
}

/// An `UpperCamelCase` type or variant name; never empty, never starting with a digit.
pub fn type_name(raw: &str) -> String {
    let mut name = words(raw).to_upper_camel_case();
    if name.is_empty() {
        name.push_str("Empty");
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if RESERVED_TYPES.contains(&name.as_str()) {
        name.push_str("Type");
    }
    name
}

/// A `snake_case` field, method or parameter name, escaped when it is a keyword.
pub fn value_name(raw: &str) -> String {
    let mut name = words(raw).to_snake_case();
    if name.is_empty() {
        name.push_str("value");
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'n');
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// The name FastAPI-style generators wrote the operation id from, when it can be recovered.
///
/// FastAPI's default operation id is `{function}{path with non-word characters as _}_{method}`.
/// When the id ends with exactly that suffix for this operation's own path and method, the
/// function name is what the API's authors chose; anything else is kept whole.
pub fn operation_name(operation_id: &str, path: &str, method: &str) -> String {
    let mut suffix: String = path
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    suffix.push('_');
    suffix.push_str(&method.to_ascii_lowercase());
    match operation_id.strip_suffix(&suffix) {
        Some(function) if !function.is_empty() => function.to_owned(),
        _ => operation_id.to_owned(),
    }
}

/// A name for an operation that has no `operationId`: its method and path words.
pub fn fallback_operation_name(path: &str, method: &str) -> String {
    let mut raw = method.to_ascii_lowercase();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        raw.push(' ');
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => {
                raw.push_str("by ");
                raw.push_str(param);
            }
            None => raw.push_str(segment),
        }
    }
    raw
}

/// Hands out names that are unique within one scope by appending 2, 3, ... to repeats.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope in which `names` are already taken.
    pub fn with_taken<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        Self {
            taken: names.into_iter().map(str::to_owned).collect(),
        }
    }

    /// Returns `name`, or the first free `name2`, `name3`, ..., and marks it taken.
    /// The result is unique even when `name` itself ends in a digit.
    pub fn claim(&mut self, name: &str) -> String {
        let mut candidate = name.to_owned();
        let mut n = 2;
        while self.taken.contains(&candidate) {
            candidate = format!("{name}{n}");
            n += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fastapi_ids_lose_their_path_suffix() {
        let id = "read_invoice_v2_shop__shop_id___region__invoice__invoice_id__lines_get";
        let path = "/v2/shop/{shop_id}/{region}/invoice/{invoice_id}/lines";
        assert_eq!(operation_name(id, path, "get"), "read_invoice");
    }

    #[test]
    fn ids_that_do_not_match_their_path_stay_whole() {
        assert_eq!(
            operation_name("list_items_v1_other_get", "/v1/items", "get"),
            "list_items_v1_other_get"
        );
        assert_eq!(operation_name("getPets", "/pets", "get"), "getPets");
        assert_eq!(operation_name("_pets_get", "/pets", "get"), "_pets_get");
    }

    #[test]
    fn keywords_and_symbols() {
        assert_eq!(value_name("type"), "type_");
        assert_eq!(value_name("self"), "self_");
        assert_eq!(value_name("gen"), "gen_");
        assert_eq!(value_name("X-Request-Id"), "x_request_id");
        assert_eq!(value_name("2fa"), "n2fa");
        assert_eq!(value_name(""), "value");
        assert_eq!(type_name("HTTPServerError"), "HttpServerError");
        assert_eq!(type_name("+1"), "Plus1");
        assert_eq!(type_name("-1"), "Minus1");
        assert_eq!(type_name("a-b"), "AB");
        assert_eq!(type_name(""), "Empty");
        assert_eq!(type_name("1x"), "V1x");
        assert_eq!(type_name("Error"), "ErrorType");
    }

    #[test]
    fn fallback_names_use_method_and_path() {
        assert_eq!(
            value_name(&fallback_operation_name("/pets/{petId}", "GET")),
            "get_pets_by_pet_id"
        );
    }

    #[test]
    fn scopes_number_repeats() {
        let mut scope = Scope::default();
        assert_eq!(scope.claim("Pet"), "Pet");
        assert_eq!(scope.claim("Pet"), "Pet2");
        assert_eq!(scope.claim("Pet"), "Pet3");
        assert_eq!(scope.claim("V1"), "V1");
        assert_eq!(scope.claim("V1"), "V12");
        assert_eq!(scope.claim("V12"), "V122");
    }
}
