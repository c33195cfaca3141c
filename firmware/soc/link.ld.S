/* Linker script for the mctpm firmware. Preprocessed with the generated
   soc_map.h so that the memory map has one source of truth. */
#define MCTPM_U(x) x
#include "soc_map.h"
MEMORY
{
  ROM (rx)  : ORIGIN = MCTPM_ROM_BASE, LENGTH = MCTPM_ROM_SIZE
  RAM (rwx) : ORIGIN = MCTPM_RAM_BASE, LENGTH = MCTPM_RAM_SIZE
  CTX (rw)  : ORIGIN = MCTPM_CTX_BASE, LENGTH = MCTPM_CTX_SIZE
  ROOT (rw) : ORIGIN = MCTPM_ROOT_BASE, LENGTH = MCTPM_ROOT_SIZE
}
ENTRY(_start)
SECTIONS
{
  .text : {
    KEEP(*(.text.start))
    *(.text .text.*)
  } > ROM
  .rodata : ALIGN(4) {
    *(.rodata .rodata.* .srodata .srodata.*)
    . = ALIGN(4);
    __init_array_start = .;
    KEEP(*(SORT(.init_array.*)))
    KEEP(*(.init_array))
    __init_array_end = .;
  } > ROM
  .data : ALIGN(4) {
    __data_start = .;
    *(.data .data.* .sdata .sdata.*)
    . = ALIGN(4);
    __data_end = .;
  } > RAM AT > ROM
  __data_load = LOADADDR(.data);
  .bss (NOLOAD) : ALIGN(4) {
    __bss_start = .;
    *(.bss .bss.* .sbss .sbss.* COMMON)
    . = ALIGN(4);
    __bss_end = .;
  } > RAM
  /* The active context's TPM (zeroed by the hardware at reset and on
     RING_SCRUB) and the root TPM with the root data (initialised by
     chip_boot): no load image, no start-up zeroing. */
  .ctx (NOLOAD) : ALIGN(4) { KEEP(*(.ctx .ctx.*)) } > CTX
  .root (NOLOAD) : ALIGN(4) { KEEP(*(.root .root.*)) } > ROOT
  ASSERT(ADDR(.root) == ORIGIN(ROOT), "the root TPM must start the ROOT region (ring-1 window)")
  __stack_top = ORIGIN(RAM) + LENGTH(RAM);
  /* Keep at least 6 KiB for the stack (the NV scan at boot and the session
     code go deepest): the build fails when data outgrows RAM. */
  ASSERT(__bss_end + 6144 <= __stack_top, "firmware data leaves less than 6 KiB of stack")
  /DISCARD/ : { *(.eh_frame .eh_frame_hdr .comment .riscv.attributes) }
}
