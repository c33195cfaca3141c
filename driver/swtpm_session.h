// The swtpm socket protocol that tpm2-tss's swtpm TCTI (and QEMU's control
// channel) speak: a data port carrying raw TPM commands and a control port.
#ifndef MCTPMD_SWTPM_SESSION_H
#define MCTPMD_SWTPM_SESSION_H

#include <atomic>
#include <cstdint>
#include <string>

#include "log.h"
#include "stream.h"
#include "tpm_backend.h"

namespace mctpmd {

// Control command codes and results (swtpm's tpm_ioctl.h, TPM 1.2 results).
enum SwtpmCtrl : uint32_t {
  kSwtpmGetCapability = 0x01,
  kSwtpmInit = 0x02,
  kSwtpmShutdown = 0x03,
  kSwtpmGetTpmEstablished = 0x04,
  kSwtpmSetLocality = 0x05,
  kSwtpmCancelTpmCmd = 0x09,
  kSwtpmResetTpmEstablished = 0x0B,
  kSwtpmStop = 0x0E,
  kSwtpmGetConfig = 0x0F,
  kSwtpmSetBufferSize = 0x11,
};
enum SwtpmResult : uint32_t {
  kSwtpmSuccess = 0x00,
  kSwtpmFail = 0x09,
  kSwtpmBadOrdinal = 0x0A,
  kSwtpmBadLocality = 0x3D,
};

// PTM_CAP_* bits of what serve_swtpm_ctrl implements.
constexpr uint64_t kSwtpmCaps = (1u << 0)      // INIT
                                | (1u << 1)    // SHUTDOWN
                                | (1u << 2)    // GET_TPMESTABLISHED
                                | (1u << 3)    // SET_LOCALITY
                                | (1u << 5)    // CANCEL_TPM_CMD
                                | (1u << 7)    // RESET_TPMESTABLISHED
                                | (1u << 10)   // STOP
                                | (1u << 11)   // GET_CONFIG
                                | (1u << 13);  // SET_BUFFERSIZE

// State one swtpm endpoint keeps between its control and data connections.
struct SwtpmState {
  explicit SwtpmState(uint8_t default_locality) : locality(default_locality) {}
  std::atomic<uint8_t> locality;
  std::atomic<bool> running{true};
};

// Serves one data connection: raw commands in, raw responses out, as many as
// the client sends (tpm2-tss connects once per command). Returns why it ended.
std::string serve_swtpm_data(Stream& s, SwtpmState& state, TpmBackend& tpm, Log& log);

// Serves one control connection. An unknown code is answered with
// TPM_BAD_ORDINAL and ends the connection: its payload length is unknown.
std::string serve_swtpm_ctrl(Stream& s, SwtpmState& state, TpmBackend& tpm, Log& log);

}  // namespace mctpmd

#endif
