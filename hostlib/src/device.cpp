// Management commands: marshalling in one place (call), one method each.
#include "mctpm/device.h"

#include <cstdio>

#include "big_endian.h"
#include "mctpm/tpm_rc.h"
#include "tpm_spi_regs.h"

namespace mctpm {

namespace {

constexpr uint16_t kTagNoSessions = 0x8001;
constexpr size_t kHeaderSize = 10;
constexpr uint32_t kRingStatusCr0 = 1u;  // MCTPM_RING_STATUS bit 0

class TpmSpiChannel : public CommandChannel {
 public:
  explicit TpmSpiChannel(TpmSpi& tpm) : tpm_(tpm) {}
  std::vector<uint8_t> transmit(const std::vector<uint8_t>& command) override { return tpm_.transmit(0, command); }
  uint32_t ring_status() override { return tpm_.read32(0, MCTPM_MCTPM_RING_STATUS); }

 private:
  TpmSpi& tpm_;
};

std::string hex32(uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08X", v);
  return b;
}

std::string command_label(uint32_t cc) {
  const char* n = management_command_name(cc);
  return n ? n : hex32(cc);
}

void append_be16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(uint8_t(v >> 8));
  out.push_back(uint8_t(v));
}

uint16_t load_be16(const uint8_t* p) { return uint16_t((p[0] << 8) | p[1]); }

std::vector<uint8_t> command_bytes(uint32_t cc, const std::vector<uint8_t>& params) {
  std::vector<uint8_t> cmd;
  append_be16(cmd, kTagNoSessions);
  append_be32(cmd, uint32_t(kHeaderSize + params.size()));
  append_be32(cmd, cc);
  cmd.insert(cmd.end(), params.begin(), params.end());
  return cmd;
}

// The response code, after checking the header is one the chip may send.
uint32_t checked_rc(uint32_t cc, const std::vector<uint8_t>& r) {
  if (r.size() < kHeaderSize)
    throw Error(Error::Kind::Protocol, command_label(cc) + ": response of " + std::to_string(r.size()) +
                                           " bytes is shorter than its header");
  if (load_be16(r.data()) != kTagNoSessions)
    throw Error(Error::Kind::Protocol, command_label(cc) + ": response tag is not TPM_ST_NO_SESSIONS");
  if (load_be32(r.data() + 2) != r.size())
    throw Error(Error::Kind::Protocol, command_label(cc) + ": response size field " +
                                           std::to_string(load_be32(r.data() + 2)) + " but " +
                                           std::to_string(r.size()) + " bytes arrived");
  return load_be32(r.data() + 6);
}

}  // namespace

std::string DeviceState::device_id_hex() const {
  std::string s;
  char b[3];
  for (uint8_t v : device_id) {
    std::snprintf(b, sizeof b, "%02x", v);
    s += b;
  }
  return s;
}

const char* slot_name(uint8_t slot) {
  switch (slot) {
    case MCTPM_MGMT_SLOT_EMPTY: return "empty";
    case MCTPM_MGMT_SLOT_ACTIVE: return "active";
    case MCTPM_MGMT_SLOT_PARKED: return "parked";
  }
  return "invalid";
}

const char* context_status_name(uint8_t status) {
  switch (status) {
    case MCTPM_MGMT_CONTEXT_UNKNOWN: return "unknown";
    case MCTPM_MGMT_CONTEXT_LIVE: return "live";
    case MCTPM_MGMT_CONTEXT_CLEARED: return "cleared";
  }
  return "invalid";
}

const char* pcr_model_name(uint8_t model) {
  switch (model) {
    case MCTPM_MGMT_PCR_MODEL_SHARED: return "shared";
    case MCTPM_MGMT_PCR_MODEL_PRIVATE: return "private";
  }
  return "invalid";
}

const char* management_command_name(uint32_t cc) {
  switch (cc) {
    case MCTPM_MGMT_CC_XON: return "XON";
    case MCTPM_MGMT_CC_XOFF: return "XOFF";
    case MCTPM_MGMT_CC_LAUNCH: return "LAUNCH";
    case MCTPM_MGMT_CC_EXIT: return "EXIT";
    case MCTPM_MGMT_CC_COMMIT: return "COMMIT";
    case MCTPM_MGMT_CC_RESUME: return "RESUME";
    case MCTPM_MGMT_CC_CLEAR: return "CLEAR";
    case MCTPM_MGMT_CC_GET_STATE: return "GET_STATE";
    case MCTPM_MGMT_CC_GET_CONTEXT: return "GET_CONTEXT";
  }
  return nullptr;
}

bool is_management_command(uint32_t cc) { return (cc & MCTPM_MGMT_CC_PAGE_MASK) == MCTPM_MGMT_CC_PAGE; }

Device::Device(TpmSpi& tpm) : channel_(std::make_shared<TpmSpiChannel>(tpm)) {}

