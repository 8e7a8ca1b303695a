//! The intermediate model: every type and operation the client will have, named and ordered,
//! with nothing left to look up in the document.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use openapiv3::{
    APIKeyLocation, Components, OpenAPI, Operation as SpecOperation, Parameter,
    ParameterSchemaOrContent, ReferenceOr, RequestBody, Response as SpecResponse, SecurityScheme,
    StatusCode,
};

use crate::error::{pointer, Error, Warning};
use crate::load::Document;
use crate::naming::{self, Scope};
use crate::schema::{Docs, Registry, Ty, TypeDef};

/// Everything the emitter needs, in a stable order.
#[derive(Debug, Clone)]
pub struct Model {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// The first server URL, used as the default base URL.
    pub default_server: Option<String>,
    /// Named types, sorted by name.
    pub types: BTreeMap<String, TypeDef>,
    /// Operations in document order (path, then method).
    pub operations: Vec<Operation>,
    /// Security schemes the client can be given credentials for, sorted by name.
    pub auth: Vec<Auth>,
    /// Fallbacks the generator took.
    pub warnings: Vec<Warning>,
}

/// One operation, as one async method on the client.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The method name.
    pub name: String,
    /// The `operationId`, when the spec gives one.
    pub operation_id: Option<String>,
    /// The name of the type of optional parameters, when there are any besides the path ones.
    pub params_type: Option<String>,
    /// The name of the enum of success values, when documented successes differ in body type.
    pub response_type: Option<String>,
    /// The name of the enum of error bodies, when documented errors differ in body type.
    pub error_type: Option<String>,
    /// The HTTP method, upper case.
    pub method: String,
    /// The path template, as in the spec.
    pub path: String,
    /// Where the operation is, as a JSON pointer.
    pub location: String,
    /// Summary and description.
    pub docs: Docs,
    /// Whether the operation is deprecated.
    pub deprecated: bool,
    /// The path as literal text and parameter indexes.
    pub path_parts: Vec<PathPart>,
    /// Every parameter, path ones first in template order.
    pub params: Vec<Param>,
    /// The request body, if any.
    pub body: Option<RequestBodyModel>,
    /// Documented success responses (2xx), in status order.
    pub success: Vec<ResponseModel>,
    /// Documented error responses (everything else, `default` last).
    pub errors: Vec<ResponseModel>,
    /// The security schemes that apply (indexes into [`Model::auth`]).
    pub auth: Vec<usize>,
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    /// Literal text, already percent-encoded where needed.
    Literal(String),
    /// The parameter at this index of [`Operation::params`].
    Param(usize),
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamIn {
    /// In the path.
    Path,
    /// In the query string.
    Query,
    /// In a header.
    Header,
    /// In the `Cookie` header.
    Cookie,
}

/// One parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// The Rust name.
    pub name: String,
    /// The name on the wire.
    pub original: String,
    /// Where it goes.
    pub location: ParamIn,
    /// The Rust type, without the `Option` for optional parameters.
    pub ty: Ty,
    /// Whether the caller must give it.
    pub required: bool,
    /// For arrays in the query: repeat the name for each item (`explode`), or join with commas.
    pub explode: bool,
    /// Documentation.
    pub docs: Docs,
}

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    /// `application/json` and other JSON media types.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`.
    Multipart,
    /// Raw bytes (`application/octet-stream` and anything not otherwise known).
    Bytes,
    /// `text/plain`.
    Text,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct RequestBodyModel {
    /// The Rust type.
    pub ty: Ty,
    /// The media type sent as `Content-Type`.
    pub media_type: String,
    /// How the body is encoded.
    pub encoding: BodyEncoding,
    /// Whether the body must be given.
    pub required: bool,
}

/// Which statuses a response covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    /// Exactly this status.
    Code(u16),
    /// Any status `n00..=n99`.
    Range(u16),
    /// Any status not otherwise documented.
    Default,
}

/// How a response body is read.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseBody {
    /// No body is documented.
    Empty,
    /// JSON decoded into this type.
    Json(Ty),
    /// Text, kept as a `String`.
    Text,
    /// Anything else, kept as bytes.
    Bytes,
}

/// One documented response.
#[derive(Debug, Clone)]
pub struct ResponseModel {
    /// The statuses it covers.
    pub status: StatusMatch,
    /// Its body.
    pub body: ResponseBody,
    /// Its description.
    pub description: String,
}

