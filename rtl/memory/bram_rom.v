// Firmware ROM: block RAM whose initial contents are the firmware image.
// Read-only to the CPU. The image is loaded from INIT_FILE ($readmemh, one
// 32-bit word per line) at build; on boards ecpbram can later patch the same
// block RAM in a finished bitstream, so a firmware change needs no synthesis.
module bram_rom #(
  parameter integer Words    = 16384,
  parameter         InitFile = ""
) (
  input  wire                     clk_i,
  input  wire                     req_i,
  input  wire [$clog2(Words)-1:0] word_addr_i,
  output reg  [31:0]              rdata_o,
  output reg                      ack_o
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

  // Synchronous read, one wait state: ack the cycle after the request.
  always @(posedge clk_i) begin
    rdata_o <= mem[word_addr_i];
    ack_o   <= req_i & ~ack_o;
  end
endmodule