// Not owned: an aliasing shared_ptr with no control block.
Device::Device(CommandChannel& channel) : channel_(std::shared_ptr<CommandChannel>(), &channel) {}

std::vector<uint8_t> Device::call_variable(uint32_t cc, const std::vector<uint8_t>& params) {
  const auto cmd = command_bytes(cc, params);
  auto r = channel_->transmit(cmd);
  uint32_t rc = checked_rc(cc, r);
  if (rc == MCTPM_MGMT_RC_TRAPPED) {
    // The trap took the chip to ring 0: the same command runs now.
    ++resent_;
    r = channel_->transmit(cmd);
    rc = checked_rc(cc, r);
    if (rc == MCTPM_MGMT_RC_TRAPPED)
      throw ManagementError(cc, rc, command_label(cc) + " trapped twice: the chip did not leave ring 1");
  }
  if (rc != 0) throw ManagementError(cc, rc, command_label(cc) + " refused: " + rc_description(rc));
  return std::vector<uint8_t>(r.begin() + kHeaderSize, r.end());
}

std::vector<uint8_t> Device::call(uint32_t cc, const std::vector<uint8_t>& params, size_t response_size) {
  auto p = call_variable(cc, params);
  if (p.size() != response_size)
    throw Error(Error::Kind::Protocol, command_label(cc) + ": " + std::to_string(p.size()) +
                                           " bytes of response parameters, expected " +
                                           std::to_string(response_size));
  return p;
}

void Device::xon(uint32_t pcr_mask) {
  std::vector<uint8_t> p;
  append_be32(p, pcr_mask);
  call(MCTPM_MGMT_CC_XON, p, 0);
}

void Device::xoff() { call(MCTPM_MGMT_CC_XOFF, {}, 0); }

uint32_t Device::launch(uint8_t pcr_model) {
  if (pcr_model != MCTPM_MGMT_PCR_MODEL_SHARED && pcr_model != MCTPM_MGMT_PCR_MODEL_PRIVATE)
    throw Error(Error::Kind::Usage, "PCR model " + std::to_string(pcr_model) + " does not exist (0 shared, 1 private)");
  return load_be32(call(MCTPM_MGMT_CC_LAUNCH, {pcr_model}, 4).data());
}

std::vector<uint8_t> Device::exit() {
  const auto p = call_variable(MCTPM_MGMT_CC_EXIT, {});
  if (p.size() < 2 || size_t(load_be16(p.data())) != p.size() - 2)
    throw Error(Error::Kind::Protocol, "EXIT: the blob's size field does not match the " +
                                           std::to_string(p.size()) + " bytes of response parameters");
  return std::vector<uint8_t>(p.begin() + 2, p.end());
}

void Device::commit() { call(MCTPM_MGMT_CC_COMMIT, {}, 0); }

uint32_t Device::resume(const std::vector<uint8_t>& blob) {
  if (blob.size() > 0xFFFF)
    throw Error(Error::Kind::Usage, "a blob of " + std::to_string(blob.size()) + " bytes does not fit RESUME's u16 size");
  std::vector<uint8_t> p;
  append_be16(p, uint16_t(blob.size()));
  p.insert(p.end(), blob.begin(), blob.end());
  return load_be32(call(MCTPM_MGMT_CC_RESUME, p, 4).data());
}

uint32_t Device::reenter() { return resume({}); }

void Device::clear(uint32_t context_id) {
  std::vector<uint8_t> p;
  append_be32(p, context_id);
  call(MCTPM_MGMT_CC_CLEAR, p, 0);
}

DeviceState Device::state() {
  const auto p = call(MCTPM_MGMT_CC_GET_STATE, {}, MCTPM_MGMT_STATE_SIZE);
  DeviceState s;
  s.virtualization = p[0] != 0;
  s.cr0 = p[1];
  s.slot = p[2];
  s.pcr_model = p[3];
  s.context_id = load_be32(&p[4]);
  s.counter = load_be32(&p[8]);
  s.pcr_mask = load_be32(&p[12]);
  s.trap_count = load_be32(&p[16]);
  s.denied_count = load_be32(&p[20]);
  s.live_contexts = load_be32(&p[24]);
  s.next_context_id = load_be32(&p[28]);
  for (size_t i = 0; i < sizeof s.device_id; ++i) s.device_id[i] = p[32 + i];
  return s;
}

ContextInfo Device::context(uint32_t context_id) {
  std::vector<uint8_t> params;
  append_be32(params, context_id);
  const auto p = call(MCTPM_MGMT_CC_GET_CONTEXT, params, 5);
  ContextInfo c;
  c.status = p[0];
  c.committed_counter = load_be32(&p[1]);
  return c;
}

std::vector<uint8_t> Device::transmit(const std::vector<uint8_t>& command) { return channel_->transmit(command); }

bool Device::in_ring1() { return (channel_->ring_status() & kRingStatusCr0) != 0; }

}  // namespace mctpm
