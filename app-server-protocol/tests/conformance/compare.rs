//! Recursive, direction-aware comparison of one of our schemas with the reference one (§13 of
//! the app-server spec). `$ref`s are resolved on both sides; when both sides go through a
//! definition of the same name the path restarts at that name, so a difference inside a shared
//! type (e.g. `ThreadItem`) has the same path whichever method reaches it.

use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::collections::HashSet;

use serde_json::Value;

use crate::shape::ObjectKey;
use crate::shape::ObjectShape;
use crate::shape::SchemaDoc;
use crate::shape::Shape;
use crate::shape::Strings;
use crate::shape::collect;

/// Who writes the values a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The server reads it (client params, client replies): ours must accept at least what the
    /// reference accepts.
    Read,
    /// The server emits it (responses, notifications, server-request params): ours must emit
    /// nothing the reference does not describe.
    Emit,
}

/// One difference: where (definition-relative path) and what.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Difference {
    pub path: String,
    pub kind: String,
}

/// Compares `ours` with `reference` and returns every difference, sorted and deduplicated.
pub fn compare(
    ours_doc: &SchemaDoc,
    ours: &Value,
    reference_doc: &SchemaDoc,
    reference: &Value,
    root: &str,
    direction: Direction,
) -> Vec<Difference> {
    let mut comparison = Comparison {
        ours_doc,
        reference_doc,
        direction,
        visited: HashSet::new(),
        differences: BTreeSet::new(),
    };
    comparison.schemas(ours, reference, root.to_string(), false);
    comparison.differences.into_iter().collect()
}

struct Comparison<'a> {
    ours_doc: &'a SchemaDoc,
    reference_doc: &'a SchemaDoc,
    direction: Direction,
    visited: HashSet<(*const Value, *const Value)>,
    differences: BTreeSet<Difference>,
}