/// A way the client authenticates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auth {
    /// The scheme's name in the spec.
    pub scheme: String,
    /// The builder method and client field name.
    pub field: String,
    /// What is sent.
    pub kind: AuthKind,
    /// The scheme's description.
    pub description: Option<String>,
}

/// What a security scheme sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthKind {
    /// An API key in a header.
    Header(String),
    /// An API key in the query string.
    Query(String),
    /// An API key in a cookie.
    Cookie(String),
    /// `Authorization: Bearer <token>` (also used for OAuth 2 and OpenID Connect tokens).
    Bearer,
    /// `Authorization: Basic <credentials>`, given already encoded.
    Basic,
}

/// Builds the model of a loaded document.
pub fn build(document: &Document) -> Result<Model, Error> {
    let api = &document.api;
    let mut registry = Registry::new(api)?;
    let auth = security_schemes(api, &mut registry.warnings);
    let mut operations = Vec::new();

    for (path, item) in api.paths.iter() {
        let path_location = pointer("#/paths", path);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { .. } => {
                registry.warnings.push(Warning {
                    location: path_location,
                    message: "path item `$ref` is not supported; its operations are left out"
                        .into(),
                });
                continue;
            }
        };
        let operations_here = [
            &item.get,
            &item.put,
            &item.post,
            &item.delete,
            &item.options,
            &item.head,
            &item.patch,
            &item.trace,
        ];
        for (method, operation) in crate::HTTP_METHODS.iter().zip(operations_here) {
            let Some(operation) = operation else {
                continue;
            };
            let context = Context {
                api,
                path,
                method,
                location: pointer(&path_location, method),
            };
            operations.push(build_operation(
                &context,
                operation,
                &item.parameters,
                &mut registry,
                &auth,
            )?);
        }
    }

    name_operations(&mut operations)?;
    name_operation_types(&mut operations, &mut registry);

    let mut error_bodies = BTreeSet::new();
    for operation in &operations {
        for response in &operation.errors {
            if let ResponseBody::Json(Ty::Named(name)) = &response.body {
                error_bodies.insert(name.clone());
            }
        }
    }
    registry.finish(&error_bodies);

    Ok(Model {
        title: api.info.title.clone(),
        version: api.info.version.clone(),
        description: api.info.description.clone(),
        default_server: api.servers.first().and_then(default_server_url),
        types: registry.types,
        operations,
        auth,
        warnings: registry.warnings,
    })
}

/// The first server's URL with its variables at their defaults, when it is absolute.
fn default_server_url(server: &openapiv3::Server) -> Option<String> {
    let mut url = server.url.clone();
    for (name, variable) in server.variables.iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), &variable.default);
    }
    let absolute = url.starts_with("https://") || url.starts_with("http://");
    (absolute && !url.contains('{')).then_some(url)
}

struct Context<'a> {
    api: &'a OpenAPI,
    path: &'a str,
    method: &'a str,
    location: String,
}

