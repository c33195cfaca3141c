// What the chip-backed transport tests run over any Transport: the identity
// registers, locality 0, TPM2_Startup(CLEAR) and TPM2_GetRandom(8).
#ifndef MCTPM_TESTS_CHIP_SESSION_H
#define MCTPM_TESTS_CHIP_SESSION_H

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "mctpm/tpm_rc.h"
#include "mctpm/tpm_spi.h"
#include "mctpm/transport.h"
#include "tpm_spi_regs.h"

namespace mctpm_test {

// Hardware backends time out on the wall clock, and the simulated chip runs
// far slower than a real one: allow it minutes, not milliseconds.
inline mctpm::TpmSpi::Options slow_chip_options() {
  mctpm::TpmSpi::Options o;
  o.timeout_a_us = o.timeout_b_us = o.timeout_c_us = o.timeout_d_us = 120000000;
  o.command_timeout_us = 300000000;
  return o;
}

// The header of the first frame a session sends: a 4-byte read of DID_VID in
// locality 0.
inline std::vector<uint8_t> did_vid_read_header() {
  const uint32_t a = MCTPM_TPM_SPI_ADDR_BASE + MCTPM_TPM_DID_VID;
  return {uint8_t(0x80 | (4 - 1)), uint8_t(a >> 16), uint8_t(a >> 8), uint8_t(a)};
}

inline void run_chip_session(mctpm::Transport& t) {
  mctpm::TpmSpi tpm(t, slow_chip_options());
  const auto ids = tpm.ids(0);
  EXPECT_EQ(ids.vid, MCTPM_TPM_VID);
  EXPECT_EQ(ids.did, MCTPM_TPM_DID);
  EXPECT_EQ(ids.rid, MCTPM_TPM_RID_VALUE);
  EXPECT_EQ(ids.intf_capability, MCTPM_TPM_INTF_CAPABILITY_VALUE);

  tpm.request_locality(0);
  EXPECT_EQ(tpm.read8(0, MCTPM_TPM_ACCESS) & (MCTPM_TPM_ACCESS_VALID | MCTPM_TPM_ACCESS_ACTIVE),
            MCTPM_TPM_ACCESS_VALID | MCTPM_TPM_ACCESS_ACTIVE);

  const std::vector<uint8_t> startup_clear = {0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x44, 0x00, 0x00};
  const auto r1 = tpm.transmit(0, startup_clear);
  EXPECT_EQ(mctpm::response_code(r1), 0u) << mctpm::rc_name(mctpm::response_code(r1));

  const std::vector<uint8_t> get_random_8 = {0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x7B, 0x00, 0x08};
  const auto r2 = tpm.transmit(0, get_random_8);
  ASSERT_EQ(mctpm::response_code(r2), 0u) << mctpm::rc_name(mctpm::response_code(r2));
  ASSERT_EQ(r2.size(), 10u + 2u + 8u);  // header, TPM2B size, 8 bytes
  EXPECT_EQ(r2[10], 0);
  EXPECT_EQ(r2[11], 8);
}

}  // namespace mctpm_test

#endif
