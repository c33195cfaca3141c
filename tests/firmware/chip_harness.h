// A whole modelled chip for the management tests: the firmware's root and
// context objects, the ring and sealing-engine models behind the real SoC
// drivers, the in-memory flash, and what the front end and main.cpp do
// around tpm::execute_chip (trap rule, ring entry at the response).
#ifndef MCTPM_TESTS_FIRMWARE_CHIP_HARNESS_H
#define MCTPM_TESTS_FIRMWARE_CHIP_HARNESS_H

#include <openssl/hmac.h>

#include <cstring>
#include <memory>

#include "management.h"
#include "nv_layout.h"
#include "ring_host_model.h"
#include "seal_engine_host_model.h"
#include "host_hal.h"
#include "tpm/chip.h"
#include "tpm_client.h"

namespace tpmtest {

inline Bytes secret_of(uint8_t seed) {
  Bytes s(32);
  for (size_t i = 0; i < s.size(); ++i) s[i] = uint8_t(seed * 31 + i * 7);
  return s;
}

struct State {
  uint8_t virt, cr0, slot, model;
  uint32_t id, counter, mask, traps, denied, live, next_id;
  Bytes device_id;
};

class ChipTest : public ::testing::Test {
 protected:
  void SetUp() override {
    host_hal::nv_reset(MCTPM_NV_MIN_FLASH_SIZE);
    seal_model::set_secret(secret_of(1));
    root_.reset(new tpm::Root());
    ctx_.reset(new tpm::Tpm());
    power_on();
  }
  void TearDown() override { host_hal::nv_reset(MCTPM_NV_MIN_FLASH_SIZE); }

  // Reset: CTX zeroed by the hardware, ring model at power-on, firmware boot.
  void power_on() {
    std::memset(static_cast<void*>(ctx_.get()), 0, sizeof(tpm::Tpm));
    ring_model::reset(ctx_.get(), sizeof(tpm::Tpm));
    seal_model::set_secret(seal_model::secret());
    chip_ = tpm::Chip{root_.get(), ctx_.get()};
    tpm::chip_boot(chip_);
  }

  // The front end, the firmware's execute_chip, the response handed over.
  Rsp send(const Bytes& cmd, uint8_t locality = 0) {
    Bytes rsp(4096);
    if (ring_model::command_arrives(cmd.data(), cmd.size(), rsp.data())) {
      rsp.resize(10);
      return Rsp(rsp);
    }
    tpm::CommandIn in{cmd.data(), cmd.size(), locality, false};
    const size_t n = tpm::execute_chip(chip_, in, rsp.data(), rsp.size());
    ring_model::response_handed_over();
    rsp.resize(n);
    EXPECT_GE(n, 10u);
    Rsp r(rsp);
    EXPECT_EQ(r.size(), n);
    return r;
  }
  uint32_t rc(const Bytes& cmd, uint8_t locality = 0) { return send(cmd, locality).rc(); }