fn build_operation(
    context: &Context<'_>,
    operation: &SpecOperation,
    shared: &[ReferenceOr<Parameter>],
    registry: &mut Registry<'_>,
    auth: &[Auth],
) -> Result<Operation, Error> {
    let location = &context.location;
    let hint = operation
        .operation_id
        .as_deref()
        .map(|id| naming::operation_name(id, context.path, context.method))
        .unwrap_or_else(|| naming::fallback_operation_name(context.path, context.method));

    // Operation parameters override path-item ones with the same name and location.
    let mut specs: Vec<(Parameter, String)> = Vec::new();
    for (index, parameter) in operation.parameters.iter().enumerate() {
        let here = pointer(&pointer(location, "parameters"), &index.to_string());
        specs.push((
            resolve(
                context.api,
                parameter,
                "parameters",
                |c| &c.parameters,
                &here,
            )?
            .clone(),
            here,
        ));
    }
    let path_item_location = pointer("#/paths", context.path);
    for (index, parameter) in shared.iter().enumerate() {
        let here = pointer(
            &pointer(&path_item_location, "parameters"),
            &index.to_string(),
        );
        let parameter = resolve(
            context.api,
            parameter,
            "parameters",
            |c| &c.parameters,
            &here,
        )?
        .clone();
        let data = parameter.parameter_data_ref();
        let overridden = specs.iter().any(|(p, _)| {
            p.parameter_data_ref().name == data.name
                && std::mem::discriminant(p) == std::mem::discriminant(&parameter)
        });
        if !overridden {
            specs.push((parameter, here));
        }
    }

    let (path_parts, path_order) = parse_template(context.path, &specs, location)?;
    let mut params = Vec::new();
    let mut scope = Scope::with_taken(["body", "params"]);
    let ordered = path_order
        .iter()
        .copied()
        .chain((0..specs.len()).filter(|index| !path_order.contains(index)));
    for index in ordered {
        let (parameter, here) = &specs[index];
        params.push(build_param(parameter, here, &hint, registry, &mut scope)?);
    }
    let path_parts = path_parts
        .into_iter()
        .map(|part| match part {
            PathPart::Param(spec_index) => PathPart::Param(
                path_order
                    .iter()
                    .position(|i| *i == spec_index)
                    .unwrap_or(0),
            ),
            literal => literal,
        })
        .collect();

    let body = match &operation.request_body {
        Some(body) => {
            let here = pointer(location, "requestBody");
            let body = resolve(
                context.api,
                body,
                "requestBodies",
                |c| &c.request_bodies,
                &here,
            )?;
            build_body(body, &here, &hint, registry)?
        }
        None => None,
    };

    let (success, errors) = build_responses(context.api, operation, location, &hint, registry)?;

    let requirements = operation
        .security
        .as_ref()
        .or(context.api.security.as_ref());
    let mut applied = Vec::new();
    for requirement in requirements.into_iter().flatten() {
        for scheme in requirement.keys() {
            if let Some(index) = auth.iter().position(|a| &a.scheme == scheme) {
                if !applied.contains(&index) {
                    applied.push(index);
                }
            }
        }
    }
    applied.sort_unstable();

    Ok(Operation {
        name: hint,
        operation_id: operation.operation_id.clone(),
        params_type: None,
        response_type: None,
        error_type: None,
        method: context.method.to_ascii_uppercase(),
        path: context.path.to_owned(),
        location: location.clone(),
        docs: Docs {
            summary: operation.summary.clone().filter(|s| !s.trim().is_empty()),
            details: operation
                .description
                .clone()
                .filter(|s| !s.trim().is_empty()),
        },
        deprecated: operation.deprecated,
        path_parts,
        params,
        body,
        success,
        errors,
        auth: applied,
    })
}

/// Follows a local `$ref` into `#/components/{section}`, through chains of references, to the
/// item it names.
fn resolve<'a, T>(
    api: &'a OpenAPI,
    item: &'a ReferenceOr<T>,
    section: &str,
    map: fn(&'a Components) -> &'a IndexMap<String, ReferenceOr<T>>,
    location: &str,
) -> Result<&'a T, Error> {
    let mut current = item;
    // A chain longer than this is a cycle in all but contrived documents.
    for _ in 0..16 {
        let reference = match current {
            ReferenceOr::Item(item) => return Ok(item),
            ReferenceOr::Reference { reference } => reference,
        };
        let found = reference
            .strip_prefix("#/components/")
            .and_then(|rest| rest.strip_prefix(section))
            .and_then(|rest| rest.strip_prefix('/'))
            .map(|name| name.replace("~1", "/").replace("~0", "~"))
            .and_then(|name| map(api.components.as_ref()?).get(&name));
        match found {
            Some(next) => current = next,
            None => {
                return Err(Error::new(
                    location,
                    format!("cannot resolve `$ref` `{reference}`"),
                ));
            }
        }
    }
    Err(Error::new(
        location,
        "`$ref` chain is too long (is it cyclic?)",
    ))
}

/// Splits a path template into literal text and parameters, checking each `{name}` is declared.
/// Returns the parts (parameter indexes into `specs`) and the path parameters in template order.
fn parse_template(
    template: &str,
    specs: &[(Parameter, String)],
    location: &str,
) -> Result<(Vec<PathPart>, Vec<usize>), Error> {
    let mut parts = Vec::new();
    let mut order = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|i| open + i) else {
            return Err(Error::new(
                location,
                format!("unclosed `{{` in path `{template}`"),
            ));
        };
        if open > 0 {
            parts.push(PathPart::Literal(encode_literal(&rest[..open])));
        }
        let name = &rest[open + 1..close];
        let found = specs.iter().position(|(p, _)| {
            matches!(p, Parameter::Path { .. }) && p.parameter_data_ref().name == name
        });
        let Some(index) = found else {
            return Err(Error::new(
                location,
                format!("path parameter `{name}` is not declared"),
            ));
        };
        if !order.contains(&index) {
            order.push(index);
        }
        parts.push(PathPart::Param(index));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(PathPart::Literal(encode_literal(rest)));
    }
    for (index, (parameter, here)) in specs.iter().enumerate() {
        if matches!(parameter, Parameter::Path { .. }) && !order.contains(&index) {
            let name = &parameter.parameter_data_ref().name;
            return Err(Error::new(
                here,
                format!("path parameter `{name}` is not in the path"),
            ));
        }
    }
    Ok((parts, order))
}

