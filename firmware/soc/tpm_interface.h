// Firmware side of the SPI TPM front end: the hardware answers every TPM
// register and moves bytes; firmware only takes a finished command out of
// the command buffer and puts the response into the response buffer.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace soc {
struct PendingCommand {
  size_t len;         // bytes received (at most the buffer size)
  uint8_t locality;
  bool overflow;      // the host sent more bytes than the buffer holds
};

// Blocks until the host has written a command and tpmGo; copies it to dst.
PendingCommand tpm_wait_command(uint8_t* dst, size_t cap);
// Hands the response to the hardware: sets STS.dataAvail.
void tpm_send_response(const uint8_t* rsp, size_t len);
void tpm_set_selftest_done(bool done);
}  // namespace soc
