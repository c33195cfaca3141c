// Harness of the ring blocks as the SoC wires them: ring control, the bus
// guard with the access policy, the CTX region (context_ram), the ROOT
// region, RAM, and the real SPI TPM front end, SPI flash controller and
// sealing engine behind the same gated selects as in rtl/soc/mctpm_soc.v.
// The C++ test drives the CPU side of the bus (PicoRV32's native interface
// with its look-ahead read) and the host side over SPI.
`include "soc_map.vh"

module ring_harness_top (
  input  wire        clk_i,
  input  wire        rst_ni,
  // TPM over SPI
  input  wire        spi_sclk_i,
  input  wire        spi_cs_ni,
  input  wire        spi_mosi_i,
  output wire        spi_miso_o,
  output wire        pirq_no,
  // the CPU's bus
  input  wire        mem_valid,
  output wire        mem_ready,
  input  wire [31:0] mem_addr,
  input  wire [31:0] mem_wdata,
  input  wire [3:0]  mem_wstrb,
  output wire [31:0] mem_rdata,
  input  wire        mem_la_read,
  input  wire [31:0] mem_la_addr,
  // observation
  output wire        cr0_o,
  output wire        scrubbing_o
);
  localparam integer RamWords  = `MCTPM_RAM_SIZE / 4;
  localparam integer CtxWords  = `MCTPM_CTX_SIZE / 4;
  localparam integer RootWords = `MCTPM_ROOT_SIZE / 4;
  localparam integer RamAw     = $clog2(RamWords);
  localparam integer CtxAw     = $clog2(CtxWords);
  localparam integer RootAw    = $clog2(RootWords);
  localparam [31:0] RamBase    = `MCTPM_RAM_BASE;
  localparam [31:0] CtxBase    = `MCTPM_CTX_BASE;
  localparam [31:0] RootBase   = `MCTPM_ROOT_BASE;
  localparam [31:0] PeriphBase = `MCTPM_PERIPH_BASE;
  localparam [31:0] TpmifBase  = `MCTPM_TPMIF_BASE;
  localparam [31:0] FlashBase  = `MCTPM_SPI_FLASH_BASE;
  localparam [31:0] RingBase   = `MCTPM_RING_BASE;
  localparam [31:0] SealBase   = `MCTPM_SEAL_BASE;
  // A fixed test secret: the harness checks reachability, not sealing.
  localparam [255:0] TestSecret = {8{32'hA5C3_0F96}};

  wire is_ram    = mem_addr[31:28] == RamBase[31:28];
  wire is_ctx    = mem_addr[31:28] == CtxBase[31:28];
  wire is_root   = mem_addr[31:28] == RootBase[31:28];
  wire is_periph = mem_addr[31:28] == PeriphBase[31:28];
  wire [15:0] poff = mem_addr[15:0];
  wire sel_tpmif = is_periph && poff[15:14] == TpmifBase[15:14];
  wire sel_flash = is_periph && poff[15:12] == FlashBase[15:12];
  wire sel_ring  = is_periph && poff[15:12] == RingBase[15:12];
  wire sel_seal  = is_periph && poff[15:12] == SealBase[15:12];
  wire is_mem    = is_ram || is_ctx || is_root;
  wire sel_none  = !(is_mem || sel_tpmif || sel_flash || sel_ring || sel_seal);
  wire we        = |mem_wstrb;

  wire cr0, scrubbing, allowed, none_ack, denied;
  ring_bus_guard u_guard (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .mem_valid_i (mem_valid),
    .mem_addr_i  (mem_addr),
    .we_i        (we),
    .zero_wait_i (is_mem),
    .mapped_i    (!sel_none),
    .cr0_i       (cr0),
    .scrubbing_i (scrubbing),
    .allowed_o   (allowed),
    .none_ack_o  (none_ack),
    .denied_o    (denied)
  );
  wire ok = mem_valid & allowed;

  wire [31:0] ram_rdata, ctx_rdata, root_rdata, tpmif_rdata, flash_rdata, ring_rdata, seal_rdata;
  wire        tpmif_ack, flash_ack, ring_ack, seal_ack;
  wire la_ram  = mem_la_read && mem_la_addr[31:28] == RamBase[31:28];
  wire la_ctx  = mem_la_read && mem_la_addr[31:28] == CtxBase[31:28];
  wire la_root = mem_la_read && mem_la_addr[31:28] == RootBase[31:28];

  assign mem_ready = (mem_valid & is_mem) | tpmif_ack | flash_ack | ring_ack | seal_ack | none_ack;
  wire [31:0] mem_word = is_ram ? ram_rdata : is_ctx ? ctx_rdata : is_root ? root_rdata : 32'd0;
  assign mem_rdata = is_mem    ? (allowed ? mem_word : 32'd0) :
                     tpmif_ack ? tpmif_rdata :
                     flash_ack ? flash_rdata :
                     ring_ack  ? ring_rdata  :
                     seal_ack  ? seal_rdata  : 32'd0;

  bram_ram #(.Words(RamWords)) u_ram (
    .clk_i     (clk_i),
    .rd_en_i   (la_ram),
    .rd_addr_i (mem_la_addr[RamAw+1:2]),
    .rdata_o   (ram_rdata),
    .we_i      (ok & is_ram & we),
    .wr_addr_i (mem_addr[RamAw+1:2]),
    .wdata_i   (mem_wdata),
    .wstrb_i   (mem_wstrb)
  );

  wire scrub_start;
  context_ram #(.Words(CtxWords)) u_ctx (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .rd_en_i   (la_ctx),
    .rd_addr_i (mem_la_addr[CtxAw+1:2]),
    .rdata_o   (ctx_rdata),
    .we_i      (ok & is_ctx & we),
    .wr_addr_i (mem_addr[CtxAw+1:2]),
    .wdata_i   (mem_wdata),
    .wstrb_i   (mem_wstrb),
    .scrub_i   (scrub_start),
    .busy_o    (scrubbing)
  );

  bram_ram #(.Words(RootWords)) u_root (
    .clk_i     (clk_i),
    .rd_en_i   (la_root),
    .rd_addr_i (mem_la_addr[RootAw+1:2]),
    .rdata_o   (root_rdata),
    .we_i      (ok & is_root & we),
    .wr_addr_i (mem_addr[RootAw+1:2]),
    .wdata_i   (mem_wdata),
    .wstrb_i   (mem_wstrb)
  );

  wire        tpm_go, tpm_trap, tpm_pending, tpm_rsp_done;
  wire [31:0] tpm_cc, trap_cc, trap_count;

  spi_tpm u_tpmif (
    .clk_i             (clk_i),
    .rst_ni            (rst_ni),
    .req_i             (ok & sel_tpmif),
    .addr_i            (poff[13:0]),
    .we_i              (we),
    .wdata_i           (mem_wdata),
    .wstrb_i           (mem_wstrb),
    .rdata_o           (tpmif_rdata),
    .ack_o             (tpmif_ack),
    .spi_sclk_i        (spi_sclk_i),
    .spi_cs_ni         (spi_cs_ni),
    .spi_mosi_i        (spi_mosi_i),
    .spi_miso_o        (spi_miso_o),
    .pirq_no           (pirq_no),
    .go_o              (tpm_go),
    .cmd_cc_o          (tpm_cc),
    .trap_i            (tpm_trap),
    .cmd_pending_o     (tpm_pending),
    .rsp_done_o        (tpm_rsp_done),
    .ring_cr0_i        (cr0),
    .ring_trap_count_i (trap_count[15:0]),
    .ring_trap_cc_i    (trap_cc)
  );

  wire flash_sck, flash_cs_n, flash_mosi;
  spi_flash u_flash (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .req_i        (ok & sel_flash),
    .addr_i       (poff[11:0]),
    .we_i         (we),
    .wdata_i      (mem_wdata),
    .wstrb_i      (mem_wstrb),
    .rdata_o      (flash_rdata),
    .ack_o        (flash_ack),
    .flash_sck_o  (flash_sck),
    .flash_cs_no  (flash_cs_n),
    .flash_mosi_o (flash_mosi),
    .flash_miso_i (1'b1)
  );

  ring_control u_ring (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .req_i         (ok & sel_ring),
    .addr_i        (poff[11:0]),
    .we_i          (we),
    .wdata_i       (mem_wdata),
    .wstrb_i       (mem_wstrb),
    .rdata_o       (ring_rdata),
    .ack_o         (ring_ack),
    .cmd_pending_i (tpm_pending),
    .cmd_cc_i      (tpm_cc),
    .rsp_done_i    (tpm_rsp_done),
    .go_i          (tpm_go),
    .go_cc_i       (tpm_cc),
    .trap_o        (tpm_trap),
    .scrub_start_o (scrub_start),
    .scrub_busy_i  (scrubbing),
    .denied_i      (denied),
    .denied_addr_i (mem_addr),
    .cr0_o         (cr0),
    .trap_cc_o     (trap_cc),
    .trap_count_o  (trap_count)
  );

  seal_engine u_seal (
    .clk_i    (clk_i),
    .rst_ni   (rst_ni),
    .req_i    (ok & sel_seal),
    .addr_i   (poff[11:0]),
    .we_i     (we),
    .wdata_i  (mem_wdata),
    .wstrb_i  (mem_wstrb),
    .rdata_o  (seal_rdata),
    .ack_o    (seal_ack),
    .secret_i (TestSecret)
  );

  assign cr0_o       = cr0;
  assign scrubbing_o = scrubbing;
  wire unused_ok = &{1'b0, flash_sck, flash_cs_n, flash_mosi, trap_count[31:16], mem_la_addr};
endmodule
