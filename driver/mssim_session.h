// The Microsoft simulator protocol that tpm2-tss's mssim TCTI speaks:
// a TPM port (commands) and a platform port (power, NV, cancel signals).
#ifndef MCTPMD_MSSIM_SESSION_H
#define MCTPMD_MSSIM_SESSION_H

#include <cstdint>
#include <string>

#include "log.h"
#include "stream.h"
#include "tpm_backend.h"

namespace mctpmd {

// Codes of the mssim wire protocol (ms-tpm-20-ref TpmTcpProtocol.h).
enum MssimCode : uint32_t {
  kMssimPowerOn = 1,
  kMssimPowerOff = 2,
  kMssimPhysPresOn = 3,
  kMssimPhysPresOff = 4,
  kMssimHashStart = 5,
  kMssimHashData = 6,
  kMssimHashEnd = 7,
  kMssimSendCommand = 8,
  kMssimCancelOn = 9,
  kMssimCancelOff = 10,
  kMssimNvOn = 11,
  kMssimNvOff = 12,
  kMssimKeyCacheOn = 13,
  kMssimKeyCacheOff = 14,
  kMssimRemoteHandshake = 15,
  kMssimReset = 17,
  kMssimRestart = 18,
  kMssimSessionEnd = 20,
  kMssimStop = 21,
};

// Serves one TPM-port connection until the client ends it; returns why it
// ended. Malformed input throws mctpm::Error (Protocol).
std::string serve_mssim_tpm(Stream& s, TpmBackend& tpm, Log& log);

// Serves one platform-port connection: every signal is acknowledged with a
// 32-bit 0. The chip is shared, so power and NV signals change nothing.
std::string serve_mssim_platform(Stream& s, Log& log);

}  // namespace mctpmd

#endif