/// Percent-encodes what may not appear in a URL path, keeping `/` and existing escapes.
fn encode_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@%".contains(&byte);
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn build_param(
    parameter: &Parameter,
    location: &str,
    operation: &str,
    registry: &mut Registry<'_>,
    scope: &mut Scope,
) -> Result<Param, Error> {
    let data = parameter.parameter_data_ref();
    let (place, explode_default) = match parameter {
        Parameter::Path { .. } => (ParamIn::Path, false),
        Parameter::Query { .. } => (ParamIn::Query, true),
        Parameter::Header { .. } => (ParamIn::Header, false),
        Parameter::Cookie { .. } => (ParamIn::Cookie, true),
    };
    let hint = format!("{operation} {}", data.name);
    let ty = match &data.format {
        ParameterSchemaOrContent::Schema(schema) => {
            registry.use_schema(schema, &hint, &pointer(location, "schema"))?
        }
        ParameterSchemaOrContent::Content(content) => match content.iter().next() {
            Some((media, media_type)) => match &media_type.schema {
                Some(schema) => {
                    let here = pointer(&pointer(&pointer(location, "content"), media), "schema");
                    registry.use_schema(schema, &hint, &here)?
                }
                None => Ty::String,
            },
            None => Ty::String,
        },
    };
    // Whether a parameter may be absent is said by `required`; `Option` in the schema adds
    // nothing a caller could use, so it is dropped.
    let ty = match ty {
        Ty::Option(inner) => *inner,
        other => other,
    };
    // A parameter is text on the wire, so an untyped schema (FastAPI writes `{title: ...}` for
    // an unannotated argument) takes text.
    let ty = match ty {
        Ty::Json => Ty::String,
        Ty::Vec(item) if *item == Ty::Json => Ty::Vec(Box::new(Ty::String)),
        other => other,
    };
    let required = data.required || place == ParamIn::Path;
    if !param_type_supported(&ty, registry) {
        registry.warnings.push(Warning {
            location: location.to_owned(),
            message: format!(
                "parameter `{}` is not a scalar or list of scalars; it is sent as JSON text",
                data.name
            ),
        });
    }
    Ok(Param {
        name: scope.claim(&naming::value_name(&data.name)),
        original: data.name.clone(),
        location: place,
        ty,
        required,
        explode: data.explode.unwrap_or(explode_default),
        docs: Docs {
            summary: data.description.clone(),
            details: None,
        },
    })
}

/// Parameters are written as text: scalars, and lists of scalars; anything else goes as JSON.
fn param_type_supported(ty: &Ty, registry: &Registry<'_>) -> bool {
    match ty {
        Ty::Vec(item) => item.is_scalar(&registry.types),
        other => other.is_scalar(&registry.types),
    }
}

fn build_body(
    body: &RequestBody,
    location: &str,
    operation: &str,
    registry: &mut Registry<'_>,
) -> Result<Option<RequestBodyModel>, Error> {
    // Prefer JSON when a body may be sent several ways: it carries every schema faithfully.
    let chosen = body
        .content
        .iter()
        .find(|(media, _)| encoding_of(media) == BodyEncoding::Json)
        .or_else(|| body.content.iter().next());
    let Some((media, media_type)) = chosen else {
        return Ok(None);
    };
    let encoding = encoding_of(media);
    let here = pointer(&pointer(&pointer(location, "content"), media), "schema");
    let hint = format!("{operation} Body");
    let ty = match (&media_type.schema, encoding) {
        (_, BodyEncoding::Bytes) => Ty::Bytes,
        (_, BodyEncoding::Text) => Ty::String,
        (Some(schema), _) => registry.use_schema(schema, &hint, &here)?,
        (None, _) => Ty::Json,
    };
    let ty = match (encoding, ty) {
        // Form encodings need an object; anything else is sent as a free-form map.
        (BodyEncoding::Multipart, Ty::Named(name)) => {
            registry.bytes_for_binary_fields(&name);
            Ty::Named(name)
        }
        (BodyEncoding::Form, ty @ Ty::Named(_)) => ty,
        (BodyEncoding::Form | BodyEncoding::Multipart, _) => {
            registry.warnings.push(Warning {
                location: here,
                message: "form body schema is not an object with properties; using a JSON map"
                    .into(),
            });
            Ty::JsonObject
        }
        (_, ty) => ty,
    };
    Ok(Some(RequestBodyModel {
        ty,
        media_type: media.clone(),
        encoding,
        required: body.required,
    }))
}

