//! Tokens for the `types` module: one struct or enum per named type, with its trait impls.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_attrs, ty_text, ty_tokens};
use crate::model::Model;
use crate::schema::{DisplayKind, Field, Ty, TypeDef, TypeKind};

/// How many types one part of the module holds (see [`types_part`]).
pub const TYPES_PER_PART: usize = 256;

/// How many parts [`types_part`] splits the module into.
pub fn types_parts(model: &Model) -> usize {
    model.types.len().div_ceil(TYPES_PER_PART).max(1)
}

/// One part of the `types` module, in file order; parts are formatted separately and joined.
pub fn types_part(model: &Model, part: usize) -> TokenStream {
    let items = model
        .types
        .values()
        .skip(part * TYPES_PER_PART)
        .take(TYPES_PER_PART)
        .map(|def| type_def(def, model));
    let doc = (part == 0).then(|| {
        quote!(#![doc = " Types of the request and response bodies and parameters the API describes."])
    });
    quote! {
        #doc
        #(#items)*
    }
}

fn type_def(def: &TypeDef, model: &Model) -> TokenStream {
    let docs = type_docs(def);
    let name = format_ident!("{}", def.name);
    let body = match &def.kind {
        TypeKind::Struct { fields, extra } => struct_def(&name, fields, extra.as_ref()),
        TypeKind::StringEnum { variants } => {
            let idents: Vec<_> = variants
                .iter()
                .map(|v| format_ident!("{}", v.name))
                .collect();
            let values: Vec<_> = variants.iter().map(|v| v.value.as_str()).collect();
            let variant_docs = values.iter().map(|v| format!(" `{}`", v.escape_debug()));
            let type_name = def.original.as_deref().unwrap_or(&def.name);
            let count = proc_macro2::Literal::usize_unsuffixed(variants.len());
            quote! {
                #[derive(
                    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
                    serde::Serialize, serde::Deserialize,
                )]
                pub enum #name {
                    #(
                        #[doc = #variant_docs]
                        #[serde(rename = #values)]
                        #idents,
                    )*
                }

                impl #name {
                    /// Every value, in the order the API description lists them.
                    pub const ALL: [Self; #count] = [#(Self::#idents),*];

                    /// The value as it is sent on the wire.
                    pub fn as_str(self) -> &'static str {
                        match self {
                            #(Self::#idents => #values,)*
                        }
                    }
                }

                impl std::fmt::Display for #name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(self.as_str())
                    }
                }

                impl std::str::FromStr for #name {
                    type Err = crate::ParseEnumError;

                    fn from_str(value: &str) -> Result<Self, Self::Err> {
                        match value {
                            #(#values => Ok(Self::#idents),)*
                            _ => Err(crate::ParseEnumError {
                                type_name: #type_name,
                                value: value.to_owned(),
                            }),
                        }
                    }
                }
            }
        }
        TypeKind::Untagged { variants } => {
            let idents: Vec<_> = variants
                .iter()
                .map(|v| format_ident!("{}", v.name))
                .collect();
            let tys = variants.iter().map(|v| ty_tokens(&v.ty, false));
            let variant_docs = variants
                .iter()
                .map(|v| format!(" The value read as `{}`.", ty_text(&v.ty)));
            quote! {
                #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
                #[serde(untagged)]
                pub enum #name {
                    #(
                        #[doc = #variant_docs]
                        #idents(#tys),
                    )*
                }
            }
        }
        TypeKind::Tagged { tag, variants } => {
            let idents: Vec<_> = variants
                .iter()
                .map(|v| format_ident!("{}", v.name))
                .collect();
            let tags = variants.iter().map(|v| v.tag.as_str());
            let tys = variants.iter().map(|v| ty_tokens(&v.ty, false));
            let variant_docs = variants.iter().map(|v| format!(" `{tag}: {}`", v.tag));
            quote! {
                #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
                #[serde(tag = #tag)]
                pub enum #name {
                    #(
                        #[doc = #variant_docs]
                        #[serde(rename = #tags)]
                        #idents(#tys),
                    )*
                }
            }
        }
        TypeKind::Newtype(ty) => {
            let ty = ty_tokens(ty, false);
            quote! {
                #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
                #[serde(transparent)]
                pub struct #name(pub #ty);
            }
        }
        TypeKind::Alias(ty) => {
            let ty = ty_tokens(ty, false);
            quote! { pub type #name = #ty; }
        }
    };
    let display = def
        .display
        .map(|kind| display_impl(&name, def, kind, model));
    quote! {
        #docs
        #body
        #display
    }
}

