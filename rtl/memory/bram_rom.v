// Firmware ROM: block RAM whose initial contents are the firmware image.
// Read-only to the CPU. The image is loaded from INIT_FILE ($readmemh, one
// 32-bit word per line) at build; on boards ecpbram can later patch the same
// block RAM in a finished bitstream, so a firmware change needs no synthesis.
//
// Zero wait states: the SoC drives rd_en_i/rd_addr_i from the CPU's
// look-ahead interface one cycle before the access, so rdata_o holds the word
// in the very cycle the CPU's request appears (see mctpm_soc.v).
module bram_rom #(
  parameter integer Words    = 16384,
  parameter         InitFile = ""
) (
  input  wire                     clk_i,
  input  wire                     rd_en_i,    // read rd_addr_i at this edge
  input  wire [$clog2(Words)-1:0] rd_addr_i,
  output reg  [31:0]              rdata_o
);
  reg [31:0] mem [0:Words-1];

`ifdef MCTPM_SIM_FIRMWARE_PLUSARG
  // The simulator names the image at run time (+firmware=FILE), so a new
  // firmware build needs no new Verilated model.
  reg [8*1024-1:0] sim_path;
  initial begin
    if ($value$plusargs("firmware=%s", sim_path)) $readmemh(sim_path, mem);
    else if (InitFile != "") $readmemh(InitFile, mem);
  end
`else
  initial begin
    if (InitFile != "") $readmemh(InitFile, mem);
  end
`endif

  // Synchronous read port with enable: the word stays until the next read.
  always @(posedge clk_i) begin
    if (rd_en_i) rdata_o <= mem[rd_addr_i];
  end
endmodule
