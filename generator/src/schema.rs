//! Schemas → Rust type definitions: a registry that names every component before converting any,
//! so references, forward references and cycles all resolve to stable names.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, OpenAPI, ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty,
};

use crate::error::{pointer, Error, Warning};
use crate::naming::{self, Scope};
use crate::normalize::NULL_MARKER;

/// How a value is written in Rust.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ty {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// A primitive integer type such as `i64`.
    Int(&'static str),
    /// A primitive float type such as `f64`.
    Float(&'static str),
    /// `uuid::Uuid`.
    Uuid,
    /// Raw bytes, `Vec<u8>`.
    Bytes,
    /// Any JSON, `serde_json::Value`.
    Json,
    /// A JSON object with no declared properties, `serde_json::Map<String, Value>`.
    JsonObject,
    /// The unit type, for schemas that only admit `null`.
    Unit,
    /// A type defined in the generated `types` module.
    Named(String),
    /// `Vec<T>`.
    Vec(Box<Ty>),
    /// `BTreeMap<String, T>`.
    Map(Box<Ty>),
    /// `Option<T>`.
    Option(Box<Ty>),
    /// `Box<T>`, to break recursion.
    Boxed(Box<Ty>),
}

impl Ty {
    /// Whether values of this type are cheap to copy (and so passed by value).
    pub fn is_copy(&self, types: &BTreeMap<String, TypeDef>) -> bool {
        match self {
            Ty::Bool | Ty::Int(_) | Ty::Float(_) | Ty::Uuid | Ty::Unit => true,
            Ty::Named(name) => types.get(name).is_some_and(|def| {
                matches!(&def.kind, TypeKind::StringEnum { .. })
                    || matches!(&def.kind, TypeKind::Alias(inner) if inner.is_copy(types))
            }),
            Ty::Option(inner) => inner.is_copy(types),
            _ => false,
        }
    }

    /// Whether a value of this type is written as a JSON scalar (so it can go in a path or query).
    pub fn is_scalar(&self, types: &BTreeMap<String, TypeDef>) -> bool {
        match self {
            Ty::String | Ty::Bool | Ty::Int(_) | Ty::Float(_) | Ty::Uuid => true,
            Ty::Named(name) => types.get(name).is_some_and(|def| match &def.kind {
                TypeKind::StringEnum { .. } => true,
                TypeKind::Alias(inner) => inner.is_scalar(types),
                TypeKind::Untagged { variants } => variants.iter().all(|v| v.ty.is_scalar(types)),
                _ => false,
            }),
            _ => false,
        }
    }

    fn option(self) -> Ty {
        match self {
            Ty::Option(_) => self,
            other => Ty::Option(Box::new(other)),
        }
    }
}

/// Documentation gathered from a schema's `title` and `description`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Docs {
    /// The first paragraph: title, or description when there is no title.
    pub summary: Option<String>,
    /// Further text.
    pub details: Option<String>,
}

impl Docs {
    fn from_schema(title: Option<&String>, description: Option<&String>) -> Self {
        let clean = |s: Option<&String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        match (clean(title), clean(description)) {
            (title, None) => Docs {
                summary: title,
                details: None,
            },
            (None, description) => Docs {
                summary: description,
                details: None,
            },
            (Some(title), Some(description)) if title == description => Docs {
                summary: Some(title),
                details: None,
            },
            (Some(title), description) => Docs {
                summary: Some(title),
                details: description,
            },
        }
    }
}

/// A named type in the generated `types` module.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// The Rust name.
    pub name: String,
    /// The name in the spec, when it came from `components/schemas`.
    pub original: Option<String>,
    /// Where the schema is, as a JSON pointer.
    pub location: String,
    /// Documentation.
    pub docs: Docs,
    /// What the type is.
    pub kind: TypeKind,
    /// How `Display` shows it, when it is used as an error body.
    pub display: Option<DisplayKind>,
}

/// The shape of a named type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// A struct with named fields.
    Struct {
        /// Declared properties, in spec order.
        fields: Vec<Field>,
        /// The value type of undeclared properties, when `additionalProperties` allows them.
        extra: Option<Ty>,
    },
    /// An enum of string values.
    StringEnum {
        /// The variants, in spec order.
        variants: Vec<EnumVariant>,
    },
    /// An enum whose variant is decided by trying each in order (`oneOf`/`anyOf`).
    Untagged {
        /// The variants, in spec order.
        variants: Vec<Variant>,
    },
    /// An enum whose variant is named by a property (`discriminator`).
    Tagged {
        /// The property naming the variant.
        tag: String,
        /// The variants, with their tag values.
        variants: Vec<Variant>,
    },
    /// A type alias, for component schemas that are not structs or enums.
    Alias(Ty),
    /// A one-field tuple struct: an alias that would otherwise contain itself.
    Newtype(Ty),
}

