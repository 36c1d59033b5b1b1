//! The logical ids of the chat's repository and image, and the name ECR knows the repository by.

pub const REPOSITORY: &str = "repository";
pub const IMAGE: &str = "image";

/// The image's repository: ECR names are lower case, as stack names are.
pub fn repository_name(stack: &str) -> String {
    format!("{stack}-chat")
}
