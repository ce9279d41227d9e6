//! The capabilities the console and the Lambda handlers need, named by what they do. Adapters
//! (SQL, sandbox, AWS) implement them; no SDK or driver type appears in a signature.

mod content_store;
mod insights;
mod log_source;
mod object_store;
mod user_directory;

pub use content_store::ContentStore;
pub use insights::{LogInsights, Metrics};
pub use log_source::LogSource;
pub use object_store::ObjectStore;
pub use user_directory::{DIRECTORY_MAX_PAGE, UserDirectory, UserQuery};
