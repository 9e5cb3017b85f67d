//! How values are written for people and for other programs: dates, CSV cells, chart geometry.
//! No rules (those are `domain`'s) and no I/O.

pub mod chart;
pub mod csv;
pub mod format;
