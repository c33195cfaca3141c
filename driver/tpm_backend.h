// What the endpoint sessions need from the TPM behind them. The daemon's
// implementation is the device; tests plug in a fake.
#ifndef MCTPMD_TPM_BACKEND_H
#define MCTPMD_TPM_BACKEND_H

#include <cstdint>
#include <string>
#include <vector>

#include "log.h"

namespace mctpmd {

// The largest TPM command or response a client may send through an endpoint
// (tpm2-tss's TPM2_MAX_COMMAND_SIZE); larger is treated as malformed input.
constexpr uint32_t kMaxTpmMessage = 4096;
constexpr uint32_t kTpmHeaderSize = 10;

class TpmBackend {
 public:
  virtual ~TpmBackend() = default;
  virtual std::vector<uint8_t> execute(uint8_t locality, const std::vector<uint8_t>& command) = 0;
  virtual bool tpm_established() = 0;               // the PTP's tpmEstablished flag
  virtual void reset_established(uint8_t locality) = 0;
};

// execute() plus the per-command log line (with -v): endpoint, code, locality, rc, bytes.
std::vector<uint8_t> run_command(TpmBackend& tpm, Log& log, const char* endpoint, uint8_t locality,
                                 const std::vector<uint8_t>& command);

}  // namespace mctpmd

#endif
