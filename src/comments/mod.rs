//! The comments core between the routes and the store: who may do what, which status a new
//! comment gets, and how rows become the representations of SPEC §3.

pub mod live;
pub mod page_cache;
pub mod policy;
pub mod screen;
pub mod submit;
pub mod view;
pub mod viewer;