/// One property of a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The Rust name.
    pub name: String,
    /// The property name on the wire.
    pub original: String,
    /// The Rust type, `Option` included where the property may be absent or null.
    pub ty: Ty,
    /// Whether the property must be present.
    pub required: bool,
    /// Whether the property may be `null`.
    pub nullable: bool,
    /// Whether the schema says the string is raw bytes (`format: binary`), as file uploads do.
    pub binary: bool,
    /// Documentation.
    pub docs: Docs,
}

/// One value of a string enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumVariant {
    /// The Rust name.
    pub name: String,
    /// The value on the wire.
    pub value: String,
}

/// One variant of an untagged or tagged enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The Rust name.
    pub name: String,
    /// The tag value for tagged enums; unused by untagged ones.
    pub tag: String,
    /// The variant's payload.
    pub ty: Ty,
}

/// How a type used as an error body shows itself in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisplayKind {
    /// The value as compact JSON.
    Json,
    /// A list of entries, each shown with its own `Display`, separated by `; `.
    List,
    /// A validation entry in the FastAPI/pydantic shape: `loc` joined by `.`, then `: msg`.
    LocMessage,
    /// A scalar enum shown as its value.
    Scalar,
}

/// Converts schemas into [`TypeDef`]s and hands out [`Ty`]s for their uses.
pub struct Registry<'a> {
    api: &'a OpenAPI,
    /// Rust names of `components/schemas`, claimed before anything is converted.
    components: BTreeMap<String, String>,
    /// Component schemas that admit `null`: the type itself is defined without `Option`, and
    /// each reference to it gets one, so a nullable enum stays one enum.
    nullable: BTreeSet<String>,
    scope: Scope,
    /// Every defined type, by Rust name.
    pub types: BTreeMap<String, TypeDef>,
    /// Fallbacks taken, with their locations.
    pub warnings: Vec<Warning>,
}

impl<'a> Registry<'a> {
    /// Names every component schema, then converts each of them.
    pub fn new(api: &'a OpenAPI) -> Result<Self, Error> {
        let mut registry = Registry {
            api,
            components: BTreeMap::new(),
            nullable: BTreeSet::new(),
            scope: Scope::default(),
            types: BTreeMap::new(),
            warnings: Vec::new(),
        };
        let Some(components) = &api.components else {
            return Ok(registry);
        };
        // Claim in a sorted order so that which of two clashing names gets the suffix does not
        // depend on where the schemas sit in the file.
        let mut names: Vec<&String> = components.schemas.keys().collect();
        names.sort();
        for name in names {
            let rust = registry.scope.claim(&naming::type_name(name));
            registry.components.insert(name.clone(), rust);
        }
        for (name, schema) in &components.schemas {
            if let ReferenceOr::Item(schema) = schema {
                let null_in_enum = View::of(schema)
                    .enumeration
                    .contains(&serde_json::Value::Null);
                if schema.schema_data.nullable || null_in_enum {
                    registry.nullable.insert(name.clone());
                }
            }
        }
        for (name, schema) in &components.schemas {
            let location = pointer("#/components/schemas", name);
            let rust = registry.components.get(name).cloned().unwrap_or_default();
            let ty = match registry.convert(schema, Naming::Exact(&rust), &location)? {
                // Nullability lives on the references (see `nullable`), not on the type.
                Ty::Option(inner) if registry.nullable.contains(name) => *inner,
                ty => ty,
            };
            if ty != Ty::Named(rust.clone()) {
                let docs = match schema {
                    ReferenceOr::Item(s) => docs_of(s),
                    ReferenceOr::Reference { .. } => Docs::default(),
                };
                registry.define(TypeDef {
                    name: rust.clone(),
                    original: Some(name.clone()),
                    location,
                    docs,
                    kind: TypeKind::Alias(ty),
                    display: None,
                });
            } else if let Some(def) = registry.types.get_mut(&rust) {
                def.original = Some(name.clone());
            }
        }
        Ok(registry)
    }

    /// The Rust type of a schema used somewhere (a property, parameter, body, ...).
    ///
    /// `hint` names any inline struct or enum the schema needs.
    pub fn use_schema(
        &mut self,
        schema: &ReferenceOr<Schema>,
        hint: &str,
        location: &str,
    ) -> Result<Ty, Error> {
        self.convert(schema, Naming::Hint(hint), location)
    }

    /// Wraps recursive uses in `Box` and decides `Display` for error bodies; call once at the end.
    pub fn finish(&mut self, error_bodies: &BTreeSet<String>) {
        self.untag_when_tag_is_a_field();
        wrap_cyclic_aliases(&mut self.types);
        box_recursion(&mut self.types);
        for name in error_bodies {
            self.mark_display(name, 0);
        }
    }

