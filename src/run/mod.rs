//! Running the rules on data: one record end to end (`record`), where records come from
//! (`input`), and a batch evaluated a chunk at a time on every core (`batch`).

pub mod batch;
pub mod input;
pub mod record;
