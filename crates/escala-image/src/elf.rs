//! What the dynamic loader would read from an ELF file: its machine, its class, the loader it asks
//! for (PT_INTERP) and the libraries it needs (DT_NEEDED).

use std::path::Path;

use goblin::elf::header::{ET_DYN, ET_EXEC};
use goblin::elf::Elf;

use crate::error::ImageError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ElfInfo {
    pub machine: u16,
    pub is_64: bool,
    pub interpreter: Option<String>,
    pub needed: Vec<String>,
}

impl ElfInfo {
    /// The loader accepts a library only for the same machine and class as the program: a
    /// 32-bit libc in the same directory is skipped, not loaded.
    pub(crate) fn same_kind(&self, other: &ElfInfo) -> bool {
        self.machine == other.machine && self.is_64 == other.is_64
    }
}

pub(crate) fn parse(path: &Path, bytes: &[u8]) -> Result<ElfInfo, ImageError> {
    let elf = Elf::parse(bytes).map_err(|e| ImageError::Elf {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    if elf.header.e_type != ET_EXEC && elf.header.e_type != ET_DYN {
        return Err(ImageError::Elf {
            path: path.to_owned(),
            reason: format!(
                "it is neither an executable nor a shared object (e_type {})",
                elf.header.e_type
            ),
        });
    }
    Ok(ElfInfo {
        machine: elf.header.e_machine,
        is_64: elf.is_64,
        interpreter: elf.interpreter.map(str::to_owned),
        needed: elf.libraries.iter().map(|l| (*l).to_owned()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use goblin::elf::header::EM_X86_64;

    #[test]
    fn reads_the_loader_and_needed_libraries_of_a_dynamic_program() {
        let exe = std::env::current_exe().unwrap();
        let info = parse(&exe, &std::fs::read(&exe).unwrap()).unwrap();
        assert_eq!(info.machine, EM_X86_64);
        assert!(info.is_64);
        assert_eq!(
            info.interpreter.as_deref(),
            Some("/lib64/ld-linux-x86-64.so.2")
        );
        assert!(info.needed.iter().any(|n| n == "libc.so.6"), "{info:?}");
    }

    #[test]
    fn a_file_that_is_not_elf_is_refused_with_its_path() {
        let err = parse(Path::new("/x/readme"), b"#!/bin/sh\necho hi\n").unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("build: /x/readme is not an ELF file"),
            "{text}"
        );
    }
}