    /// serde's internally tagged enums take the tag out before the variant reads the rest, so
    /// a variant struct that declares the tag property itself could never be read. Such enums
    /// are read untagged instead: each variant is tried in order.
    fn untag_when_tag_is_a_field(&mut self) {
        let mut untag = Vec::new();
        for (name, def) in &self.types {
            let TypeKind::Tagged { tag, variants } = &def.kind else {
                continue;
            };
            let declares_tag = variants.iter().any(|variant| match named(&variant.ty) {
                Some(inner) => match self.types.get(&inner).map(|d| &d.kind) {
                    Some(TypeKind::Struct { fields, .. }) => {
                        fields.iter().any(|f| &f.original == tag)
                    }
                    _ => true,
                },
                None => true,
            });
            if declares_tag {
                untag.push(name.clone());
            }
        }
        for name in untag {
            if let Some(def) = self.types.get_mut(&name) {
                if let TypeKind::Tagged { variants, .. } = &mut def.kind {
                    def.kind = TypeKind::Untagged {
                        variants: std::mem::take(variants),
                    };
                }
            }
        }
    }

    fn define(&mut self, def: TypeDef) {
        self.types.insert(def.name.clone(), def);
    }

    fn warn(&mut self, location: &str, message: impl Into<String>) {
        self.warnings.push(Warning {
            location: location.to_owned(),
            message: message.into(),
        });
    }

    fn name_for(&mut self, naming: Naming<'_>) -> String {
        match naming {
            Naming::Exact(name) => name.to_owned(),
            Naming::Hint(hint) => self.scope.claim(&naming::type_name(hint)),
        }
    }

    fn reference(&mut self, reference: &str, location: &str) -> Result<Ty, Error> {
        if let Some(name) = schema_name(reference) {
            return match self.components.get(&name) {
                Some(rust) if self.nullable.contains(&name) => {
                    Ok(Ty::Option(Box::new(Ty::Named(rust.clone()))))
                }
                Some(rust) => Ok(Ty::Named(rust.clone())),
                None => {
                    self.warn_missing(reference, location);
                    Ok(Ty::Json)
                }
            };
        }
        self.warn(
            location,
            format!("unsupported `$ref` `{reference}`; using serde_json::Value"),
        );
        Ok(Ty::Json)
    }

    /// Types the binary properties of struct `name` as bytes. Called for structs sent as
    /// `multipart/form-data`, where such properties are file parts; in JSON there is no byte
    /// type, so elsewhere they stay strings.
    pub fn bytes_for_binary_fields(&mut self, name: &str) {
        fn to_bytes(ty: &mut Ty) {
            match ty {
                Ty::String => *ty = Ty::Bytes,
                Ty::Option(inner) | Ty::Vec(inner) => to_bytes(inner),
                _ => {}
            }
        }
        if let Some(TypeDef {
            kind: TypeKind::Struct { fields, .. },
            ..
        }) = self.types.get_mut(name)
        {
            for field in fields.iter_mut().filter(|f| f.binary) {
                to_bytes(&mut field.ty);
            }
        }
    }

    /// A reference to a schema the document does not define: the document is broken there, but
    /// the rest of it still makes a useful client, so the value stays untyped.
    fn warn_missing(&mut self, reference: &str, location: &str) {
        self.warn(
            location,
            format!("`$ref` to missing schema `{reference}`; using serde_json::Value"),
        );
    }

    /// Looks up the schema a reference points at, for `allOf` merging.
    fn resolve(&self, reference: &str) -> Option<(&'a Schema, String)> {
        let name = schema_name(reference)?;
        let schema = self.api.components.as_ref()?.schemas.get(&name)?;
        match schema {
            ReferenceOr::Item(schema) => Some((schema, pointer("#/components/schemas", &name))),
            ReferenceOr::Reference { reference } => self.resolve(reference),
        }
    }

    fn convert(
        &mut self,
        schema: &ReferenceOr<Schema>,
        naming: Naming<'_>,
        location: &str,
    ) -> Result<Ty, Error> {
        let schema = match schema {
            ReferenceOr::Reference { reference } => return self.reference(reference, location),
            ReferenceOr::Item(schema) => schema,
        };
        let ty = self.convert_item(schema, naming, location)?;
        Ok(if schema.schema_data.nullable {
            ty.option()
        } else {
            ty
        })
    }

