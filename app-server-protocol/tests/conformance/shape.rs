//! Normalized view of a JSON Schema node for the comparison: `$ref` resolution against a file's
//! `definitions`, and everything a node allows (kinds, string values, nullability, object
//! alternatives keyed by their `type` tag or single key) flattened out of `anyOf`/`oneOf`.

use std::collections::BTreeMap;
use std::collections::BTreeSet;

use serde_json::Map;
use serde_json::Value;

/// A schema file with its own `definitions`.
pub struct SchemaDoc {
    pub definitions: Map<String, Value>,
}

impl SchemaDoc {
    pub fn new(file: &Value) -> Self {
        let definitions = file
            .get("definitions")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        Self { definitions }
    }

    /// The definition a schema stands for: a `$ref` (possibly wrapped in a one-element `allOf`),
    /// or a nullable one (`anyOf: [$ref, {type: null}]`).
    pub fn named<'a>(&'a self, schema: &'a Value) -> Option<&'a str> {
        let alternatives = ["anyOf", "oneOf"]
            .iter()
            .find_map(|key| schema.get(*key).and_then(Value::as_array));
        match alternatives.map(Vec::as_slice) {
            Some([first, second]) if second.get("type").and_then(Value::as_str) == Some("null") => {
                self.resolve(first).1
            }
            Some(_) => None,
            None => self.resolve(schema).1,
        }
    }

    /// Follows `$ref`s and single-element `allOf` wrappers; returns the schema and the last
    /// definition name passed through.
    pub fn resolve<'a>(&'a self, mut schema: &'a Value) -> (&'a Value, Option<&'a str>) {
        let mut name = None;
        loop {
            if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
                let key = reference.trim_start_matches("#/definitions/");
                match self.definitions.get_key_value(key) {
                    Some((key, target)) => {
                        name = Some(key.as_str());
                        schema = target;
                    }
                    None => return (&Value::Bool(false), name),
                }
            } else if let Some([single]) = schema
                .get("allOf")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
            {
                schema = single;
            } else {
                return (schema, name);
            }
        }
    }
}

/// The set of string values a schema allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Strings {
    Any,
    Only(BTreeSet<String>),
}

/// An object alternative of a schema.
#[derive(Debug, Clone)]
pub struct ObjectShape<'a> {
    pub properties: BTreeMap<String, &'a Value>,
    pub required: BTreeSet<String>,
    pub additional: Option<&'a Value>,
}

/// How object alternatives are told apart.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ObjectKey {
    /// `{type: "<tag>", …}`
    Tagged(String),
    /// `{"<key>": {…}}`, the only (required) property.
    Keyed(String),
    Plain,
}

/// Everything a schema allows, flattened out of `anyOf`/`oneOf`/type arrays.
#[derive(Debug, Default)]
pub struct Shape<'a> {
    pub any: bool,
    pub nullable: bool,
    pub strings: Option<Strings>,
    pub integer: bool,
    pub number: bool,
    pub boolean: bool,
    pub arrays: Vec<&'a Value>,
    pub objects: Vec<(ObjectKey, ObjectShape<'a>)>,
}

impl Shape<'_> {
    pub fn kinds(&self) -> BTreeSet<&'static str> {
        let mut kinds = BTreeSet::new();
        for (present, kind) in [
            (self.strings.is_some(), "string"),
            (self.integer, "integer"),
            (self.number, "number"),
            (self.boolean, "boolean"),
            (!self.arrays.is_empty(), "array"),
            (!self.objects.is_empty(), "object"),
        ] {
            if present {
                kinds.insert(kind);
            }
        }
        kinds
    }
}

fn add_strings(shape: &mut Shape<'_>, values: Strings) {
    shape.strings = Some(match (shape.strings.take(), values) {
        (None, values) => values,
        (Some(Strings::Any), _) | (_, Strings::Any) => Strings::Any,
        (Some(Strings::Only(mut a)), Strings::Only(b)) => {
            a.extend(b);
            Strings::Only(a)
        }
    });
}

