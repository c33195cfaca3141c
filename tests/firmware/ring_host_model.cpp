#include "ring_host_model.h"

#include <cstring>

#include "management.h"
#include "soc_map.h"

namespace ring_model {
namespace {
struct Ring {
  void* context = nullptr;
  size_t size = 0;
  bool cr0 = false;
  bool armed = false;
  bool resident = false;
  uint32_t pending_cc = 0;
  uint32_t trap_cc = 0;
  uint32_t trap_count = 0;
  uint32_t denied_count = 0;
  uint32_t denied_addr = 0;
  uint32_t scrubs = 0;
};
Ring& ring() {
  static Ring r;
  return r;
}
uint32_t be32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}
}  // namespace

void reset(void* context, size_t size) {
  ring() = Ring();
  ring().context = context;
  ring().size = size;
}

uint32_t read(uint32_t off) {
  const Ring& r = ring();
  switch (off) {
    case MCTPM_RING_STATUS:
      return (r.cr0 ? MCTPM_RING_STATUS_CR0 : 0u) | (r.armed ? MCTPM_RING_STATUS_ARMED : 0u) |
             (r.resident ? MCTPM_RING_STATUS_RESIDENT : 0u);
    case MCTPM_RING_TRAP_CC:
      return r.trap_cc;
    case MCTPM_RING_TRAP_COUNT:
      return r.trap_count;
    case MCTPM_RING_DENIED_COUNT:
      return r.denied_count;
    case MCTPM_RING_DENIED_ADDR:
      return r.denied_addr;
    default:
      return 0;
  }
}

void write(uint32_t off, uint32_t v) {
  Ring& r = ring();
  if ((v & 1u) == 0) return;
  if (off == MCTPM_RING_ENTER) {
    if (!r.cr0 && (r.pending_cc == MCTPM_MGMT_CC_LAUNCH || r.pending_cc == MCTPM_MGMT_CC_RESUME)) {
      r.armed = true;
    }
  } else if (off == MCTPM_RING_SCRUB) {
    // The model finishes at once: STATUS.scrub busy is never seen set.
    if (r.context != nullptr) std::memset(r.context, 0, r.size);
    r.resident = false;
    ++r.scrubs;
  }
}

bool command_arrives(const uint8_t* cmd, size_t len, uint8_t rsp[10]) {
  Ring& r = ring();
  const uint32_t cc = len >= 10 ? be32(cmd + 6) : 0;
  if (r.cr0 && (cc & MCTPM_MGMT_CC_PAGE_MASK) == MCTPM_MGMT_CC_PAGE) {
    r.cr0 = false;
    r.trap_cc = cc;
    ++r.trap_count;
    const uint8_t trapped[10] = {0x80, 0x01, 0, 0, 0, 10, 0, 0, uint8_t(MCTPM_MGMT_RC_TRAPPED >> 8),
                                 uint8_t(MCTPM_MGMT_RC_TRAPPED & 0xFF)};
    std::memcpy(rsp, trapped, 10);
    return true;
  }
  r.pending_cc = cc;
  return false;
}

void response_handed_over() {
  Ring& r = ring();
  if (r.armed) {
    r.cr0 = true;
    r.resident = true;
    r.armed = false;
  }
  r.pending_cc = 0;
}

void force_cr0(bool ring1) { ring().cr0 = ring1; }
bool cr0() { return ring().cr0; }
uint32_t scrub_count() { return ring().scrubs; }

}  // namespace ring_model