fn encoding_of(media: &str) -> BodyEncoding {
    let essence = media
        .split(';')
        .next()
        .unwrap_or(media)
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/x-www-form-urlencoded" => BodyEncoding::Form,
        "multipart/form-data" => BodyEncoding::Multipart,
        "text/plain" => BodyEncoding::Text,
        e if e == "application/json" || e.ends_with("+json") => BodyEncoding::Json,
        _ => BodyEncoding::Bytes,
    }
}

type Responses = (Vec<ResponseModel>, Vec<ResponseModel>);

fn build_responses(
    api: &OpenAPI,
    operation: &SpecOperation,
    location: &str,
    name: &str,
    registry: &mut Registry<'_>,
) -> Result<Responses, Error> {
    let responses_location = pointer(location, "responses");
    let mut documented: Vec<(StatusMatch, &ReferenceOr<SpecResponse>, String)> = operation
        .responses
        .responses
        .iter()
        .map(|(status, response)| {
            let here = pointer(&responses_location, &status.to_string());
            let status = match status {
                StatusCode::Code(code) => StatusMatch::Code(*code),
                StatusCode::Range(range) => StatusMatch::Range(*range),
            };
            (status, response, here)
        })
        .collect();
    if let Some(default) = &operation.responses.default {
        documented.push((
            StatusMatch::Default,
            default,
            pointer(&responses_location, "default"),
        ));
    }
    documented.sort_by_key(|(status, _, _)| *status);

    let mut success = Vec::new();
    let mut errors = Vec::new();
    for (status, response, here) in documented {
        let response = resolve(api, response, "responses", |c| &c.responses, &here)?;
        let is_success = match status {
            StatusMatch::Code(code) => (200..300).contains(&code),
            StatusMatch::Range(range) => range == 2,
            StatusMatch::Default => false,
        };
        let hint = match status {
            StatusMatch::Code(code) => format!("{name} Response{code}"),
            StatusMatch::Range(range) => format!("{name} Response{range}xx"),
            StatusMatch::Default => format!("{name} Default Response"),
        };
        let body = response_body(response, &here, &hint, registry)?;
        let model = ResponseModel {
            status,
            body,
            description: response.description.clone(),
        };
        if is_success {
            success.push(model);
        } else {
            errors.push(model);
        }
    }
    Ok((success, errors))
}

fn response_body(
    response: &SpecResponse,
    location: &str,
    hint: &str,
    registry: &mut Registry<'_>,
) -> Result<ResponseBody, Error> {
    let chosen = response
        .content
        .iter()
        .find(|(media, _)| encoding_of(media) == BodyEncoding::Json)
        .or_else(|| response.content.iter().next());
    let Some((media, media_type)) = chosen else {
        return Ok(ResponseBody::Empty);
    };
    Ok(match encoding_of(media) {
        BodyEncoding::Json => match &media_type.schema {
            Some(schema) => {
                let here = pointer(&pointer(&pointer(location, "content"), media), "schema");
                match registry.use_schema(schema, hint, &here)? {
                    Ty::Unit => ResponseBody::Empty,
                    ty => ResponseBody::Json(ty),
                }
            }
            None => ResponseBody::Json(Ty::Json),
        },
        BodyEncoding::Text => ResponseBody::Text,
        _ if media.starts_with("text/") => ResponseBody::Text,
        _ => ResponseBody::Bytes,
    })
}

/// Method names: the recovered operation name, unless two operations would share it; then
/// every operation in the clash falls back to its whole `operationId` (or method and path).
fn name_operations(operations: &mut [Operation]) -> Result<(), Error> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for operation in operations.iter() {
        *counts
            .entry(naming::value_name(&operation.name))
            .or_default() += 1;
    }
    let mut ids: BTreeMap<&str, &str> = BTreeMap::new();
    let mut scope = Scope::with_taken(["new", "builder", "base_url"]);
    for operation in operations.iter_mut() {
        let short = naming::value_name(&operation.name);
        let id = operation.operation_id.as_deref();
        if let Some(id) = id {
            if let Some(previous) = ids.insert(id, &operation.location) {
                return Err(Error::new(
                    operation.location.clone(),
                    format!("operationId `{id}` is also used by {previous}"),
                ));
            }
        }
        let name = if counts.get(&short).copied().unwrap_or(0) > 1 {
            let whole = id.map(str::to_owned).unwrap_or_else(|| {
                naming::fallback_operation_name(&operation.path, &operation.method)
            });
            naming::value_name(&whole)
        } else {
            short
        };
        operation.name = scope.claim(&name);
    }
    Ok(())
}

