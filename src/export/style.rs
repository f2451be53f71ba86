//! The diagram style (`[style]` in the gazetteer folder): colours, font and a shape and fill per
//! entity type.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The built-in style, under a gazetteer folder's `[style]` table.
const DEFAULT_STYLE: &str = include_str!("../../gazetteer/style.toml");

/// How diagrams draw one entity type.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TypeStyle {
    /// Graphviz node shape.
    pub shape: String,
    /// Fill colour.
    pub fill: String,
}

/// How diagrams draw the graph.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Style {
    /// Colour of co-mention edges.
    pub edge_color: String,
    /// Colour of affiliation edges.
    pub affiliation_color: String,
    /// Colour of cooperative relation edges.
    pub cooperative_color: String,
    /// Colour of conflictual relation edges.
    pub conflictual_color: String,
    /// Colour of neutral relation edges.
    pub neutral_color: String,
    /// Font name.
    pub font: String,
    /// Per entity type; the `default` key applies to types not listed.
    pub types: BTreeMap<String, TypeStyle>,
}

impl Style {
    /// The built-in style with `table` (a gazetteer folder's `[style]`, if any) over it.
    pub fn from_table(table: Option<StyleTable>) -> Style {
        #[derive(Deserialize)]
        struct File {
            style: StyleTable,
        }
        let builtin: File = toml::from_str(DEFAULT_STYLE).expect("the built-in style.toml is valid");
        merge_style(builtin.style, table.unwrap_or_default())
    }

    /// The style for an entity type.
    pub fn for_type(&self, kind: &str) -> TypeStyle {
        self.types.get(kind).or_else(|| self.types.get("default")).cloned().unwrap_or(TypeStyle { shape: "ellipse".into(), fill: "#ffffff".into() })
    }
}

/// The `[style]` table as written: any key may be left out.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StyleTable {
    edge_color: Option<String>,
    affiliation_color: Option<String>,
    cooperative_color: Option<String>,
    conflictual_color: Option<String>,
    neutral_color: Option<String>,
    font: Option<String>,
    #[serde(default)]
    types: BTreeMap<String, TypeStyleTable>,
}

/// One type's entry of a `[style]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TypeStyleTable {
    shape: Option<String>,
    fill: Option<String>,
}

/// `over`, with `base` where it says nothing.
fn merge_style(base: StyleTable, over: StyleTable) -> Style {
    let mut types = BTreeMap::new();
    for (k, v) in base.types.into_iter().chain(over.types) {
        let prev: Option<TypeStyle> = types.get(&k).cloned();
        types.insert(
            k,
            TypeStyle {
                shape: v.shape.or(prev.as_ref().map(|p| p.shape.clone())).unwrap_or_else(|| "ellipse".into()),
                fill: v.fill.or(prev.map(|p| p.fill)).unwrap_or_else(|| "#ffffff".into()),
            },
        );
    }
    Style {
        edge_color: over.edge_color.or(base.edge_color).unwrap_or_else(|| "#7f7f7f".into()),
        affiliation_color: over.affiliation_color.or(base.affiliation_color).unwrap_or_else(|| "#b0b0b0".into()),
        cooperative_color: over.cooperative_color.or(base.cooperative_color).unwrap_or_else(|| "#2e7d32".into()),
        conflictual_color: over.conflictual_color.or(base.conflictual_color).unwrap_or_else(|| "#c62828".into()),
        neutral_color: over.neutral_color.or(base.neutral_color).unwrap_or_else(|| "#555555".into()),
        font: over.font.or(base.font).unwrap_or_else(|| "Helvetica".into()),
        types,
    }
}