  static Cmd mgmt(uint32_t cc) { return Cmd(kNoSessions, cc); }
  uint32_t xon(uint32_t mask = MCTPM_MGMT_DEFAULT_PCR_MASK) { return rc(mgmt(MCTPM_MGMT_CC_XON).u32(mask).done()); }
  uint32_t xoff() { return rc(mgmt(MCTPM_MGMT_CC_XOFF).done()); }
  uint32_t launch_rc(uint8_t model, uint32_t* id = nullptr) {
    Rsp r = send(mgmt(MCTPM_MGMT_CC_LAUNCH).u8(model).done());
    if (r.rc() == 0 && id != nullptr) *id = r.u32();
    return r.rc();
  }
  uint32_t launch(uint8_t model = MCTPM_MGMT_PCR_MODEL_SHARED) {
    uint32_t id = 0;
    EXPECT_EQ(launch_rc(model, &id), 0u);
    return id;
  }
  // EXIT from ring 1 is trapped first: the host then sends it again in ring 0.
  uint32_t exit_rc(Bytes* blob) {
    Rsp r = send(mgmt(MCTPM_MGMT_CC_EXIT).done());
    if (r.rc() == MCTPM_MGMT_RC_TRAPPED) r = send(mgmt(MCTPM_MGMT_CC_EXIT).done());
    if (r.rc() == 0 && blob != nullptr) {
      *blob = r.tpm2b();
      EXPECT_EQ(r.left(), 0u);
    }
    return r.rc();
  }
  Bytes exit_blob() {
    Bytes b;
    EXPECT_EQ(exit_rc(&b), 0u);
    return b;
  }
  uint32_t commit() { return rc(mgmt(MCTPM_MGMT_CC_COMMIT).done()); }
  uint32_t resume(const Bytes& blob, uint32_t* id = nullptr) {
    Rsp r = send(mgmt(MCTPM_MGMT_CC_RESUME).tpm2b(blob).done());
    if (r.rc() == 0 && id != nullptr) *id = r.u32();
    return r.rc();
  }
  uint32_t clear(uint32_t id) { return rc(mgmt(MCTPM_MGMT_CC_CLEAR).u32(id).done()); }
  State state() {
    Rsp r = send(mgmt(MCTPM_MGMT_CC_GET_STATE).done());
    EXPECT_EQ(r.rc(), 0u);
    State s;
    s.virt = r.u8();
    s.cr0 = r.u8();
    s.slot = r.u8();
    s.model = r.u8();
    s.id = r.u32();
    s.counter = r.u32();
    s.mask = r.u32();
    s.traps = r.u32();
    s.denied = r.u32();
    s.live = r.u32();
    s.next_id = r.u32();
    s.device_id = r.bytes(8);
    EXPECT_EQ(r.left(), 0u);
    return s;
  }
  // GET_CONTEXT: status, committed counter.
  std::pair<uint8_t, uint32_t> context_info(uint32_t id) {
    Rsp r = send(mgmt(MCTPM_MGMT_CC_GET_CONTEXT).u32(id).done());
    EXPECT_EQ(r.rc(), 0u);
    const uint8_t st = r.u8();
    return {st, r.u32()};
  }
  // Ordinary commands, in whatever ring the chip is in.
  uint32_t startup() { return rc(Cmd(kNoSessions, 0x144).u16(0).done()); }
  uint32_t extend(unsigned pcr, const Bytes& digest32, uint8_t locality = 0) {
    return rc(Cmd(kSessions, 0x182).u32(pcr).pw_session().u32(1).u16(0x000B).bytes(digest32).done(),
              locality);
  }
  Bytes pcr_read(uint16_t alg, unsigned pcr, uint32_t* counter = nullptr) {
    Cmd c(kNoSessions, 0x17E);
    c.u32(1).u16(alg).u8(3);
    for (unsigned i = 0; i < 3; ++i) c.u8(i == pcr / 8 ? uint8_t(1u << (pcr % 8)) : 0);
    Rsp r = send(c.done());
    EXPECT_EQ(r.rc(), 0u);
    const uint32_t n = r.u32();
    if (counter != nullptr) *counter = n;
    r.u32();
    r.bytes(6);
    EXPECT_EQ(r.u32(), 1u);
    return r.tpm2b();
  }
  // The whole ring-0 dance to get a context out: trap, EXIT, COMMIT.
  Bytes park_and_commit() {
    Bytes b = exit_blob();
    EXPECT_EQ(commit(), 0u);
    return b;
  }
  Bytes device_id_by_openssl() const {
    const Bytes& s = seal_model::secret();
    unsigned char d[32];
    unsigned int n = 32;
    const char label[] = "MCTPM DEVICE ID";
    HMAC(EVP_sha256(), s.data(), int(s.size()), reinterpret_cast<const unsigned char*>(label),
         sizeof label - 1, d, &n);
    return Bytes(d, d + 8);
  }
  bool context_region_zero() const {
    const uint8_t* p = reinterpret_cast<const uint8_t*>(ctx_.get());
    for (size_t i = 0; i < sizeof(tpm::Tpm); ++i) {
      if (p[i] != 0) return false;
    }
    return true;
  }

  std::unique_ptr<tpm::Root> root_;
  std::unique_ptr<tpm::Tpm> ctx_;
  tpm::Chip chip_{};
};

}  // namespace tpmtest

#endif