/// Operations with query, header or cookie parameters take them as one struct, so that adding
/// an optional parameter to the spec does not change every caller.
///
/// Operations whose documented responses carry different body types get an enum with a
/// variant per status, so that no response is read as something it is not.
fn name_operation_types(operations: &mut [Operation], registry: &mut Registry<'_>) {
    let mut scope = Scope::with_taken(registry.types.keys().map(String::as_str));
    let mut claim = |operation: &Operation, suffix: &str| {
        Some(scope.claim(&naming::type_name(&format!("{} {suffix}", operation.name))))
    };
    for operation in operations.iter_mut() {
        if operation.params.iter().any(|p| p.location != ParamIn::Path) {
            operation.params_type = claim(operation, "params");
        }
        if distinct_bodies(&operation.success, |_| true) > 1 {
            operation.response_type = claim(operation, "response");
        }
        if distinct_bodies(&operation.errors, |b| matches!(b, ResponseBody::Json(_))) > 1 {
            operation.error_type = claim(operation, "error");
        }
    }
}

/// How many different non-empty bodies among `responses` satisfy `keep`.
fn distinct_bodies(responses: &[ResponseModel], keep: impl Fn(&ResponseBody) -> bool) -> usize {
    let mut seen: Vec<&ResponseBody> = Vec::new();
    for response in responses {
        let body = &response.body;
        if *body != ResponseBody::Empty && keep(body) && !seen.contains(&body) {
            seen.push(body);
        }
    }
    seen.len()
}

fn security_schemes(api: &OpenAPI, warnings: &mut Vec<Warning>) -> Vec<Auth> {
    let Some(components) = &api.components else {
        return Vec::new();
    };
    let mut scope = Scope::with_taken(["base_url", "timeout", "http_client", "build"]);
    let mut names: Vec<&String> = components.security_schemes.keys().collect();
    names.sort();
    let mut out = Vec::new();
    for name in names {
        let location = pointer("#/components/securitySchemes", name);
        let Some(ReferenceOr::Item(scheme)) = components.security_schemes.get(name) else {
            warnings.push(Warning {
                location,
                message: "security scheme `$ref` is ignored".into(),
            });
            continue;
        };
        let (kind, description) = match scheme {
            SecurityScheme::APIKey {
                location: place,
                name: key,
                description,
                ..
            } => {
                let kind = match place {
                    APIKeyLocation::Header => AuthKind::Header(key.clone()),
                    APIKeyLocation::Query => AuthKind::Query(key.clone()),
                    APIKeyLocation::Cookie => AuthKind::Cookie(key.clone()),
                };
                (kind, description)
            }
            SecurityScheme::HTTP {
                scheme: http,
                description,
                ..
            } => match http.to_ascii_lowercase().as_str() {
                "bearer" => (AuthKind::Bearer, description),
                "basic" => (AuthKind::Basic, description),
                other => {
                    warnings.push(Warning {
                        location,
                        message: format!("HTTP auth scheme `{other}` is not supported; ignored"),
                    });
                    continue;
                }
            },
            SecurityScheme::OAuth2 { description, .. }
            | SecurityScheme::OpenIDConnect { description, .. } => (AuthKind::Bearer, description),
        };
        out.push(Auth {
            scheme: name.clone(),
            field: scope.claim(&naming::value_name(name)),
            kind,
            description: description.clone(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_keep_slashes_and_escape_spaces() {
        assert_eq!(encode_literal("/a b/c%20d"), "/a%20b/c%20d");
    }

    #[test]
    fn media_types_choose_an_encoding() {
        assert_eq!(
            encoding_of("application/json; charset=utf-8"),
            BodyEncoding::Json
        );
        assert_eq!(encoding_of("application/problem+json"), BodyEncoding::Json);
        assert_eq!(encoding_of("multipart/form-data"), BodyEncoding::Multipart);
        assert_eq!(
            encoding_of("application/x-www-form-urlencoded"),
            BodyEncoding::Form
        );
        assert_eq!(encoding_of("image/png"), BodyEncoding::Bytes);
    }
}
