//! The case pages of the desk: the lists, opening a case, the overview with its stepper and
//! timeline, stopping, and the search. The seven duties' forms are in `steps`.
//!
//! Every page reads cases only of the user's centres (another centre's case is 404), and every
//! page that shows a client's personal data writes a `personal-data-viewed` event. Personal codes
//! travel only in POST bodies, never in URLs.

mod eid;
mod flash;
mod list;
mod messages;
mod open;
mod overview;
mod search;
mod steps;
mod stop;
mod view;

use flash::{Flash, refused};
use view::{CaseView, load, load_and_log, log_view};

pub use eid::{callback as eid_callback, finish as eid_finish, start as eid_start};
pub use list::list;
pub use messages::told_instead;
pub use open::{open, show_new};
pub use overview::overview;
pub use search::{search, show_search};
pub(crate) use steps::answer_before_print;
pub use steps::{record_step, show_step};
pub use stop::{show_stop, stop};