    fn convert_item(
        &mut self,
        schema: &Schema,
        naming: Naming<'_>,
        location: &str,
    ) -> Result<Ty, Error> {
        if schema.schema_data.extensions.get(NULL_MARKER) == Some(&serde_json::Value::Bool(true)) {
            return Ok(Ty::Unit);
        }
        let view = View::of(schema);

        if !view.all_of.is_empty() {
            return self.convert_all_of(schema, &view, naming, location);
        }
        let alternatives = if view.one_of.is_empty() {
            view.any_of
        } else {
            view.one_of
        };
        if !alternatives.is_empty() && view.properties.is_empty() {
            let key = if view.one_of.is_empty() {
                "anyOf"
            } else {
                "oneOf"
            };
            return self.convert_alternatives(
                schema,
                alternatives,
                naming,
                &pointer(location, key),
            );
        }
        if !view.enumeration.is_empty() {
            return self.convert_enum(schema, &view, naming, location);
        }

        match view.typ {
            Some("string") => Ok(string_type(view.format.as_deref())),
            Some("integer") => Ok(Ty::Int(match view.format.as_deref() {
                Some("int32") => "i32",
                Some("uint32") => "u32",
                Some("uint64") => "u64",
                Some("int8" | "int16") => "i32",
                Some("uint8" | "uint16") => "u32",
                _ => "i64",
            })),
            Some("number") => Ok(Ty::Float(if view.format.as_deref() == Some("float") {
                "f32"
            } else {
                "f64"
            })),
            Some("boolean") => Ok(Ty::Bool),
            Some("array") => {
                let item = match view.items {
                    Some(items) => {
                        let hint = format!("{}Item", naming.hint());
                        self.convert(
                            &unbox(items),
                            Naming::Hint(&hint),
                            &pointer(location, "items"),
                        )?
                    }
                    None => Ty::Json,
                };
                Ok(Ty::Vec(Box::new(item)))
            }
            Some("object") | None if !view.properties.is_empty() => {
                self.convert_struct(schema, &view, naming, location)
            }
            Some("object") => self.convert_map(&view, naming, location),
            None => {
                if !alternatives.is_empty() {
                    self.warn(
                        location,
                        "`properties` beside `oneOf`/`anyOf`; the alternatives are ignored",
                    );
                }
                Ok(Ty::Json)
            }
            Some(other) => {
                self.warn(
                    location,
                    format!("unknown type `{other}`; using serde_json::Value"),
                );
                Ok(Ty::Json)
            }
        }
    }

    fn convert_map(
        &mut self,
        view: &View<'_>,
        naming: Naming<'_>,
        location: &str,
    ) -> Result<Ty, Error> {
        match view.additional {
            Some(AdditionalProperties::Schema(value)) => {
                let hint = format!("{}Value", naming.hint());
                let here = pointer(location, "additionalProperties");
                let value = self.convert(value, Naming::Hint(&hint), &here)?;
                Ok(if value == Ty::Json {
                    Ty::JsonObject
                } else {
                    Ty::Map(Box::new(value))
                })
            }
            _ => Ok(Ty::JsonObject),
        }
    }

    fn convert_struct(
        &mut self,
        schema: &Schema,
        view: &View<'_>,
        naming: Naming<'_>,
        location: &str,
    ) -> Result<Ty, Error> {
        let name = self.name_for(naming);
        let mut fields = Vec::new();
        self.collect_fields(&name, view, location, &mut fields)?;
        let extra = self.extra_properties(view, &name, location)?;
        self.define(TypeDef {
            name: name.clone(),
            original: None,
            location: location.to_owned(),
            docs: docs_of(schema),
            kind: TypeKind::Struct { fields, extra },
            display: None,
        });
        Ok(Ty::Named(name))
    }

    fn extra_properties(
        &mut self,
        view: &View<'_>,
        owner: &str,
        location: &str,
    ) -> Result<Option<Ty>, Error> {
        match view.additional {
            Some(AdditionalProperties::Schema(value)) => {
                let hint = format!("{owner}Value");
                let here = pointer(location, "additionalProperties");
                Ok(Some(self.convert(value, Naming::Hint(&hint), &here)?))
            }
            _ => Ok(None),
        }
    }

    fn collect_fields(
        &mut self,
        owner: &str,
        view: &View<'_>,
        location: &str,
        fields: &mut Vec<Field>,
    ) -> Result<(), Error> {
        let properties_location = pointer(location, "properties");
        let mut scope = Scope::with_taken(fields.iter().map(|f| f.name.as_str()));
        for (original, property) in view.properties {
            if fields.iter().any(|f| &f.original == original) {
                continue;
            }
            let here = pointer(&properties_location, original);
            let hint = format!("{owner} {original}");
            let property = unbox(property);
            let ty = self.convert(&property, Naming::Hint(&hint), &here)?;
            let nullable = matches!(ty, Ty::Option(_) | Ty::Unit | Ty::Json);
            let required = view.required.contains(original);
            let ty = if required { ty } else { ty.option() };
            let docs = match &property {
                ReferenceOr::Item(schema) => docs_of(schema),
                ReferenceOr::Reference { .. } => Docs::default(),
            };
            fields.push(Field {
                name: scope.claim(&naming::value_name(original)),
                original: original.clone(),
                ty,
                required,
                nullable,
                binary: is_binary(&property),
                docs,
            });
        }
        Ok(())
    }