pub fn collect<'a>(doc: &'a SchemaDoc, schema: &'a Value, shape: &mut Shape<'a>) {
    let (schema, _) = doc.resolve(schema);
    let Some(object) = schema.as_object() else {
        if schema == &Value::Bool(true) {
            shape.any = true;
        }
        return;
    };
    let alternatives = ["anyOf", "oneOf"]
        .iter()
        .filter_map(|key| object.get(*key).and_then(Value::as_array))
        .flatten()
        .collect::<Vec<_>>();
    let has_own_structure = object.contains_key("type") || object.contains_key("properties");
    if !alternatives.is_empty() && !has_own_structure {
        for alternative in alternatives {
            collect(doc, alternative, shape);
        }
        return;
    }
    let values = object
        .get("enum")
        .and_then(Value::as_array)
        .cloned()
        .or_else(|| object.get("const").map(|value| vec![value.clone()]));
    let types: Vec<&str> = match object.get("type") {
        Some(Value::String(kind)) => vec![kind.as_str()],
        Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).collect(),
        _ if object.contains_key("properties") => vec!["object"],
        _ if values.is_some() => vec!["string"],
        _ => {
            shape.any = true;
            return;
        }
    };
    for kind in types {
        match kind {
            "null" => shape.nullable = true,
            "string" => {
                let strings = match &values {
                    Some(values) => Strings::Only(
                        values
                            .iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect(),
                    ),
                    None => Strings::Any,
                };
                add_strings(shape, strings);
            }
            "integer" => shape.integer = true,
            "number" => shape.number = true,
            "boolean" => shape.boolean = true,
            "array" => shape
                .arrays
                .push(object.get("items").unwrap_or(&Value::Bool(true))),
            "object" => add_objects(doc, object, &alternatives, shape),
            _ => shape.any = true,
        }
    }
}

/// Adds the object alternatives of an object schema. Alternatives nested in it (`oneOf` of item
/// kinds next to shared `startedAtMs`, or an image's `url` | `fileId`) mean "these properties
/// and one of those", so each alternative gets the outer properties; alternatives that end up
/// with the same key (both image sources) are merged, their properties optional.
fn add_objects<'a>(
    doc: &'a SchemaDoc,
    object: &'a Map<String, Value>,
    alternatives: &[&'a Value],
    shape: &mut Shape<'a>,
) {
    let outer = object_shape(object);
    let mut merged: BTreeMap<ObjectKey, ObjectShape<'a>> = BTreeMap::new();
    let combined: Vec<ObjectShape<'a>> = if alternatives.is_empty() {
        vec![outer]
    } else {
        alternatives
            .iter()
            .filter_map(|alternative| doc.resolve(alternative).0.as_object())
            .map(|alternative| {
                let mut combined = object_shape(alternative);
                combined.properties.extend(outer.properties.clone());
                combined.required.extend(outer.required.iter().cloned());
                combined.additional = combined.additional.or(outer.additional);
                combined
            })
            .collect()
    };
    for object in combined {
        let key = object_key(&object, doc);
        match merged.remove(&key) {
            Some(mut previous) => {
                previous.required = previous
                    .required
                    .intersection(&object.required)
                    .cloned()
                    .collect();
                for (name, schema) in object.properties {
                    previous.properties.entry(name).or_insert(schema);
                }
                merged.insert(key, previous);
            }
            None => {
                merged.insert(key, object);
            }
        }
    }
    shape.objects.extend(merged);
}

/// The properties, required names and value schema (for maps) of one object schema.
fn object_shape(object: &Map<String, Value>) -> ObjectShape<'_> {
    let properties = object
        .get("properties")
        .and_then(Value::as_object)
        .map(|properties| {
            properties
                .iter()
                .map(|(name, schema)| (name.clone(), schema))
                .collect()
        })
        .unwrap_or_default();
    let required = object
        .get("required")
        .and_then(Value::as_array)
        .map(|required| {
            required
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let additional = object
        .get("additionalProperties")
        .filter(|value| value.is_object());
    ObjectShape {
        properties,
        required,
        additional,
    }
}

fn object_key(object: &ObjectShape<'_>, doc: &SchemaDoc) -> ObjectKey {
    if let Some(tag) = object.properties.get("type") {
        let (tag, _) = doc.resolve(tag);
        let values = tag
            .get("enum")
            .and_then(Value::as_array)
            .cloned()
            .or_else(|| tag.get("const").map(|value| vec![value.clone()]));
        if let Some([Value::String(tag)]) = values.as_deref() {
            return ObjectKey::Tagged(tag.clone());
        }
    }
    if object.properties.len() == 1
        && let Some(key) = object.required.iter().next()
        && object.properties.contains_key(key)
    {
        return ObjectKey::Keyed(key.clone());
    }
    ObjectKey::Plain
}
