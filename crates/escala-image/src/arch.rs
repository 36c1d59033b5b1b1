//! The two architectures an image is made for, named the way OCI platforms, ELF headers and Debian's
//! multiarch directories each name them.

use goblin::elf::header::{EM_AARCH64, EM_X86_64};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Arch {
    Amd64,
    Arm64,
}

impl Arch {
    pub(crate) fn from_elf_machine(machine: u16) -> Option<Self> {
        match machine {
            EM_X86_64 => Some(Arch::Amd64),
            EM_AARCH64 => Some(Arch::Arm64),
            _ => None,
        }
    }

    /// The `architecture` of an OCI platform.
    pub fn oci_name(self) -> &'static str {
        match self {
            Arch::Amd64 => "amd64",
            Arch::Arm64 => "arm64",
        }
    }

    /// arm64 images carry variant v8, which is what runtimes pulling an index look for.
    pub(crate) fn oci_variant(self) -> Option<&'static str> {
        match self {
            Arch::Amd64 => None,
            Arch::Arm64 => Some("v8"),
        }
    }

    /// Debian's multiarch tuple: the directories under /lib and /usr/lib holding this
    /// architecture's libraries.
    pub(crate) fn multiarch(self) -> &'static str {
        match self {
            Arch::Amd64 => "x86_64-linux-gnu",
            Arch::Arm64 => "aarch64-linux-gnu",
        }
    }
}

impl std::fmt::Display for Arch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "linux/{}", self.oci_name())
    }
}
