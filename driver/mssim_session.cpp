#include "mssim_session.h"

#include <vector>

#include "mctpm/error.h"

namespace mctpmd {

namespace {

uint32_t be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

void put_be32(std::vector<uint8_t>& out, uint32_t v) {
  out.push_back(uint8_t(v >> 24));
  out.push_back(uint8_t(v >> 16));
  out.push_back(uint8_t(v >> 8));
  out.push_back(uint8_t(v));
}

// REMOTE_HANDSHAKE answer: protocol version 1, flag "platform available".
constexpr uint32_t kServerVersion = 1;
constexpr uint32_t kFlagPlatformAvailable = 1;

const char* platform_name(uint32_t code) {
  switch (code) {
    case kMssimPowerOn: return "POWER_ON (already on)";
    case kMssimPowerOff: return "POWER_OFF (ignored: the chip is shared)";
    case kMssimPhysPresOn: return "PHYS_PRES_ON";
    case kMssimPhysPresOff: return "PHYS_PRES_OFF";
    case kMssimCancelOn: return "CANCEL_ON";
    case kMssimCancelOff: return "CANCEL_OFF";
    case kMssimNvOn: return "NV_ON";
    case kMssimNvOff: return "NV_OFF";
    case kMssimKeyCacheOn: return "KEY_CACHE_ON";
    case kMssimKeyCacheOff: return "KEY_CACHE_OFF";
    case kMssimReset: return "RESET (ignored: the chip is shared)";
    case kMssimRestart: return "RESTART (ignored: the chip is shared)";
    default: return nullptr;
  }
}

}  // namespace

std::string serve_mssim_tpm(Stream& s, TpmBackend& tpm, Log& log) {
  for (;;) {
    uint8_t code_buf[4];
    if (!read_message_start(s, code_buf, 4, "an mssim command code")) return "client closed";
    const uint32_t code = be32(code_buf);
    switch (code) {
      case kMssimSendCommand: {
        uint8_t head[5];
        read_message_rest(s, head, sizeof head, "an mssim command header");
        const uint8_t locality = head[0];
        const uint32_t len = be32(head + 1);
        if (len < kTpmHeaderSize || len > kMaxTpmMessage)
          throw mctpm::Error(mctpm::Error::Kind::Protocol,
                             "mssim command length " + std::to_string(len) + " is out of range");
        std::vector<uint8_t> command(len);
        read_message_rest(s, command.data(), len, "an mssim TPM command");
        const auto response = run_command(tpm, log, "mssim", locality, command);
        std::vector<uint8_t> out;
        out.reserve(response.size() + 8);
        put_be32(out, uint32_t(response.size()));
        out.insert(out.end(), response.begin(), response.end());
        put_be32(out, 0);
        s.write(out.data(), out.size());
        break;
      }
      case kMssimRemoteHandshake: {
        uint8_t v[4];
        read_message_rest(s, v, 4, "the handshake client version");
        if (be32(v) == 0) return "handshake with client version 0";
        std::vector<uint8_t> out;
        put_be32(out, kServerVersion);
        put_be32(out, kFlagPlatformAvailable);
        put_be32(out, 0);
        s.write(out.data(), out.size());
        break;
      }
      case kMssimSessionEnd:
        return "SESSION_END";
      case kMssimStop:
        return "STOP";
      default:
        throw mctpm::Error(mctpm::Error::Kind::Protocol,
                           "unsupported mssim TPM-port code " + std::to_string(code));
    }
  }
}

std::string serve_mssim_platform(Stream& s, Log& log) {
  for (;;) {
    uint8_t code_buf[4];
    if (!read_message_start(s, code_buf, 4, "an mssim platform code")) return "client closed";
    const uint32_t code = be32(code_buf);
    if (code == kMssimSessionEnd) return "SESSION_END";
    if (code == kMssimStop) return "STOP";
    if (const char* name = platform_name(code))
      log.debug(std::string("mssim platform: ") + name);
    else
      log.info("mssim platform: unknown code " + std::to_string(code) + ", acknowledged");
    const uint8_t ok[4] = {0, 0, 0, 0};
    s.write(ok, sizeof ok);
  }
}

}  // namespace mctpmd
