// The chip's management commands (spec/management.md) over TpmSpi, locality 0:
// one method per command, responses decoded, refusals thrown as
// ManagementError naming the vendor response code.
//
// A management command the chip answers with MGMT_RC_TRAPPED arrived while a
// context was running in ring 1; the trap itself moved the chip to ring 0, so
// the command is sent once more (seed 001, Algorithm 1). The trapped context
// stays loaded (slot ACTIVE); reenter() gives the chip back to it.
#ifndef MCTPM_DEVICE_H
#define MCTPM_DEVICE_H

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "management.h"
#include "mctpm/error.h"
#include "mctpm/tpm_spi.h"

namespace mctpm {

class ManagementError : public Error {
 public:
  ManagementError(uint32_t command_code, uint32_t rc, const std::string& what)
      : Error(Kind::Device, what), command_code_(command_code), rc_(rc) {}
  uint32_t rc() const noexcept { return rc_; }
  uint32_t command_code() const noexcept { return command_code_; }

 private:
  uint32_t command_code_;
  uint32_t rc_;
};

// GET_STATE, decoded.
struct DeviceState {
  bool virtualization = false;
  uint8_t cr0 = 0;        // 1: ring 1 (never seen as 1: GET_STATE itself traps there)
  uint8_t slot = MCTPM_MGMT_SLOT_EMPTY;
  uint8_t pcr_model = MCTPM_MGMT_PCR_MODEL_SHARED;
  uint32_t context_id = 0;  // 0: none loaded
  uint32_t counter = 0;     // the loaded context's committed counter (PARKED: the pending one)
  uint32_t pcr_mask = 0;
  uint32_t trap_count = 0;
  uint32_t denied_count = 0;
  uint32_t live_contexts = 0;
  uint32_t next_context_id = 0;
  uint8_t device_id[8] = {};

  std::string device_id_hex() const;
};

// GET_CONTEXT, decoded.
struct ContextInfo {
  uint8_t status = MCTPM_MGMT_CONTEXT_UNKNOWN;  // MCTPM_MGMT_CONTEXT_UNKNOWN / _LIVE / _CLEARED
  uint32_t committed_counter = 0;
};

const char* slot_name(uint8_t slot);              // "empty", "active", "parked"
const char* context_status_name(uint8_t status);  // "unknown", "live", "cleared"
const char* pcr_model_name(uint8_t model);        // "shared", "private"
// "XON" ... "GET_CONTEXT" for the management codes, else nullptr.
const char* management_command_name(uint32_t command_code);
bool is_management_command(uint32_t command_code);

// Where the commands go. The chip's is TpmSpi (locality 0); tests script one.
class CommandChannel {
 public:
  virtual ~CommandChannel() = default;
  virtual std::vector<uint8_t> transmit(const std::vector<uint8_t>& command) = 0;
  // MCTPM_RING_STATUS: bit 0 CR0, bits 31:16 traps since reset.
  virtual uint32_t ring_status() = 0;
};

class Device {
 public:
  explicit Device(TpmSpi& tpm);              // commands in locality 0
  explicit Device(CommandChannel& channel);  // the caller keeps channel alive

  void xon(uint32_t pcr_mask);
  void xoff();
  uint32_t launch(uint8_t pcr_model);  // MCTPM_MGMT_PCR_MODEL_*; returns the new context id
  std::vector<uint8_t> exit();         // the sealed blob; the context stays PARKED
  void commit();
  uint32_t resume(const std::vector<uint8_t>& blob);  // returns the context id
  uint32_t reenter();                  // RESUME with size 0
  void clear(uint32_t context_id);
  DeviceState state();
  ContextInfo context(uint32_t context_id);

  // One command as is: no trap handling, the response as the chip sent it.
  std::vector<uint8_t> transmit(const std::vector<uint8_t>& command);

  // The RING_STATUS register: no command, so it neither traps nor leaves ring 1.
  bool in_ring1();

  // Management commands this object sent twice because the first was trapped.
  uint64_t resent_after_trap() const { return resent_; }

 private:
  std::vector<uint8_t> call(uint32_t command_code, const std::vector<uint8_t>& params, size_t response_size);
  std::vector<uint8_t> call_variable(uint32_t command_code, const std::vector<uint8_t>& params);

  std::shared_ptr<CommandChannel> channel_;
  uint64_t resent_ = 0;
};

}  // namespace mctpm

#endif
