//! The service's two event triggers: thumbnails for uploaded images (S3 ObjectCreated) and the
//! users row for a confirmed sign-up (Cognito post-confirmation). Both are idempotent: S3 and
//! Cognito may deliver one event more than once.

pub mod post_confirmation;
pub mod thumbnails;
