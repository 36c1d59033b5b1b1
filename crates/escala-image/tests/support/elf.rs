//! A hand-made static ELF executable for any machine. This machine has no cross toolchain, so
//! the arm64 side of a multi-architecture image is built from one of these: the builder reads
//! only the header and program headers of a static binary.

pub const EM_AARCH64: u16 = 183;

/// ELF64 little-endian, ET_EXEC, one PT_LOAD segment covering the file, no PT_INTERP and no
/// dynamic section: what a statically linked program looks like to a loader.
pub fn static_executable(machine: u16) -> Vec<u8> {
    const EHDR: u16 = 64;
    const PHDR: u16 = 56;
    let code = [0u8; 16];
    let size = (EHDR + PHDR) as u64 + code.len() as u64;
    let base = 0x40_0000u64;
    let mut elf = Vec::new();
    elf.extend_from_slice(b"\x7fELF");
    elf.extend_from_slice(&[2, 1, 1, 0]); // 64-bit, little-endian, version 1, System V ABI
    elf.extend_from_slice(&[0; 8]);
    elf.extend_from_slice(&2u16.to_le_bytes()); // ET_EXEC
    elf.extend_from_slice(&machine.to_le_bytes());
    elf.extend_from_slice(&1u32.to_le_bytes());
    elf.extend_from_slice(&(base + (EHDR + PHDR) as u64).to_le_bytes()); // entry
    elf.extend_from_slice(&(EHDR as u64).to_le_bytes()); // program headers right after
    elf.extend_from_slice(&0u64.to_le_bytes()); // no section headers
    elf.extend_from_slice(&0u32.to_le_bytes());
    for field in [EHDR, PHDR, 1, 64, 0, 0] {
        elf.extend_from_slice(&field.to_le_bytes());
    }
    elf.extend_from_slice(&1u32.to_le_bytes()); // PT_LOAD
    elf.extend_from_slice(&5u32.to_le_bytes()); // read + execute
    elf.extend_from_slice(&0u64.to_le_bytes());
    elf.extend_from_slice(&base.to_le_bytes());
    elf.extend_from_slice(&base.to_le_bytes());
    elf.extend_from_slice(&size.to_le_bytes());
    elf.extend_from_slice(&size.to_le_bytes());
    elf.extend_from_slice(&0x1000u64.to_le_bytes());
    elf.extend_from_slice(&code);
    assert_eq!(elf.len() as u64, size);
    elf
}
