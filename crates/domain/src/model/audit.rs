//! The audit log's vocabulary: what was done (`AuditAction`) to what kind of thing
//! (`AuditKind`). Both are stored as the dotted strings the log has always held (`post.hide`,
//! `user.disable`, `object`), so rows written before these types existed read back the same,
//! and a row written by a newer version reads as `Other` instead of failing the listing.

use super::{ModerationAction, ModerationTarget, ReportResolution};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Declares a closed set of stored names with an `Other` for names it does not know.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(from = "String", into = "String")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A name this version does not know (written by a newer one), kept as stored.
            Other(String),
        }

        impl $name {
            /// Every name this version knows.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The name as stored.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Other(s) => s,
                }
            }

            /// Reads a stored name; unknown names are kept as `Other`.
            pub fn parse(s: &str) -> Self {
                match s {
                    $($text => $name::$variant,)+
                    other => $name::Other(other.to_string()),
                }
            }

            /// Reads a name a person typed: only known names.
            pub fn parse_known(s: &str) -> Option<Self> {
                match Self::parse(s) {
                    $name::Other(_) => None,
                    known => Some(known),
                }
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self::parse(&s)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::parse(s)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.as_str().to_string()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary!(
    /// What an audit row is about.
    AuditKind {
        Post => "post",
        Comment => "comment",
        User => "user",
        Report => "report",
        /// An object of a bucket; the target id is `bucket/key`.
        Object => "object",
        /// A reconciliation clean-up; the target id names the finding.
        Reconcile => "reconcile",
        /// A saved Logs Insights query (a query definition); the target id is its id.
        Query => "query",
    }
);

vocabulary!(
    /// What an audit row records.
    AuditAction {
        PostHide => "post.hide",
        PostRestore => "post.restore",
        PostRemove => "post.remove",
        CommentHide => "comment.hide",
        CommentRestore => "comment.restore",
        CommentRemove => "comment.remove",
        ReportActioned => "report.actioned",
        ReportDismissed => "report.dismissed",
        UserDisable => "user.disable",
        UserEnable => "user.enable",
        UserResetPassword => "user.reset_password",
        UserSetPassword => "user.set_password",
        UserSetTemporaryPassword => "user.set_temporary_password",
        UserGlobalSignOut => "user.global_sign_out",
        UserConfirmSignUp => "user.confirm_sign_up",
        UserResendInvitation => "user.resend_invitation",
        UserResendConfirmationCode => "user.resend_confirmation_code",
        /// A user created (invited, or silently) by support.
        UserCreate => "user.create",
        UserVerifyEmail => "user.verify_email",
        UserUpdateAttribute => "user.update_attribute",
        UserAddToGroup => "user.add_to_group",
        UserRemoveFromGroup => "user.remove_from_group",
        UserDelete => "user.delete",
        /// The closing row of a ban: what it changed, for the unban to reverse.
        UserBan => "user.ban",
        UserUnban => "user.unban",
        ObjectUpload => "object.upload",
        ObjectDelete => "object.delete",
        ObjectPresignGet => "object.presign_get",
        ObjectDeleteOrphans => "object.delete_orphans",
        ProfileCreateMissing => "profile.create_missing",
        /// A moderator cleared fields of someone's profile (before and after kept).
        ProfileClear => "profile.clear",
        /// Fields of a profile put back as a cleared row had them (an undo).
        ProfileRestore => "profile.restore",
        /// A deleted account's profile row went with it (which fields it held, not their
        /// values).
        ProfileDelete => "profile.delete",
        /// The closing row of an account deletion: what each step did.
        UserDeleteAccount => "user.delete_account",
        QuerySave => "query.save",
        QueryDelete => "query.delete",
    }
);

impl AuditAction {
    /// The row a moderation writes.
    pub fn moderation(target: ModerationTarget, action: ModerationAction) -> Self {
        use ModerationAction::*;
        match (target, action) {
            (ModerationTarget::Post(_), Hide) => Self::PostHide,
            (ModerationTarget::Post(_), Restore) => Self::PostRestore,
            (ModerationTarget::Post(_), Remove) => Self::PostRemove,
            (ModerationTarget::Comment(_), Hide) => Self::CommentHide,
            (ModerationTarget::Comment(_), Restore) => Self::CommentRestore,
            (ModerationTarget::Comment(_), Remove) => Self::CommentRemove,
        }
    }

    /// The row closing a report writes.
    pub fn report(resolution: ReportResolution) -> Self {
        match resolution {
            ReportResolution::Actioned => Self::ReportActioned,
            ReportResolution::Dismissed => Self::ReportDismissed,
        }
    }

    /// The kind of thing this action is done to.
    pub fn kind(&self) -> AuditKind {
        match self.as_str().split_once('.').map(|(k, _)| k) {
            Some("post") => AuditKind::Post,
            Some("comment") => AuditKind::Comment,
            Some("report") => AuditKind::Report,
            Some("user") => AuditKind::User,
            Some("object") if *self == Self::ObjectDeleteOrphans => AuditKind::Reconcile,
            Some("object") => AuditKind::Object,
            Some("profile") if *self == Self::ProfileCreateMissing => AuditKind::Reconcile,
            Some("profile") => AuditKind::User,
            Some("query") => AuditKind::Query,
            _ => AuditKind::Other(String::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PostId;
    use proptest::prelude::*;

    #[test]
    fn every_known_name_round_trips() {
        for a in AuditAction::KNOWN {
            assert_eq!(&AuditAction::parse(a.as_str()), a);
        }
        for k in AuditKind::KNOWN {
            assert_eq!(&AuditKind::parse(k.as_str()), k);
        }
    }

    #[test]
    fn the_names_stored_before_these_types_read_as_their_variants() {
        // As written by the stores and services before the vocabulary was typed.
        let written = [
            (format!("{}.{}", "post", "hide"), AuditAction::PostHide),
            (
                format!("report.{}", "dismissed"),
                AuditAction::ReportDismissed,
            ),
            (
                "user.set_temporary_password".into(),
                AuditAction::UserSetTemporaryPassword,
            ),
            ("object.presign_get".into(), AuditAction::ObjectPresignGet),
        ];
        for (stored, action) in written {
            assert_eq!(AuditAction::parse(&stored), action);
        }
    }

    #[test]
    fn an_unknown_name_is_kept_not_refused() {
        let a = AuditAction::parse("user.teleport");
        assert_eq!(a, AuditAction::Other("user.teleport".into()));
        assert_eq!(a.as_str(), "user.teleport");
        assert_eq!(AuditAction::parse_known("user.teleport"), None);
    }

    #[test]
    fn moderation_names_follow_the_target() {
        let post = ModerationTarget::Post(PostId::new(1).unwrap());
        assert_eq!(
            AuditAction::moderation(post, ModerationAction::Remove).as_str(),
            "post.remove"
        );
        assert_eq!(AuditAction::PostRemove.kind(), AuditKind::Post);
        assert_eq!(AuditAction::UserBan.kind(), AuditKind::User);
        assert_eq!(AuditAction::ObjectDelete.kind(), AuditKind::Object);
    }

    #[test]
    fn json_carries_the_stored_name() {
        let json = serde_json::to_string(&AuditAction::UserDisable).unwrap();
        assert_eq!(json, "\"user.disable\"");
        let back: AuditKind = serde_json::from_str("\"object\"").unwrap();
        assert_eq!(back, AuditKind::Object);
    }

    proptest! {
        #[test]
        fn any_stored_text_reads_back_as_itself(s in any::<String>()) {
            let (action, kind) = (AuditAction::parse(&s), AuditKind::parse(&s));
            prop_assert_eq!(action.as_str(), s.as_str());
            prop_assert_eq!(kind.as_str(), s.as_str());
        }
    }
}
