// The device secret: the model of fuses in simulation, a per-device
// bitstream constant on boards.
//
// With MCTPM_SIM_FUSES_PLUSARG defined (the Verilated simulator) the value
// is read from the file named by the plusarg +fuses=FILE: one line of 64 hex
// digits, read left to right as secret bytes 0..31 (byte 0 in bits
// 255:248). Without the plusarg the secret is 0 (unprovisioned). Otherwise
// the secret is the Secret parameter of the board top (0 = unprovisioned).
// The output goes only to the sealing engine's key slot (seal_engine).
`default_nettype none

module device_secret #(
  parameter [255:0] Secret = 256'd0
) (
  output wire [255:0] secret_o
);

`ifdef MCTPM_SIM_FUSES_PLUSARG
  reg [255:0] fuses [0:0];
  reg [4095:0] fuse_file;  // up to 512 characters of path

  initial begin
    fuses[0] = 256'd0;
    if ($value$plusargs("fuses=%s", fuse_file)) begin
      $readmemh(fuse_file, fuses);
    end
  end

  assign secret_o = fuses[0];

  wire [255:0] unused_secret_param = Secret;
`else
  assign secret_o = Secret;
`endif

endmodule

`default_nettype wire