fn list<T: std::fmt::Display>(values: impl IntoIterator<Item = T>) -> String {
    values
        .into_iter()
        .map(|value| format!("`{value}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl<'a> Comparison<'a> {
    fn differ(&mut self, path: &str, kind: String) {
        self.differences.insert(Difference {
            path: path.to_string(),
            kind,
        });
    }

    fn schemas(
        &mut self,
        ours: &'a Value,
        reference: &'a Value,
        path: String,
        optional_in_reference: bool,
    ) {
        let (ours_resolved, _) = self.ours_doc.resolve(ours);
        let (reference_resolved, _) = self.reference_doc.resolve(reference);
        let path = match (
            self.ours_doc.named(ours),
            self.reference_doc.named(reference),
        ) {
            (Some(ours_name), Some(reference_name)) if ours_name == reference_name => {
                ours_name.to_string()
            }
            _ => path,
        };
        if !self.visited.insert((ours_resolved, reference_resolved)) {
            return;
        }
        let mut ours_shape = Shape::default();
        collect(self.ours_doc, ours_resolved, &mut ours_shape);
        let mut reference_shape = Shape::default();
        collect(self.reference_doc, reference_resolved, &mut reference_shape);

        match (ours_shape.any, reference_shape.any, self.direction) {
            (_, true, Direction::Emit) | (true, _, Direction::Read) => return,
            (false, true, Direction::Read) => {
                return self.differ(
                    &path,
                    "the reference accepts any JSON, ours is restricted".to_string(),
                );
            }
            (true, false, Direction::Emit) => {
                return self.differ(
                    &path,
                    format!(
                        "ours is unconstrained JSON, the reference is {}",
                        list(reference_shape.kinds())
                    ),
                );
            }
            (false, false, _) => {}
        }

        match self.direction {
            Direction::Read if reference_shape.nullable && !ours_shape.nullable => {
                self.differ(
                    &path,
                    "the reference accepts null, ours does not".to_string(),
                );
            }
            Direction::Emit
                if ours_shape.nullable && !reference_shape.nullable && !optional_in_reference =>
            {
                self.differ(
                    &path,
                    "ours may be null, the reference is neither nullable nor optional".to_string(),
                );
            }
            Direction::Read | Direction::Emit => {}
        }

        let ours_kinds = ours_shape.kinds();
        let reference_kinds = reference_shape.kinds();
        let (wider, narrower, message) = match self.direction {
            Direction::Read => (
                &ours_kinds,
                &reference_kinds,
                "the reference accepts kinds ours does not",
            ),
            Direction::Emit => (
                &reference_kinds,
                &ours_kinds,
                "ours emits kinds the reference does not describe",
            ),
        };
        let uncovered: Vec<_> = narrower
            .iter()
            .filter(|kind| {
                !(wider.contains(*kind) || (**kind == "integer" && wider.contains("number")))
            })
            .collect();
        if !uncovered.is_empty() {
            self.differ(&path, format!("{message}: {}", list(uncovered)));
        }

        if let (Some(ours_strings), Some(reference_strings)) =
            (&ours_shape.strings, &reference_shape.strings)
        {
            self.strings(&path, ours_strings, reference_strings);
        }
        if let ([ours_items], [reference_items]) = (
            ours_shape.arrays.as_slice(),
            reference_shape.arrays.as_slice(),
        ) {
            self.schemas(ours_items, reference_items, format!("{path}[]"), false);
        }
        self.objects(&path, ours_shape.objects, reference_shape.objects);
    }

    fn strings(&mut self, path: &str, ours: &Strings, reference: &Strings) {
        let (wider, narrower) = match self.direction {
            Direction::Read => (ours, reference),
            Direction::Emit => (reference, ours),
        };
        match (wider, narrower) {
            (Strings::Any, _) => {}
            (Strings::Only(_), Strings::Any) => self.differ(
                path,
                match self.direction {
                    Direction::Read => {
                        "the reference accepts any string, ours only an enum".to_string()
                    }
                    Direction::Emit => {
                        "ours emits any string, the reference only an enum".to_string()
                    }
                },
            ),
            (Strings::Only(wider), Strings::Only(narrower)) => {
                let uncovered: Vec<_> = narrower.difference(wider).collect();
                if !uncovered.is_empty() {
                    self.differ(
                        path,
                        match self.direction {
                            Direction::Read => format!(
                                "values the reference accepts and ours rejects: {}",
                                list(uncovered)
                            ),
                            Direction::Emit => format!(
                                "values ours emits that the reference lacks: {}",
                                list(uncovered)
                            ),
                        },
                    );
                }
            }
        }
    }

    fn objects(
        &mut self,
        path: &str,
        ours: Vec<(ObjectKey, ObjectShape<'a>)>,
        reference: Vec<(ObjectKey, ObjectShape<'a>)>,
    ) {
        let mut ours_by_key: BTreeMap<ObjectKey, Vec<ObjectShape<'a>>> = BTreeMap::new();
        for (key, shape) in ours {
            ours_by_key.entry(key).or_default().push(shape);
        }
        let mut reference_by_key: BTreeMap<ObjectKey, Vec<ObjectShape<'a>>> = BTreeMap::new();
        for (key, shape) in reference {
            reference_by_key.entry(key).or_default().push(shape);
        }
        let keys: BTreeSet<ObjectKey> = ours_by_key
            .keys()
            .chain(reference_by_key.keys())
            .cloned()
            .collect();
        for key in keys {
            let variant_path = match &key {
                ObjectKey::Tagged(tag) => format!("{path}<{tag}>"),
                ObjectKey::Keyed(_) | ObjectKey::Plain => path.to_string(),
            };
            match (
                ours_by_key.get(&key).map(Vec::as_slice),
                reference_by_key.get(&key).map(Vec::as_slice),
            ) {
                (Some([ours]), Some([reference])) => self.object(&variant_path, ours, reference),
                (Some(_), Some(_)) => self.differ(
                    &variant_path,
                    "several plain object shapes on one side; cannot pair them".to_string(),
                ),
                (Some(_), None) if self.direction == Direction::Emit => {
                    self.differ(
                        &variant_path,
                        format!("object variant {key:?} is not in the reference"),
                    );
                }
                (None, Some(_)) if self.direction == Direction::Read => {
                    self.differ(
                        &variant_path,
                        format!("object variant {key:?} of the reference is not accepted by ours"),
                    );
                }
                (Some(_) | None, None | Some(_)) => {}
            }
        }
    }

    fn object(&mut self, path: &str, ours: &ObjectShape<'a>, reference: &ObjectShape<'a>) {
        for name in reference
            .properties
            .keys()
            .filter(|name| !ours.properties.contains_key(*name))
        {
            self.differ(
                &format!("{path}.{name}"),
                "property of the reference missing in ours".to_string(),
            );
        }
        for name in ours
            .properties
            .keys()
            .filter(|name| !reference.properties.contains_key(*name))
        {
            self.differ(
                &format!("{path}.{name}"),
                "property of ours not in the reference".to_string(),
            );
        }
        for (name, ours_property) in &ours.properties {
            let Some(reference_property) = reference.properties.get(name) else {
                continue;
            };
            let property_path = format!("{path}.{name}");
            let ours_required = ours.required.contains(name);
            let reference_required = reference.required.contains(name);
            match self.direction {
                Direction::Emit if reference_required && !ours_required => {
                    self.differ(
                        &property_path,
                        "required by the reference, optional in ours".to_string(),
                    );
                }
                Direction::Read if ours_required && !reference_required => {
                    self.differ(
                        &property_path,
                        "required by ours, optional in the reference".to_string(),
                    );
                }
                Direction::Emit | Direction::Read => {}
            }
            self.schemas(
                ours_property,
                reference_property,
                property_path,
                !reference_required,
            );
        }
        match (ours.additional, reference.additional) {
            (Some(ours_values), Some(reference_values)) => {
                self.schemas(ours_values, reference_values, format!("{path}.*"), false);
            }
            (None, Some(_)) if self.direction == Direction::Read => {
                self.differ(
                    path,
                    "the reference accepts a map, ours does not".to_string(),
                );
            }
            (Some(_), None) if self.direction == Direction::Emit => {
                self.differ(
                    path,
                    "ours emits map entries the reference does not describe".to_string(),
                );
            }
            (Some(_) | None, Some(_) | None) => {}
        }
    }
}