    fn convert_all_of(
        &mut self,
        schema: &Schema,
        view: &View<'_>,
        naming: Naming<'_>,
        location: &str,
    ) -> Result<Ty, Error> {
        // `allOf: [one]` with nothing beside it is how 3.0 documents (and the 3.1 rewrite) attach
        // `nullable` or a description to a reference: it is that one schema.
        if let [only] = view.all_of {
            if view.properties.is_empty() {
                return self.convert(only, naming, &pointer(location, "allOf/0"));
            }
        }

        let name = self.name_for(naming);
        let mut fields = Vec::new();
        let mut extra = None;
        let mut pending: Vec<(&'a Schema, String)> = Vec::new();
        for (index, member) in view.all_of.iter().enumerate() {
            let here = pointer(&pointer(location, "allOf"), &index.to_string());
            match member {
                ReferenceOr::Reference { reference } => match self.resolve(reference) {
                    Some(found) => pending.push(found),
                    None => self.warn_missing(reference, &here),
                },
                ReferenceOr::Item(item) => {
                    // Inline members are borrowed from the document, which outlives the registry.
                    let item: &Schema = item;
                    self.merge_member(&name, item, &here, &mut fields, &mut extra, 0)?;
                }
            }
        }
        for (member, here) in pending {
            self.merge_member(&name, member, &here, &mut fields, &mut extra, 0)?;
        }
        let own = View::of(schema);
        self.collect_fields(&name, &own, location, &mut fields)?;
        if fields.is_empty() && extra.is_none() {
            self.warn(
                location,
                "`allOf` without object members; using serde_json::Value",
            );
            return Ok(Ty::Json);
        }
        self.define(TypeDef {
            name: name.clone(),
            original: None,
            location: location.to_owned(),
            docs: docs_of(schema),
            kind: TypeKind::Struct { fields, extra },
            display: None,
        });
        Ok(Ty::Named(name))
    }

    /// Adds the properties of one `allOf` member (and of its own `allOf`s) to a merged struct.
    fn merge_member(
        &mut self,
        owner: &str,
        member: &Schema,
        location: &str,
        fields: &mut Vec<Field>,
        extra: &mut Option<Ty>,
        depth: usize,
    ) -> Result<(), Error> {
        if depth > 32 {
            return Err(Error::new(
                location,
                "`allOf` nests too deeply (is it cyclic?)",
            ));
        }
        let view = View::of(member);
        for (index, nested) in view.all_of.iter().enumerate() {
            let here = pointer(&pointer(location, "allOf"), &index.to_string());
            let (nested, here) = match nested {
                ReferenceOr::Item(item) => (item, here),
                ReferenceOr::Reference { reference } => match self.resolve(reference) {
                    Some(found) => found,
                    None => {
                        self.warn_missing(reference, &here);
                        continue;
                    }
                },
            };
            self.merge_member(owner, nested, &here, fields, extra, depth + 1)?;
        }
        if !view.one_of.is_empty() || !view.any_of.is_empty() {
            self.warn(
                location,
                "`oneOf`/`anyOf` inside `allOf` is not merged; its properties are left out",
            );
        }
        self.collect_fields(owner, &view, location, fields)?;
        if extra.is_none() {
            *extra = self.extra_properties(&view, owner, location)?;
        }
        Ok(())
    }

    fn convert_alternatives(
        &mut self,
        schema: &Schema,
        alternatives: &[ReferenceOr<Schema>],
        naming: Naming<'_>,
        location: &str,
    ) -> Result<Ty, Error> {
        if let [only] = alternatives {
            return self.convert(only, naming, &pointer(location, "0"));
        }
        let name = self.name_for(naming);
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut scope = Scope::default();
        let mut variants = Vec::new();
        for (index, member) in alternatives.iter().enumerate() {
            let here = pointer(location, &index.to_string());
            let hint = format!("{name} Variant{index}");
            let ty = self.convert(member, Naming::Hint(&hint), &here)?;
            let (variant_name, tag) = match member {
                ReferenceOr::Reference { reference } => {
                    let short = reference.rsplit('/').next().unwrap_or(reference).to_owned();
                    let tag = discriminator
                        .and_then(|d| d.mapping.iter().find(|(_, target)| *target == reference))
                        .map(|(value, _)| value.clone())
                        .unwrap_or_else(|| short.clone());
                    (naming::type_name(&short), tag)
                }
                ReferenceOr::Item(_) => (variant_name_for(&ty, &self.types), String::new()),
            };
            variants.push(Variant {
                name: scope.claim(&variant_name),
                tag,
                ty,
            });
        }

        let tagged = discriminator.filter(|_| {
            variants.iter().all(|v| {
                !v.tag.is_empty()
                    && matches!(&v.ty, Ty::Named(n) if matches!(
                        self.types.get(n).map(|d| &d.kind),
                        Some(TypeKind::Struct { .. }) | None
                    ))
            })
        });
        let kind = match tagged {
            Some(discriminator) => TypeKind::Tagged {
                tag: discriminator.property_name.clone(),
                variants,
            },
            None => TypeKind::Untagged { variants },
        };
        self.define(TypeDef {
            name: name.clone(),
            original: None,
            location: location.to_owned(),
            docs: docs_of(schema),
            kind,
            display: None,
        });
        Ok(Ty::Named(name))
    }

    fn convert_enum(
        &mut self,
        schema: &Schema,
        view: &View<'_>,
        naming: Naming<'_>,
        location: &str,
    ) -> Result<Ty, Error> {
        let values: Vec<&serde_json::Value> =
            view.enumeration.iter().filter(|v| !v.is_null()).collect();
        let has_null = values.len() != view.enumeration.len();
        let wrap = |ty: Ty| if has_null { ty.option() } else { ty };

        if values.iter().all(|v| v.is_string()) && !values.is_empty() {
            let name = self.name_for(naming);
            let mut scope = Scope::default();
            let mut variants: Vec<EnumVariant> = Vec::new();
            for value in values.iter().filter_map(|v| v.as_str()) {
                if variants.iter().any(|v| v.value == value) {
                    continue;
                }
                variants.push(EnumVariant {
                    name: scope.claim(&naming::type_name(value)),
                    value: value.to_owned(),
                });
            }
            self.define(TypeDef {
                name: name.clone(),
                original: None,
                location: location.to_owned(),
                docs: docs_of(schema),
                kind: TypeKind::StringEnum { variants },
                display: None,
            });
            return Ok(wrap(Ty::Named(name)));
        }

        // Integer, number and boolean enums keep their primitive type: Rust enums cannot carry
        // those values through serde without extra crates, and the allowed values are documented.
        let ty = match view.typ {
            Some("integer") if values.iter().all(|v| v.is_i64() || v.is_u64()) => Ty::Int("i64"),
            Some("number") if values.iter().all(|v| v.is_number()) => Ty::Float("f64"),
            Some("boolean") if values.iter().all(|v| v.is_boolean()) => Ty::Bool,
            _ if values.iter().all(|v| v.is_i64()) => Ty::Int("i64"),
            _ if values.is_empty() => Ty::Unit,
            _ => {
                self.warn(location, "`enum` of mixed values; using serde_json::Value");
                Ty::Json
            }
        };
        Ok(wrap(ty))
    }

    /// Chooses how an error body type shows itself, and does the same for what it displays.
    fn mark_display(&mut self, name: &str, depth: usize) {
        let Some(def) = self.types.get(name) else {
            return;
        };
        if def.display.is_some() || depth > 8 {
            return;
        }
        let (kind, inner) = match &def.kind {
            TypeKind::Struct { fields, .. } => {
                let list_item = match fields.as_slice() {
                    [only] => match &only.ty {
                        Ty::Vec(item) => named(item),
                        Ty::Option(inner) => match inner.as_ref() {
                            Ty::Vec(item) => named(item),
                            _ => None,
                        },
                        _ => None,
                    },
                    _ => None,
                };
                let loc = fields.iter().find(|f| f.original == "loc" && f.required);
                let msg = fields.iter().find(|f| f.original == "msg" && f.required);
                match (list_item, loc, msg) {
                    (Some(item), _, _) => (DisplayKind::List, vec![item]),
                    (None, Some(loc), Some(msg)) if msg.ty == Ty::String => match &loc.ty {
                        Ty::Vec(item) if item.is_scalar(&self.types) => {
                            (DisplayKind::LocMessage, named(item).into_iter().collect())
                        }
                        _ => (DisplayKind::Json, Vec::new()),
                    },
                    _ => (DisplayKind::Json, Vec::new()),
                }
            }
            TypeKind::Untagged { variants }
                if variants.iter().all(|v| v.ty.is_scalar(&self.types)) =>
            {
                (DisplayKind::Scalar, Vec::new())
            }
            // Enums display already; an alias names a type the crate cannot implement traits for.
            TypeKind::StringEnum { .. } | TypeKind::Alias(_) => return,
            _ => (DisplayKind::Json, Vec::new()),
        };
        if let Some(def) = self.types.get_mut(name) {
            def.display = Some(kind);
        }
        for inner in inner {
            self.mark_display(&inner, depth + 1);
        }
    }
}

/// The component name a local schema reference points at, with JSON pointer escapes undone.
fn schema_name(reference: &str) -> Option<String> {
    let name = reference.strip_prefix("#/components/schemas/")?;
    Some(name.replace("~1", "/").replace("~0", "~"))
}

fn named(ty: &Ty) -> Option<String> {
    match ty {
        Ty::Named(name) => Some(name.clone()),
        Ty::Boxed(inner) => named(inner),
        _ => None,
    }
}

/// Whether a type is to be named exactly (a component) or from a hint (an inline schema).
#[derive(Clone, Copy)]
enum Naming<'n> {
    Exact(&'n str),
    Hint(&'n str),
}

impl Naming<'_> {
    fn hint(&self) -> &str {
        match self {
            Naming::Exact(name) | Naming::Hint(name) => name,
        }
    }
}

/// The keywords of a schema, whichever variant `openapiv3` chose for it.
struct View<'s> {
    typ: Option<&'s str>,
    format: Option<String>,
    properties: &'s IndexMap<String, ReferenceOr<Box<Schema>>>,
    required: &'s [String],
    additional: Option<&'s AdditionalProperties>,
    items: Option<&'s ReferenceOr<Box<Schema>>>,
    enumeration: Vec<serde_json::Value>,
    one_of: &'s [ReferenceOr<Schema>],
    any_of: &'s [ReferenceOr<Schema>],
    all_of: &'s [ReferenceOr<Schema>],
}

