//! Synthetic OpenAPI specs of any size, shaped like the seed, for benchmarks.
//!
//! The same operations can be written as OpenAPI 3.1 (FastAPI's `anyOf` with `null`, `type`
//! arrays) or as the equivalent 3.0 (`nullable: true`), so generators that only read 3.0 can be
//! timed on the same input. This file has no dependencies so a bench crate outside the
//! workspace can include it with `#[path]`.

use std::fmt::Write as _;

/// Which OpenAPI version a synthetic spec is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// `openapi: 3.0.3`, nullability with `nullable: true`.
    V3_0,
    /// `openapi: 3.1.0`, nullability as FastAPI writes it.
    V3_1,
}

/// A spec of `operations` FastAPI-style operations shaped like the seed: typed path parameters,
/// a body with nullable properties, 204 and a 422 validation error, and one body schema per
/// operation so that types grow with the spec.
pub fn synthetic(operations: usize, version: Version) -> String {
    let (openapi, nullable_key, nullable_count) = match version {
        Version::V3_0 => (
            "3.0.3",
            "{type: string, nullable: true}",
            "{type: integer, nullable: true}",
        ),
        Version::V3_1 => (
            "3.1.0",
            "{anyOf: [{type: string}, {type: 'null'}]}",
            "{type: [integer, 'null']}",
        ),
    };
    let mut spec = format!(
        "openapi: {openapi}\ninfo: {{title: Synthetic, version: 1.0.0}}\n\
         servers: [{{url: 'https://example.com'}}]\nsecurity: [{{Key: []}}]\npaths:\n"
    );
    for i in 0..operations {
        let _ = write!(
            spec,
            "  /v1/org/{{org_id}}/env/{{environment}}/thing{i}/{{thing_id}}:\n    post:\n      \
             operationId: update_thing{i}_v1_org__org_id__env__environment__thing{i}__thing_id__post\n      \
             summary: Update thing {i}\n      parameters:\n        \
             - {{name: org_id, in: path, required: true, schema: {{type: string, format: uuid}}}}\n        \
             - {{name: environment, in: path, required: true, schema: {{$ref: '#/components/schemas/Env'}}}}\n        \
             - {{name: thing_id, in: path, required: true, schema: {{type: string}}}}\n      \
             requestBody:\n        required: true\n        content:\n          application/json:\n            \
             schema: {{$ref: '#/components/schemas/Body{i}'}}\n      responses:\n        \
             '204': {{description: Done}}\n        '422':\n          description: Validation Error\n          \
             content:\n            application/json:\n              \
             schema: {{$ref: '#/components/schemas/HTTPValidationError'}}\n"
        );
    }
    spec.push_str(
        "components:\n  securitySchemes:\n    Key: {type: apiKey, in: header, name: X-Key}\n  schemas:\n    \
         Env: {type: string, enum: [production, sandbox]}\n    HTTPValidationError:\n      type: object\n      \
         properties:\n        detail: {type: array, items: {$ref: '#/components/schemas/ValidationError'}}\n    \
         ValidationError:\n      type: object\n      required: [loc, msg, type]\n      properties:\n        \
         loc: {type: array, items: {anyOf: [{type: string}, {type: integer}]}}\n        \
         msg: {type: string}\n        type: {type: string}\n",
    );
    for i in 0..operations {
        let _ = writeln!(
            spec,
            "    Body{i}:\n      type: object\n      required: [name]\n      properties:\n        \
             name: {{type: string}}\n        key: {nullable_key}\n        count: {nullable_count}"
        );
    }
    spec
}
