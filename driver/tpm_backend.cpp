#include "tpm_backend.h"

#include <cstdio>

#include "mctpm/tpm_rc.h"

namespace mctpmd {

namespace {

uint32_t be32_at(const std::vector<uint8_t>& v, size_t at) {
  if (v.size() < at + 4) return 0;
  return (uint32_t(v[at]) << 24) | (uint32_t(v[at + 1]) << 16) | (uint32_t(v[at + 2]) << 8) | v[at + 3];
}

}  // namespace

std::vector<uint8_t> run_command(TpmBackend& tpm, Log& log, const char* endpoint, uint8_t locality,
                                 const std::vector<uint8_t>& command) {
  std::vector<uint8_t> response = tpm.execute(locality, command);
  if (log.verbose()) {
    const uint32_t cc = be32_at(command, 6);
    const uint32_t rc = be32_at(response, 6);
    char line[160];
    std::snprintf(line, sizeof line, "%s: cc 0x%08X locality %u rc 0x%08X %s, %zu bytes in, %zu bytes out", endpoint,
                  cc, unsigned(locality), rc, mctpm::rc_name(rc).c_str(), command.size(), response.size());
    log.debug(line);
  }
  return response;
}

}  // namespace mctpmd
