// The access policy of the mctpm SoC: one table, purely combinational.
// (address, write, CR0, scrubbing) -> allowed. mctpm_soc.v gates every bus
// select and every zero-wait read with it; a refused read returns 0, a
// refused write is dropped, and the access still completes (PicoRV32 has no
// bus error). Nothing else in the SoC decides who may touch what.
//
//   region      ring 0 (CR0 = 0)   ring 1 (CR0 = 1)
//   ROM         read/write(*)      read
//   RAM         read/write         read/write
//   CTX         read/write         read/write      (nothing in either ring while scrubbing)
//   ROOT        read/write         read [ROOT_BASE, ROOT_BASE+ROOT_SHARED_SIZE) only
//   SYSCTL      read/write         read/write
//   SHA256      read/write         read/write
//   SHA1        read/write         read/write
//   ENTROPY     read/write         read/write
//   TPMIF       read/write         read/write
//   SPI_FLASH   read/write         nothing
//   RING        read/write         read
//   SEAL        read/write         nothing
//   unmapped    read/write(**)     nothing
//   (*) a ROM write completes and changes nothing. (**) reads 0.
`include "soc_map.vh"

module ring_access_policy (
  input  wire [31:0] addr_i,
  input  wire        we_i,
  input  wire        cr0_i,        // 1 = ring 1
  input  wire        scrubbing_i,  // the CTX region is being zeroed
  output wire        allowed_o
);
  // Verilog cannot slice a literal: give the bases names first.
  localparam [31:0] RomBase     = `MCTPM_ROM_BASE;
  localparam [31:0] RamBase     = `MCTPM_RAM_BASE;
  localparam [31:0] CtxBase     = `MCTPM_CTX_BASE;
  localparam [31:0] RootBase    = `MCTPM_ROOT_BASE;
  localparam [31:0] RootShared  = `MCTPM_ROOT_SHARED_SIZE;
  localparam [31:0] PeriphBase  = `MCTPM_PERIPH_BASE;
  localparam [31:0] SysctlBase  = `MCTPM_SYSCTL_BASE;
  localparam [31:0] Sha256Base  = `MCTPM_SHA256_BASE;
  localparam [31:0] Sha1Base    = `MCTPM_SHA1_BASE;
  localparam [31:0] EntropyBase = `MCTPM_ENTROPY_BASE;
  localparam [31:0] TpmifBase   = `MCTPM_TPMIF_BASE;
  localparam [31:0] FlashBase   = `MCTPM_SPI_FLASH_BASE;
  localparam [31:0] RingBase    = `MCTPM_RING_BASE;
  localparam [31:0] SealBase    = `MCTPM_SEAL_BASE;

  // Region decode: the same bits mctpm_soc.v decodes.
  wire [3:0] page       = addr_i[15:12];  // 4 KiB peripheral window
  wire is_periph        = addr_i[31:28] == PeriphBase[31:28];
  wire is_rom           = addr_i[31:28] == RomBase[31:28];
  wire is_ram           = addr_i[31:28] == RamBase[31:28];
  wire is_ctx           = addr_i[31:28] == CtxBase[31:28];
  wire is_root          = addr_i[31:28] == RootBase[31:28];
  // The shared window is checked on the whole region offset, so no alias of
  // the 8 KiB ROOT RAM higher up in its 256 MiB region is readable in ring 1.
  wire in_root_shared   = is_root && ({4'd0, addr_i[27:0]} < RootShared);
  wire is_sysctl        = is_periph && page == SysctlBase[15:12];
  wire is_sha256        = is_periph && page == Sha256Base[15:12];
  wire is_sha1          = is_periph && page == Sha1Base[15:12];
  wire is_entropy       = is_periph && page == EntropyBase[15:12];
  wire is_tpmif         = is_periph && page[3:2] == TpmifBase[15:14];
  wire is_ring          = is_periph && page == RingBase[15:12];
  wire is_flash         = is_periph && page == FlashBase[15:12];
  wire is_seal          = is_periph && page == SealBase[15:12];

  // Ring 1: what a context's command may reach.
  wire ring1_rw   = is_ram || is_ctx || is_sysctl || is_sha256 || is_sha1
                 || is_entropy || is_tpmif;
  wire ring1_ro   = is_rom || in_root_shared || is_ring;
  wire ring1_none = is_flash || is_seal;  // listed for the reader: the default already refuses
  wire ring1_ok   = !ring1_none && (ring1_rw || (ring1_ro && !we_i));

  // The scrub owns the CTX region in both rings until it is all zero.
  assign allowed_o = !(is_ctx && scrubbing_i) && (!cr0_i || ring1_ok);
endmodule