static NO_PROPERTIES: std::sync::LazyLock<IndexMap<String, ReferenceOr<Box<Schema>>>> =
    std::sync::LazyLock::new(IndexMap::new);

impl<'s> View<'s> {
    fn of(schema: &'s Schema) -> Self {
        let mut view = View {
            typ: None,
            format: None,
            properties: &NO_PROPERTIES,
            required: &[],
            additional: None,
            items: None,
            enumeration: Vec::new(),
            one_of: &[],
            any_of: &[],
            all_of: &[],
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                view.typ = Some("string");
                view.format = variant_name(&s.format);
                view.enumeration = s.enumeration.iter().map(|v| v.clone().into()).collect();
            }
            SchemaKind::Type(Type::Integer(i)) => {
                view.typ = Some("integer");
                view.format = variant_name(&i.format);
                view.enumeration = i.enumeration.iter().map(|v| (*v).into()).collect();
            }
            SchemaKind::Type(Type::Number(n)) => {
                view.typ = Some("number");
                view.format = variant_name(&n.format);
                view.enumeration = n.enumeration.iter().map(|v| (*v).into()).collect();
            }
            SchemaKind::Type(Type::Boolean(b)) => {
                view.typ = Some("boolean");
                view.enumeration = b.enumeration.iter().map(|v| (*v).into()).collect();
            }
            SchemaKind::Type(Type::Object(o)) => {
                view.typ = Some("object");
                view.properties = &o.properties;
                view.required = &o.required;
                view.additional = o.additional_properties.as_ref();
            }
            SchemaKind::Type(Type::Array(a)) => {
                view.typ = Some("array");
                view.items = a.items.as_ref();
            }
            SchemaKind::OneOf { one_of } => view.one_of = one_of,
            SchemaKind::AnyOf { any_of } => view.any_of = any_of,
            SchemaKind::AllOf { all_of } => view.all_of = all_of,
            SchemaKind::Not { .. } => {}
            SchemaKind::Any(any) => {
                view.typ = any.typ.as_deref();
                view.format = any.format.clone();
                view.properties = &any.properties;
                view.required = &any.required;
                view.additional = any.additional_properties.as_ref();
                view.items = any.items.as_ref();
                view.enumeration = any.enumeration.clone();
                view.one_of = &any.one_of;
                view.any_of = &any.any_of;
                view.all_of = &any.all_of;
                if view.typ.is_none() && view.items.is_some() {
                    view.typ = Some("array");
                }
            }
        }
        view
    }
}

