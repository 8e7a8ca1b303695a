//! Tokens for the `client` module: the client, its builder, and one async method per operation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_attrs, ty_text, ty_tokens};
use crate::model::{
    Auth, AuthKind, BodyEncoding, Model, Operation, Param, ParamIn, PathPart, ResponseBody,
    StatusMatch,
};
use crate::naming;
use crate::schema::{Docs, Ty, TypeKind};

/// How many operations one `impl Client` block holds. Large clients are written as several
/// blocks so that each can be formatted on its own, in parallel; a client of up to this many
/// operations has exactly one.
pub const OPERATIONS_PER_PART: usize = 128;

/// How many parts [`client_part`] splits the module into.
pub fn client_parts(model: &Model) -> usize {
    let chunks = model.operations.len().div_ceil(OPERATIONS_PER_PART).max(1);
    // The first part holds the first block of operations; each other block is a part, and the
    // per-operation types (parameters, response enums) follow in as many parts again.
    chunks + chunks
}

/// One part of the `client` module, in file order; parts are formatted separately and joined.
pub fn client_part(model: &Model, part: usize) -> TokenStream {
    let chunks = client_parts(model) / 2;
    let with_schemes = !used_schemes(model).is_empty();
    let range = |chunk: usize| {
        let start = (chunk * OPERATIONS_PER_PART).min(model.operations.len());
        let end = ((chunk + 1) * OPERATIONS_PER_PART).min(model.operations.len());
        &model.operations[start..end]
    };
    if part == 0 {
        return client_head(model, range(0), with_schemes);
    }
    if part < chunks {
        let operations = range(part)
            .iter()
            .map(|op| operation(op, model, with_schemes));
        return quote! {
            impl Client {
                #(#operations)*
            }
        };
    }
    let items = range(part - chunks).iter().map(|op| {
        let params = params_type(op);
        let enums = response_enums(op, model);
        quote!(#params #enums)
    });
    quote!(#(#items)*)
}

/// The module's opening: imports, the client, its builder, and the first operations.
fn client_head(model: &Model, first: &[Operation], with_schemes: bool) -> TokenStream {
    let auth_fields: Vec<_> = model
        .auth
        .iter()
        .map(|a| format_ident!("{}", a.field))
        .collect();
    let auth_names = model.auth.iter().map(|a| a.field.as_str());
    let client_auth_types = model.auth.iter().map(|a| match a.kind {
        AuthKind::Query(_) => quote!(Option<support::Secret>),
        _ => quote!(Option<reqwest::header::HeaderValue>),
    });
    let auth_setters = model.auth.iter().map(auth_setter);
    let auth_builds = model.auth.iter().map(|auth| {
        let field = format_ident!("{}", auth.field);
        let scheme = &auth.scheme;
        match &auth.kind {
            AuthKind::Query(_) => quote! {
                let #field = match self.#field {
                    Some(secret) => {
                        secret.header_value(#scheme, "")?;
                        Some(secret)
                    }
                    None => None,
                };
            },
            kind => {
                let prefix = match kind {
                    AuthKind::Bearer => "Bearer ".to_owned(),
                    AuthKind::Basic => "Basic ".to_owned(),
                    AuthKind::Cookie(name) => format!("{name}="),
                    _ => String::new(),
                };
                quote! {
                    let #field = self.#field.map(|secret| secret.header_value(#scheme, #prefix)).transpose()?;
                }
            }
        }
    });

    let (default_const, base_url_default, base_url_doc) = match &model.default_server {
        Some(url) => (
            Some(quote! {
                /// The server the API description names first; [`ClientBuilder::base_url`] overrides it.
                pub const DEFAULT_BASE_URL: &'static str = #url;
            }),
            quote!(self
                .base_url
                .unwrap_or_else(|| Client::DEFAULT_BASE_URL.to_owned())),
            format!(" Sets the URL requests go to, instead of `{url}`."),
        ),
        None => (
            None,
            quote! {
                match self.base_url {
                    Some(url) => url,
                    None => {
                        return Err(BuildError::InvalidBaseUrl {
                            url: String::new(),
                            reason: "the API description names no server, so one must be given"
                                .to_owned(),
                        });
                    }
                }
            },
            " Sets the URL requests go to; required, since the API description names no server."
                .to_owned(),
        ),
    };

    let operations = first.iter().map(|op| operation(op, model, with_schemes));
    let start = start_helper(model);
    let scheme_enum = scheme_enum(model);

    // With no operations, the request plumbing has nothing to do.
    let no_operations = model.operations.is_empty().then(|| {
        quote!(#![allow(unused_imports, dead_code, reason = "the API description has no operations")])
    });

    quote! {
        #![doc = " The client, its builder, and one method per operation."]
        #no_operations

        use std::time::Duration;

        use crate::support::{self, BuildError, Error, PathPart};

        /// A client for the API: cheap to clone, and safe to share between tasks.
        ///
        /// Credentials are kept out of `Debug` output and sent as sensitive headers.
        #[derive(Clone)]
        pub struct Client {
            base_url: String,
            http: reqwest::Client,
            timeout: Option<Duration>,
            #(#auth_fields: #client_auth_types,)*
        }

        impl std::fmt::Debug for Client {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("Client")
                    .field("base_url", &self.base_url)
                    .field("timeout", &self.timeout)
                    #(.field(#auth_names, &self.#auth_fields.as_ref().map(|_| "<redacted>")))*
                    .finish_non_exhaustive()
            }
        }

        impl Client {
            #default_const

            /// Starts building a client.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new()
            }

            /// The URL every request path is appended to.
            pub fn base_url(&self) -> &str {
                &self.base_url
            }

            #start

            #(#operations)*
        }

        /// Configures a [`Client`]: base URL, timeout, credentials and the HTTP client to use.
        #[derive(Debug, Clone)]
        pub struct ClientBuilder {
            base_url: Option<String>,
            timeout: Option<Duration>,
            http: Option<reqwest::Client>,
            #(#auth_fields: Option<support::Secret>,)*
        }

        impl Default for ClientBuilder {
            fn default() -> Self {
                Self::new()
            }
        }

        impl ClientBuilder {
            /// A builder with the default base URL, a timeout of [`DEFAULT_TIMEOUT`](crate::DEFAULT_TIMEOUT)
            /// and no credentials.
            pub fn new() -> Self {
                Self {
                    base_url: None,
                    timeout: Some(support::DEFAULT_TIMEOUT),
                    http: None,
                    #(#auth_fields: None,)*
                }
            }

            #[doc = #base_url_doc]
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.base_url = Some(url.into());
                self
            }

            /// Sets how long a request may take, from connecting until the whole response is read.
            pub fn timeout(mut self, timeout: Duration) -> Self {
                self.timeout = Some(timeout);
                self
            }

            /// Lets requests take as long as they take.
            pub fn no_timeout(mut self) -> Self {
                self.timeout = None;
                self
            }

            /// Sends requests through this client (to share its connection pool, proxy or TLS
            /// settings). The builder's timeout still applies to each request.
            pub fn http_client(mut self, client: reqwest::Client) -> Self {
                self.http = Some(client);
                self
            }

            #(#auth_setters)*

            /// Checks the settings and builds the client.
            ///
            /// # Errors
            ///
            /// [`BuildError`] when the base URL is not an absolute http(s) URL, a credential
            /// cannot be sent in a header, or the HTTP client cannot be created.
            pub fn build(self) -> Result<Client, BuildError> {
                let base_url = support::normalize_base_url(&#base_url_default)?;
                #(#auth_builds)*
                let http = match self.http {
                    Some(http) => http,
                    None => reqwest::Client::builder()
                        .user_agent(concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")))
                        .build()
                        .map_err(BuildError::Http)?,
                };
                Ok(Client { base_url, http, timeout: self.timeout, #(#auth_fields,)* })
            }
        }

        #scheme_enum
    }
}

/// The security schemes at least one operation lists, in the model's order.
fn used_schemes(model: &Model) -> Vec<&Auth> {
    model
        .auth
        .iter()
        .enumerate()
        .filter(|(index, _)| model.operations.iter().any(|op| op.auth.contains(index)))
        .map(|(_, auth)| auth)
        .collect()
}

fn scheme_variant(auth: &Auth) -> proc_macro2::Ident {
    format_ident!("{}", naming::type_name(&auth.field))
}

/// The private `Client::start`, which every operation begins with: the timeout, `Accept`, and
/// the credentials of the schemes the operation lists. Keeping this out of each operation keeps
/// large clients small.
fn start_helper(model: &Model) -> TokenStream {
    let used = used_schemes(model);
    let timeout_and_accept = quote! {
        let mut request = self.http.request(method, url);
        if let Some(timeout) = self.timeout {
            request = request.timeout(timeout);
        }
        if let Some(accept) = accept {
            request = request.header(reqwest::header::ACCEPT, accept);
        }
    };
    if used.is_empty() {
        return quote! {
            /// Starts a request with the client's timeout and the `Accept` header.
            fn start(&self, method: reqwest::Method, url: String, accept: Option<&'static str>) -> reqwest::RequestBuilder {
                #timeout_and_accept
                request
            }
        };
    }
    let variants: Vec<_> = used.iter().map(|auth| scheme_variant(auth)).collect();
    let arms = used.iter().zip(&variants).map(|(auth, variant)| {
        let field = format_ident!("{}", auth.field);
        let apply = match &auth.kind {
            AuthKind::Header(name) => quote!(request.header(#name, value.clone())),
            AuthKind::Bearer | AuthKind::Basic => {
                quote!(request.header(reqwest::header::AUTHORIZATION, value.clone()))
            }
            AuthKind::Cookie(_) => quote!(request.header(reqwest::header::COOKIE, value.clone())),
            AuthKind::Query(name) => quote!(request.query(&[(#name, value.expose())])),
        };
        quote! {
            Scheme::#variant => {
                if let Some(value) = &self.#field {
                    request = #apply;
                }
            }
        }
    });
    quote! {
        /// Starts a request with the client's timeout, the `Accept` header, and the credentials
        /// of `schemes` that the client was given.
        fn start(
            &self,
            method: reqwest::Method,
            url: String,
            accept: Option<&'static str>,
            schemes: &[Scheme],
        ) -> reqwest::RequestBuilder {
            #timeout_and_accept
            for scheme in schemes {
                match scheme {
                    #(#arms)*
                }
            }
            request
        }
    }
}

/// The security schemes operations can list, for [`start_helper`].
fn scheme_enum(model: &Model) -> Option<TokenStream> {
    let used = used_schemes(model);
    if used.is_empty() {
        return None;
    }
    let variants = used.iter().map(|auth| scheme_variant(auth));
    let docs = used
        .iter()
        .map(|auth| format!(" The `{}` security scheme.", auth.scheme));
    Some(quote! {
        /// A security scheme an operation may authenticate with.
        #[derive(Debug, Clone, Copy)]
        enum Scheme {
            #(#[doc = #docs] #variants,)*
        }
    })
}

fn auth_setter(auth: &Auth) -> TokenStream {
    let field = format_ident!("{}", auth.field);
    let what = match &auth.kind {
        AuthKind::Header(name) => format!(" Sets the API key sent in the `{name}` header."),
        AuthKind::Query(name) => format!(" Sets the API key sent as the `{name}` query parameter."),
        AuthKind::Cookie(name) => format!(" Sets the API key sent in the `{name}` cookie."),
        AuthKind::Bearer => " Sets the token sent as `Authorization: Bearer <token>`.".to_owned(),
        AuthKind::Basic => {
            " Sets the base64 `user:password` sent as `Authorization: Basic <credentials>`."
                .to_owned()
        }
    };
    let scheme = format!(" This is the `{}` security scheme.", auth.scheme);
    let description = auth.description.iter().map(|d| format!(" {}", d.trim()));
    quote! {
        #[doc = #what]
        #[doc = ""]
        #[doc = #scheme]
        #(#[doc = ""] #[doc = #description])*
        ///
        /// The value is never shown by `Debug`; [`build`](Self::build) refuses one that contains
        /// control characters, since it could not be sent safely in a header.
        pub fn #field(mut self, value: impl Into<String>) -> Self {
            self.#field = Some(support::Secret::new(value.into()));
            self
        }
    }
}

/// The struct of an operation's query, header and cookie parameters.
fn params_type(op: &Operation) -> Option<TokenStream> {
    let name = format_ident!("{}", op.params_type.as_ref()?);
    let params: Vec<&Param> = op
        .params
        .iter()
        .filter(|p| p.location != ParamIn::Path)
        .collect();
    let all_optional = params.iter().all(|p| !p.required);
    let default = all_optional.then(|| quote!(Default,));
    let fields = params.iter().map(|param| {
        let ident = format_ident!("{}", param.name);
        let ty = ty_tokens(&param.ty, true);
        let ty = if param.required {
            ty
        } else {
            quote!(Option<#ty>)
        };
        let place = match param.location {
            ParamIn::Query => "query parameter",
            ParamIn::Header => "header",
            ParamIn::Cookie => "cookie",
            ParamIn::Path => "path parameter",
        };
        let mut docs = param.docs.clone();
        if docs.summary.is_none() {
            docs.summary = Some(format!("The `{}` {place}.", param.original));
        }
        let docs = doc_attrs(&docs, &[]);
        quote! {
            #docs
            pub #ident: #ty,
        }
    });
    let doc = format!(
        " Parameters of [`Client::{}`] besides those in its path.",
        op.name
    );
    Some(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, #default)]
        pub struct #name {
            #(#fields)*
        }
    })
}

/// How the operation's success value is typed and read.
struct Success {
    ty: TokenStream,
    arms: Vec<TokenStream>,
}

/// The expression that reads a response body, as a `Result<_, Error<_>>`.
fn reader(body: &ResponseBody) -> TokenStream {
    match body {
        ResponseBody::Json(ty) => {
            let ty = ty_tokens(ty, true);
            quote!(support::json_body::<#ty, _>(response).await)
        }
        ResponseBody::Text => quote!(response.text().await.map_err(Error::from)),
        ResponseBody::Bytes | ResponseBody::Empty => {
            quote!(response
                .bytes()
                .await
                .map(|b| b.to_vec())
                .map_err(Error::from))
        }
    }
}

/// The Rust type a response body is read into.
fn body_type(body: &ResponseBody) -> TokenStream {
    match body {
        ResponseBody::Json(ty) => ty_tokens(ty, true),
        ResponseBody::Text => quote!(String),
        ResponseBody::Bytes | ResponseBody::Empty => quote!(Vec<u8>),
    }
}

/// A variant name for a status: `Status200`, `Status4xx`, `Default`.
fn status_variant(status: StatusMatch) -> proc_macro2::Ident {
    match status {
        StatusMatch::Code(code) => format_ident!("Status{}", code),
        StatusMatch::Range(range) => format_ident!("Status{}xx", range),
        StatusMatch::Default => format_ident!("Default"),
    }
}

fn success(op: &Operation) -> Success {
    let mut arms = Vec::new();
    if op.success.is_empty() {
        arms.push(quote!(200..=299 => Ok(()),));
        return Success {
            ty: quote!(()),
            arms,
        };
    }
    if let Some(name) = &op.response_type {
        let name = format_ident!("{}", name);
        for response in &op.success {
            let pattern = status_pattern(response.status);
            let variant = status_variant(response.status);
            let value = match &response.body {
                ResponseBody::Empty => quote!(Ok(#name::#variant)),
                body => {
                    let read = reader(body);
                    quote!(#read.map(#name::#variant))
                }
            };
            arms.push(quote!(#pattern => #value,));
        }
        return Success {
            ty: quote!(#name),
            arms,
        };
    }

    // At most one body type: the value is that type, `Option` of it when some statuses are
    // documented without a body, or `()` when none has one.
    let body = op
        .success
        .iter()
        .map(|r| &r.body)
        .find(|b| **b != ResponseBody::Empty);
    let has_empty = op.success.iter().any(|r| r.body == ResponseBody::Empty);
    let ty = match (body, has_empty) {
        (None, _) => quote!(()),
        (Some(body), false) => body_type(body),
        (Some(body), true) => {
            let ty = body_type(body);
            quote!(Option<#ty>)
        }
    };
    for response in &op.success {
        let pattern = status_pattern(response.status);
        let value = match (&response.body, body.is_some() && has_empty) {
            (ResponseBody::Empty, true) => quote!(Ok(None)),
            (ResponseBody::Empty, false) => quote!(Ok(())),
            (body, true) => {
                let read = reader(body);
                quote!(#read.map(Some))
            }
            (body, false) => reader(body),
        };
        arms.push(quote!(#pattern => #value,));
    }
    Success { ty, arms }
}

/// The documented error body type and the arms that decode it.
struct Failure {
    ty: TokenStream,
    arms: Vec<TokenStream>,
    fallback: TokenStream,
}

/// Whether `Display` writes values of `ty` exactly as they go on the wire.
fn shows_as_wire_text(ty: &Ty, model: &Model) -> bool {
    match ty {
        Ty::Uuid | Ty::Int(_) | Ty::Bool => true,
        Ty::Named(name) => model
            .types
            .get(name)
            .is_some_and(|def| matches!(def.kind, TypeKind::StringEnum { .. })),
        _ => false,
    }
}

/// Whether the generated crate has `Display` for values of `ty`.
fn displays(ty: &Ty, model: &Model) -> bool {
    match ty {
        Ty::Named(name) => model.types.get(name).is_some_and(|def| {
            def.display.is_some() || matches!(def.kind, TypeKind::StringEnum { .. })
        }),
        Ty::Json => true,
        _ => false,
    }
}

fn failure(op: &Operation, model: &Model) -> Failure {
    let json: Vec<&Ty> = op
        .errors
        .iter()
        .filter_map(|r| match &r.body {
            ResponseBody::Json(ty) => Some(ty),
            _ => None,
        })
        .collect();
    // Bodies typed other than as a named type or free JSON have no `Display`; they are read as
    // JSON values instead.
    let (ty, single) = match (&op.error_type, json.first()) {
        (Some(name), _) => {
            let name = format_ident!("{}", name);
            (quote!(#name), false)
        }
        (None, None) => (quote!(std::convert::Infallible), true),
        (None, Some(ty)) if displays(ty, model) => (ty_tokens(ty, true), true),
        (None, Some(_)) => (quote!(serde_json::Value), true),
    };
    let mut arms = Vec::new();
    let mut fallback = quote!(_ => Err(support::unexpected(response).await),);
    for response in &op.errors {
        if !matches!(response.body, ResponseBody::Json(_)) {
            continue;
        }
        let wrap = if single {
            quote!(std::convert::identity)
        } else {
            let variant = status_variant(response.status);
            quote!(#ty::#variant)
        };
        let arm = quote!(Err(support::documented_error(response, #wrap).await));
        match response.status {
            StatusMatch::Default => fallback = quote!(_ => #arm,),
            status => {
                let pattern = status_pattern(status);
                arms.push(quote!(#pattern => #arm,));
            }
        }
    }
    Failure { ty, arms, fallback }
}

/// The enums of an operation whose successes or errors differ in body type.
fn response_enums(op: &Operation, model: &Model) -> TokenStream {
    let success = op.response_type.as_ref().map(|name| {
        let name = format_ident!("{}", name);
        let doc = format!(
            " What [`Client::{}`] returns, by documented status.",
            op.name
        );
        let variants = op.success.iter().map(|response| {
            let variant = status_variant(response.status);
            let doc = format!(" {}", response.description.trim().replace('\n', " "));
            match &response.body {
                ResponseBody::Empty => quote!(#[doc = #doc] #variant,),
                body => {
                    let ty = body_type(body);
                    quote!(#[doc = #doc] #variant(#ty),)
                }
            }
        });
        quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, PartialEq)]
            pub enum #name {
                #(#variants)*
            }
        }
    });
    let error = op.error_type.as_ref().map(|name| {
        let name = format_ident!("{}", name);
        let doc = format!(
            " The documented error bodies of [`Client::{}`], by status.",
            op.name
        );
        let mut variants = Vec::new();
        let mut arms = Vec::new();
        for response in &op.errors {
            let ResponseBody::Json(ty) = &response.body else {
                continue;
            };
            let variant = status_variant(response.status);
            let doc = format!(" {}", response.description.trim().replace('\n', " "));
            let rust = ty_tokens(ty, true);
            variants.push(quote!(#[doc = #doc] #variant(#rust),));
            arms.push(if displays(ty, model) {
                quote!(Self::#variant(body) => std::fmt::Display::fmt(body, f),)
            } else {
                quote!(Self::#variant(body) => support::write_json(f, body),)
            });
        }
        quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, PartialEq)]
            pub enum #name {
                #(#variants)*
            }

            impl std::fmt::Display for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    match self {
                        #(#arms)*
                    }
                }
            }
        }
    });
    quote!(#success #error)
}

fn status_pattern(status: StatusMatch) -> TokenStream {
    match status {
        StatusMatch::Code(code) => {
            let code = proc_macro2::Literal::u16_unsuffixed(code);
            quote!(#code)
        }
        StatusMatch::Range(range) => {
            let low = proc_macro2::Literal::u16_unsuffixed(range * 100);
            let high = proc_macro2::Literal::u16_unsuffixed(range * 100 + 99);
            quote!(#low..=#high)
        }
        StatusMatch::Default => quote!(_),
    }
}

/// Statements adding each property of a multipart body to `form`: bytes as file parts,
/// everything else as text.
fn multipart_parts(ty: &Ty, model: &Model) -> TokenStream {
    let fields = match ty {
        Ty::Named(name) => match model.types.get(name).map(|def| &def.kind) {
            Some(TypeKind::Struct {
                fields,
                extra: None,
            }) => fields,
            _ => return quote!(form.fields(body);),
        },
        _ => return quote!(form.fields(body);),
    };
    let parts = fields.iter().map(|field| {
        let ident = format_ident!("{}", field.name);
        let name = &field.original;
        let bytes = |ty: &Ty| *ty == Ty::Bytes;
        match &field.ty {
            Ty::Bytes => quote!(form.file(#name, &body.#ident);),
            Ty::Option(inner) if bytes(inner) => quote! {
                if let Some(file) = &body.#ident {
                    form.file(#name, file);
                }
            },
            Ty::Vec(inner) if bytes(inner) => quote! {
                for file in &body.#ident {
                    form.file(#name, file);
                }
            },
            Ty::Option(inner) if matches!(inner.as_ref(), Ty::Vec(item) if bytes(item)) => quote! {
                for file in body.#ident.iter().flatten() {
                    form.file(#name, file);
                }
            },
            _ => quote!(form.text(#name, &body.#ident);),
        }
    });
    quote!(#(#parts)*)
}

/// One operation's method; `with_schemes` says whether `Client::start` takes a scheme list.
fn operation(op: &Operation, model: &Model, with_schemes: bool) -> TokenStream {
    let name = format_ident!("{}", op.name);
    let method = format_ident!("{}", op.method);
    let path_params: Vec<&Param> = op
        .params
        .iter()
        .filter(|p| p.location == ParamIn::Path)
        .collect();

    let mut args = Vec::new();
    for param in &path_params {
        let ident = format_ident!("{}", param.name);
        let ty = match &param.ty {
            Ty::String => quote!(&str),
            ty if ty.is_copy(&model.types) => ty_tokens(ty, true),
            ty => {
                let ty = ty_tokens(ty, true);
                quote!(&#ty)
            }
        };
        args.push(quote!(#ident: #ty));
    }
    let body_arg = op.body.as_ref().map(|body| {
        let ty = match body.encoding {
            BodyEncoding::Bytes => quote!(Vec<u8>),
            BodyEncoding::Text => quote!(String),
            _ => {
                let ty = ty_tokens(&body.ty, true);
                quote!(&#ty)
            }
        };
        if body.required {
            quote!(body: #ty)
        } else {
            quote!(body: Option<#ty>)
        }
    });
    args.extend(body_arg);
    if let Some(params_type) = &op.params_type {
        let ident = format_ident!("{}", params_type);
        args.push(quote!(params: &#ident));
    }
    let many_args = (args.len() > 6).then(|| {
        quote!(#[allow(clippy::too_many_arguments, reason = "one argument per path parameter keeps calls readable")])
    });

    let parts = op.path_parts.iter().map(|part| match part {
        PathPart::Literal(text) => quote!(PathPart::Literal(#text)),
        PathPart::Param(index) => {
            let param = &op.params[*index];
            let ident = format_ident!("{}", param.name);
            let original = &param.original;
            match &param.ty {
                Ty::String => quote!(PathPart::Param(#original, #ident)),
                // These types' `Display` is their wire form, so no JSON round trip is needed.
                ty if shows_as_wire_text(ty, model) => {
                    quote!(PathPart::Param(#original, &#ident.to_string()))
                }
                _ => quote!(PathPart::Param(#original, &support::param_string(&#ident))),
            }
        }
    });

    let schemes = op
        .auth
        .iter()
        .filter_map(|index| model.auth.get(*index))
        .map(scheme_variant);
    let schemes = with_schemes.then(|| quote!(, &[#(Scheme::#schemes),*]));

    let query: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.location == ParamIn::Query)
        .map(|param| {
            let ident = format_ident!("{}", param.name);
            let original = &param.original;
            let push = match (&param.ty, param.explode) {
                (Ty::Vec(_), true) => quote! {
                    for item in value {
                        query.push((#original, support::param_string(item)));
                    }
                },
                (Ty::Vec(_), false) => quote! {
                    let joined: Vec<String> = value.iter().map(support::param_string).collect();
                    query.push((#original, joined.join(",")));
                },
                _ => quote!(query.push((#original, support::param_string(value)));),
            };
            if param.required {
                quote! {
                    let value = &params.#ident;
                    #push
                }
            } else {
                quote! {
                    if let Some(value) = &params.#ident {
                        #push
                    }
                }
            }
        })
        .collect();
    let query = (!query.is_empty()).then(|| {
        quote! {
            let mut query: Vec<(&str, String)> = Vec::new();
            #(#query)*
            request = request.query(&query);
        }
    });

    let headers = op.params.iter().filter(|p| p.location == ParamIn::Header).map(|param| {
        let ident = format_ident!("{}", param.name);
        let original = &param.original;
        let set = quote! {
            request = request.header(#original, support::header_value(#original, &support::param_string(value))?);
        };
        if param.required {
            quote! {
                let value = &params.#ident;
                #set
            }
        } else {
            quote! {
                if let Some(value) = &params.#ident {
                    #set
                }
            }
        }
    });
    let headers: Vec<TokenStream> = headers.collect();
    let cookies: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.location == ParamIn::Cookie)
        .map(|param| {
            let ident = format_ident!("{}", param.name);
            let original = &param.original;
            let push =
                quote!(cookies.push(format!("{}={}", #original, support::cookie_value(value))););
            if param.required {
                quote! {
                    let value = &params.#ident;
                    #push
                }
            } else {
                quote! {
                    if let Some(value) = &params.#ident {
                        #push
                    }
                }
            }
        })
        .collect();
    let cookies = (!cookies.is_empty()).then(|| {
        quote! {
            let mut cookies: Vec<String> = Vec::new();
            #(#cookies)*
            if !cookies.is_empty() {
                request = request.header(reqwest::header::COOKIE, support::header_value("Cookie", &cookies.join("; "))?);
            }
        }
    });

    let body = op.body.as_ref().map(|body| {
        let media = &body.media_type;
        let send = match body.encoding {
            BodyEncoding::Json => quote!(request.json(body)),
            BodyEncoding::Form => quote!(request.form(body)),
            BodyEncoding::Multipart => {
                let parts = multipart_parts(&body.ty, model);
                quote! {{
                    let mut form = support::Multipart::new();
                    #parts
                    let (content_type, bytes) = form.finish();
                    request.header(reqwest::header::CONTENT_TYPE, content_type).body(bytes)
                }}
            }
            BodyEncoding::Bytes | BodyEncoding::Text => quote! {
                request.header(reqwest::header::CONTENT_TYPE, #media).body(body)
            },
        };
        if body.required {
            quote!(request = #send;)
        } else {
            quote! {
                if let Some(body) = body {
                    request = #send;
                }
            }
        }
    });

    let wants_json = op
        .success
        .iter()
        .chain(&op.errors)
        .any(|r| matches!(r.body, ResponseBody::Json(_)));
    let adds = query.is_some() || !headers.is_empty() || cookies.is_some() || body.is_some();
    let binding = if adds {
        quote!(mut request)
    } else {
        quote!(request)
    };
    let accept = if wants_json {
        quote!(Some("application/json"))
    } else {
        quote!(None)
    };

    let Success {
        ty: success_ty,
        arms: success_arms,
    } = success(op);
    let Failure {
        ty: error_ty,
        arms: error_arms,
        fallback,
    } = failure(op, model);
    let docs = operation_docs(op);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));

    quote! {
        #docs
        #deprecated
        #many_args
        pub async fn #name(&self, #(#args),*) -> Result<#success_ty, Error<#error_ty>> {
            let url = support::build_url(&self.base_url, &[#(#parts),*])?;
            let #binding = self.start(reqwest::Method::#method, url, #accept #schemes);
            #query
            #(#headers)*
            #cookies
            #body

            let response = request.send().await?;
            match response.status().as_u16() {
                #(#success_arms)*
                #(#error_arms)*
                #fallback
            }
        }
    }
}

fn operation_docs(op: &Operation) -> TokenStream {
    let mut docs = op.docs.clone();
    let route = format!("`{} {}`", op.method, op.path);
    if docs.summary.is_none() {
        docs.summary = Some(route.clone());
    }
    let mut notes = vec![format!("Sends {route}.")];
    let path_strings: Vec<&str> = op
        .params
        .iter()
        .filter(|p| p.location == ParamIn::Path && p.ty == Ty::String)
        .map(|p| p.original.as_str())
        .collect();
    let mut errors = String::from("# Errors\n\n");
    for response in &op.errors {
        let status = match response.status {
            StatusMatch::Code(code) => format!("status {code}"),
            StatusMatch::Range(range) => format!("status {range}XX"),
            StatusMatch::Default => "any other status".to_owned(),
        };
        let description = response.description.trim().replace('\n', " ");
        let line = match &response.body {
            ResponseBody::Json(ty) => {
                format!(
                    "- [`Error::Api`] for {status} ({description}), body `{}`\n",
                    ty_text(ty)
                )
            }
            _ => format!("- [`Error::UnexpectedStatus`] for {status} ({description})\n"),
        };
        errors.push_str(&line);
    }
    if !path_strings.is_empty() {
        let names: Vec<String> = path_strings.iter().map(|n| format!("`{n}`")).collect();
        errors.push_str(&format!(
            "- [`Error::InvalidArgument`], before anything is sent, when {} is empty, `.` or \
             `..` (also percent-encoded), or contains `/`\n",
            names.join(" or ")
        ));
    }
    errors.push_str(
        "- [`Error::UnexpectedStatus`] for any status the API description does not list\n\
         - [`Error::InvalidBody`] when a documented body does not decode\n\
         - [`Error::Timeout`] and [`Error::Transport`] when no complete response arrives",
    );
    notes.push(errors);
    doc_attrs(
        &Docs {
            summary: docs.summary,
            details: docs.details,
        },
        &notes,
    )
}