fn type_docs(def: &TypeDef) -> TokenStream {
    let mut docs = def.docs.clone();
    if docs.summary.is_none() {
        docs.summary = Some(match &def.original {
            Some(original) => format!("The `{original}` schema."),
            None => format!("A value described inline at `{}`.", def.location),
        });
    }
    doc_attrs(&docs, &[])
}

fn struct_def(name: &proc_macro2::Ident, fields: &[Field], extra: Option<&Ty>) -> TokenStream {
    let all_optional = extra.is_none() && fields.iter().all(|f| matches!(f.ty, Ty::Option(_)));
    let default = all_optional.then(|| quote!(Default,));
    let field_tokens = fields.iter().map(field_def);
    let extra = extra.map(|ty| {
        let ty = ty_tokens(ty, false);
        let taken = fields.iter().any(|f| f.name == "additional_properties");
        let ident = format_ident!(
            "{}",
            if taken {
                "additional_properties_"
            } else {
                "additional_properties"
            }
        );
        quote! {
            /// Properties the API description does not list.
            #[serde(flatten)]
            pub #ident: std::collections::BTreeMap<String, #ty>,
        }
    });
    quote! {
        #[derive(Debug, Clone, PartialEq, #default serde::Serialize, serde::Deserialize)]
        pub struct #name {
            #(#field_tokens)*
            #extra
        }
    }
}

fn field_def(field: &Field) -> TokenStream {
    let ident = format_ident!("{}", field.name);
    let ty = ty_tokens(&field.ty, false);
    let mut notes = Vec::new();
    if !field.required {
        notes.push(
            "Optional: `None` leaves the property out of the JSON, which the API reads as absent."
                .to_owned(),
        );
    } else if field.nullable {
        notes.push("Required, and may be `null`: `None` is sent as `null`.".to_owned());
    }
    let mut docs = field.docs.clone();
    if docs.summary.is_none() {
        docs.summary = Some(format!("The `{}` property.", field.original));
    }
    let docs = doc_attrs(&docs, &notes);
    let rename = (field.name != field.original).then(|| {
        let original = &field.original;
        quote!(#[serde(rename = #original)])
    });
    let skip = (!field.required)
        .then(|| quote!(#[serde(default, skip_serializing_if = "Option::is_none")]));
    quote! {
        #docs
        #rename
        #skip
        pub #ident: #ty,
    }
}

fn display_impl(
    name: &proc_macro2::Ident,
    def: &TypeDef,
    kind: DisplayKind,
    model: &Model,
) -> TokenStream {
    let body = match (&def.kind, kind) {
        (TypeKind::Struct { fields, .. }, DisplayKind::List) => {
            let field = fields.first().map(|f| format_ident!("{}", f.name));
            let optional = fields
                .first()
                .is_some_and(|f| matches!(f.ty, Ty::Option(_)));
            let items = if optional {
                quote!(self.#field.as_deref().unwrap_or_default())
            } else {
                quote!(&self.#field)
            };
            quote! {
                let items = #items;
                if items.is_empty() {
                    return crate::support::write_json(f, self);
                }
                crate::support::write_joined(f, items, "; ")
            }
        }
        (TypeKind::Struct { fields, .. }, DisplayKind::LocMessage) => {
            let field = |original: &str| {
                fields
                    .iter()
                    .find(|f| f.original == original)
                    .map(|f| format_ident!("{}", f.name))
            };
            let (loc, msg) = (field("loc"), field("msg"));
            quote! {
                crate::support::write_joined(f, &self.#loc, ".")?;
                write!(f, ": {}", self.#msg)
            }
        }
        (TypeKind::Untagged { variants }, DisplayKind::Scalar) => {
            let arms = variants.iter().map(|v| {
                let ident = format_ident!("{}", v.name);
                let shown = match &v.ty {
                    Ty::Named(inner)
                        if model.types.get(inner).is_some_and(|d| d.display.is_none()) =>
                    {
                        quote!(crate::support::write_json(f, value))
                    }
                    _ => quote!(write!(f, "{value}")),
                };
                quote!(Self::#ident(value) => #shown,)
            });
            quote! {
                match self {
                    #(#arms)*
                }
            }
        }
        _ => quote!(crate::support::write_json(f, self)),
    };
    quote! {
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                #body
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Docs;

    #[test]
    fn optional_fields_are_skipped_when_none() {
        let field = Field {
            name: "type_".into(),
            original: "type".into(),
            ty: Ty::Option(Box::new(Ty::String)),
            required: false,
            nullable: false,
            binary: false,
            docs: Docs::default(),
        };
        let text = field_def(&field).to_string();
        assert!(text.contains("rename = \"type\""), "{text}");
        assert!(text.contains("skip_serializing_if"), "{text}");
    }
}
