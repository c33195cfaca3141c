#include "swtpm_session.h"

#include <vector>

#include "mctpm/error.h"
#include "tpm_spi_regs.h"

namespace mctpmd {

namespace {

uint32_t be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

void put_be32(std::vector<uint8_t>& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(uint8_t(v >> shift));
}

// tpm2-tss reads a control reply with a single read(): send it in one write.
void reply(Stream& s, const std::vector<uint8_t>& out) { s.write(out.data(), out.size()); }

void reply_result(Stream& s, uint32_t result) {
  std::vector<uint8_t> out;
  put_be32(out, result);
  reply(s, out);
}

}  // namespace

std::string serve_swtpm_data(Stream& s, SwtpmState& state, TpmBackend& tpm, Log& log) {
  for (;;) {
    std::vector<uint8_t> command(kTpmHeaderSize);
    if (!read_message_start(s, command.data(), kTpmHeaderSize, "a TPM command header")) return "client closed";
    const uint32_t size = be32(&command[2]);
    if (size < kTpmHeaderSize || size > kMaxTpmMessage)
      throw mctpm::Error(mctpm::Error::Kind::Protocol,
                         "TPM command size field " + std::to_string(size) + " is out of range");
    command.resize(size);
    read_message_rest(s, command.data() + kTpmHeaderSize, size - kTpmHeaderSize, "a TPM command");
    const auto response = run_command(tpm, log, "swtpm", state.locality.load(), command);
    reply(s, response);
  }
}

std::string serve_swtpm_ctrl(Stream& s, SwtpmState& state, TpmBackend& tpm, Log& log) {
  for (;;) {
    uint8_t code_buf[4];
    if (!read_message_start(s, code_buf, 4, "a control command code")) return "client closed";
    const uint32_t code = be32(code_buf);
    switch (code) {
      case kSwtpmGetCapability: {
        // The one reply without a result code: a bare 64-bit capability mask.
        std::vector<uint8_t> out;
        put_be32(out, uint32_t(kSwtpmCaps >> 32));
        put_be32(out, uint32_t(kSwtpmCaps));
        reply(s, out);
        break;
      }
      case kSwtpmInit: {
        uint8_t flags[4];
        read_message_rest(s, flags, 4, "INIT flags");
        state.running = true;
        log.debug("swtpm ctrl: INIT flags " + std::to_string(be32(flags)));
        reply_result(s, kSwtpmSuccess);
        break;
      }
      case kSwtpmShutdown:
      case kSwtpmStop:
        // The chip serves other clients too: only this endpoint stops.
        state.running = false;
        log.debug(code == kSwtpmStop ? "swtpm ctrl: STOP" : "swtpm ctrl: SHUTDOWN");
        reply_result(s, kSwtpmSuccess);
        break;
      case kSwtpmGetTpmEstablished: {
        bool established = false;
        uint32_t result = kSwtpmSuccess;
        try {
          established = tpm.tpm_established();
        } catch (const mctpm::Error& e) {
          log.info(std::string("swtpm ctrl: GET_TPMESTABLISHED failed: ") + e.what());
          result = kSwtpmFail;
        }
        std::vector<uint8_t> out;
        put_be32(out, result);
        out.push_back(established ? 1 : 0);
        out.insert(out.end(), 3, 0);  // struct padding of ptm_est
        reply(s, out);
        break;
      }
      case kSwtpmSetLocality: {
        uint8_t loc = 0;
        read_message_rest(s, &loc, 1, "SET_LOCALITY locality");
        if (loc >= MCTPM_TPM_SPI_LOCALITIES) {
          reply_result(s, kSwtpmBadLocality);
        } else {
          state.locality = loc;
          log.debug("swtpm ctrl: SET_LOCALITY " + std::to_string(loc));
          reply_result(s, kSwtpmSuccess);
        }
        break;
      }
      case kSwtpmResetTpmEstablished: {
        uint8_t loc = 0;
        read_message_rest(s, &loc, 1, "RESET_TPMESTABLISHED locality");
        if (loc >= MCTPM_TPM_SPI_LOCALITIES) {
          reply_result(s, kSwtpmBadLocality);
          break;
        }
        uint32_t result = kSwtpmSuccess;
        try {
          tpm.reset_established(loc);
        } catch (const mctpm::Error& e) {
          log.info(std::string("swtpm ctrl: RESET_TPMESTABLISHED failed: ") + e.what());
          result = kSwtpmFail;
        }
        reply_result(s, result);
        break;
      }
      case kSwtpmCancelTpmCmd:
        // Commands run to completion under the device lock; nothing to cancel.
        log.debug("swtpm ctrl: CANCEL_TPM_CMD");
        reply_result(s, kSwtpmSuccess);
        break;
      case kSwtpmGetConfig: {
        std::vector<uint8_t> out;
        put_be32(out, kSwtpmSuccess);
        put_be32(out, 0);  // no file key, no migration key
        reply(s, out);
        break;
      }
      case kSwtpmSetBufferSize: {
        uint8_t req[4];
        read_message_rest(s, req, 4, "SET_BUFFERSIZE size");
        // The chip's buffer is fixed: report it whatever was asked.
        std::vector<uint8_t> out;
        put_be32(out, kSwtpmSuccess);
        put_be32(out, kMaxTpmMessage);  // buffersize
        put_be32(out, kMaxTpmMessage);  // minsize
        put_be32(out, kMaxTpmMessage);  // maxsize
        reply(s, out);
        break;
      }
      default:
        reply_result(s, kSwtpmBadOrdinal);
        return "unknown control code " + std::to_string(code) + " (answered TPM_BAD_ORDINAL)";
    }
  }
}

}  // namespace mctpmd
