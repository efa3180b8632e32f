//! `/v1/sites/{site}/articles/{article}`: what the newsroom's CMS registers.

pub mod put;