/// The spelling of a format as the spec writes it, whether `openapiv3` knows it or not.
fn variant_name<T: serde::Serialize>(format: &VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match format {
        VariantOrUnknownOrEmpty::Item(item) => match serde_json::to_value(item) {
            Ok(serde_json::Value::String(name)) => Some(name),
            _ => None,
        },
        VariantOrUnknownOrEmpty::Unknown(name) => Some(name.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn string_type(format: Option<&str>) -> Ty {
    match format {
        Some("uuid") => Ty::Uuid,
        // `binary` is bytes only where the encoding can carry them: whole request bodies, and
        // file parts of multipart bodies (see `bytes_for_binary_fields`).
        _ => Ty::String,
    }
}

/// Whether an inline schema is a binary string, or a list of them (several files in one field).
fn is_binary(schema: &ReferenceOr<Schema>) -> bool {
    let ReferenceOr::Item(schema) = schema else {
        return false;
    };
    let view = View::of(schema);
    match view.typ {
        Some("string") => view.format.as_deref() == Some("binary"),
        Some("array") => view.items.is_some_and(|items| is_binary(&unbox(items))),
        _ => false,
    }
}

fn unbox(schema: &ReferenceOr<Box<Schema>>) -> ReferenceOr<Schema> {
    match schema {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
        ReferenceOr::Item(schema) => ReferenceOr::Item(schema.as_ref().clone()),
    }
}

fn docs_of(schema: &Schema) -> Docs {
    Docs::from_schema(
        schema.schema_data.title.as_ref(),
        schema.schema_data.description.as_ref(),
    )
}

/// A variant name for an inline `oneOf`/`anyOf` member, from what it is.
fn variant_name_for(ty: &Ty, types: &BTreeMap<String, TypeDef>) -> String {
    match ty {
        Ty::String => "String".into(),
        Ty::Bool => "Boolean".into(),
        Ty::Int(_) => "Integer".into(),
        Ty::Float(_) => "Number".into(),
        Ty::Uuid => "Uuid".into(),
        Ty::Bytes => "Bytes".into(),
        Ty::Json => "Value".into(),
        Ty::JsonObject | Ty::Map(_) => "Object".into(),
        Ty::Unit => "Null".into(),
        Ty::Vec(_) => "Array".into(),
        Ty::Named(name) => types
            .get(name)
            .map_or_else(|| name.clone(), |d| d.name.clone()),
        Ty::Option(inner) | Ty::Boxed(inner) => variant_name_for(inner, types),
    }
}

/// A type alias is expanded where it is used, so one that contains itself (even inside a `Vec`)
/// could never be expanded; such aliases become tuple structs, which are nominal.
fn wrap_cyclic_aliases(types: &mut BTreeMap<String, TypeDef>) {
    fn names(ty: &Ty, out: &mut BTreeSet<String>) {
        match ty {
            Ty::Named(name) => {
                out.insert(name.clone());
            }
            Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) | Ty::Boxed(inner) => {
                names(inner, out)
            }
            _ => {}
        }
    }
    let aliases: BTreeMap<&String, BTreeSet<String>> = types
        .iter()
        .filter_map(|(name, def)| match &def.kind {
            TypeKind::Alias(ty) => {
                let mut out = BTreeSet::new();
                names(ty, &mut out);
                Some((name, out))
            }
            _ => None,
        })
        .collect();
    let mut cyclic = Vec::new();
    for start in aliases.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&String> = aliases[start].iter().collect();
        while let Some(next) = stack.pop() {
            if next == *start {
                cyclic.push((*start).clone());
                break;
            }
            if seen.insert(next) {
                if let Some(targets) = aliases.get(next) {
                    stack.extend(targets);
                }
            }
        }
    }
    for name in cyclic {
        if let Some(def) = types.get_mut(&name) {
            if let TypeKind::Alias(ty) = &def.kind {
                def.kind = TypeKind::Newtype(ty.clone());
            }
        }
    }
}

/// Boxes each use of a type inside itself (directly, or through other structs and enums) so
/// that every generated type has a finite size. `Vec` and maps already allocate, so only uses
/// through plain fields and `Option` count.
fn box_recursion(types: &mut BTreeMap<String, TypeDef>) {
    let edges: BTreeMap<String, BTreeSet<String>> = types
        .iter()
        .map(|(name, def)| {
            let mut out = BTreeSet::new();
            for ty in payloads(&def.kind) {
                direct_names(ty, &mut out);
            }
            (name.clone(), out)
        })
        .collect();
    let reaches = |from: &str, to: &str| -> bool {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(next) = stack.pop() {
            if next == to {
                return true;
            }
            if seen.insert(next.clone()) {
                if let Some(targets) = edges.get(&next) {
                    stack.extend(targets.iter().cloned());
                }
            }
        }
        false
    };
    let mut to_box: Vec<(String, usize)> = Vec::new();
    for (name, def) in types.iter() {
        for (index, ty) in payloads(&def.kind).into_iter().enumerate() {
            let mut direct = BTreeSet::new();
            direct_names(ty, &mut direct);
            if direct.iter().any(|target| reaches(target, name)) {
                to_box.push((name.clone(), index));
            }
        }
    }
    for (name, index) in to_box {
        if let Some(def) = types.get_mut(&name) {
            if let Some(ty) = payloads_mut(&mut def.kind).into_iter().nth(index) {
                box_named(ty);
            }
        }
    }
}

fn payloads(kind: &TypeKind) -> Vec<&Ty> {
    match kind {
        TypeKind::Struct { fields, .. } => fields.iter().map(|f| &f.ty).collect(),
        TypeKind::Untagged { variants } | TypeKind::Tagged { variants, .. } => {
            variants.iter().map(|v| &v.ty).collect()
        }
        TypeKind::Alias(ty) | TypeKind::Newtype(ty) => vec![ty],
        TypeKind::StringEnum { .. } => Vec::new(),
    }
}

fn payloads_mut(kind: &mut TypeKind) -> Vec<&mut Ty> {
    match kind {
        TypeKind::Struct { fields, .. } => fields.iter_mut().map(|f| &mut f.ty).collect(),
        TypeKind::Untagged { variants } | TypeKind::Tagged { variants, .. } => {
            variants.iter_mut().map(|v| &mut v.ty).collect()
        }
        TypeKind::Newtype(ty) => vec![ty],
        // An alias cannot be boxed inside itself; its uses are boxed instead.
        TypeKind::Alias(_) | TypeKind::StringEnum { .. } => Vec::new(),
    }
}

fn direct_names(ty: &Ty, out: &mut BTreeSet<String>) {
    match ty {
        Ty::Named(name) => {
            out.insert(name.clone());
        }
        Ty::Option(inner) => direct_names(inner, out),
        _ => {}
    }
}

fn box_named(ty: &mut Ty) {
    match ty {
        Ty::Named(_) => *ty = Ty::Boxed(Box::new(ty.clone())),
        Ty::Option(inner) => box_named(inner),
        _ => {}
    }
}
