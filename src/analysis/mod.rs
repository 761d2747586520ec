//! Analysis of a checked program without data: the ranges values can take, what results
//! depend on, whether a designation's numbers add up, and lints. The checker runs the lints;
//! explain, doc and the test coverage read the ranges and dependencies.

pub mod consistency;
pub mod growth;
pub mod in_force;
pub mod lints;
pub mod ranges;
pub mod reach;
