// mctpm firmware entry: boot, then the command loop. The hardware front end
// answers every TPM register; this loop only executes finished commands.
#include "hal/clock.h"
#include "soc/console.h"
#include "soc/mmio.h"
#include "soc/tpm_interface.h"
#include "tpm/chip.h"
#include "tpm/nv_state.h"
#include "tpm/tpm.h"
#include "soc_map.h"

namespace {
// The root TPM and root data in the ROOT region, the active context's TPM in
// the CTX region (NOLOAD sections of soc/link.ld.S: chip_boot initialises
// ROOT, the hardware zeroes CTX at reset and on every scrub). RAM keeps only
// the stack, these two copies and scratch.
tpm::Root g_root __attribute__((section(".root")));
tpm::Tpm g_context __attribute__((section(".ctx")));
uint8_t g_cmd[MCTPM_TPMIF_BUF_SIZE] __attribute__((aligned(4)));
uint8_t g_rsp[MCTPM_TPMIF_BUF_SIZE] __attribute__((aligned(4)));
}  // namespace

int main() {
  tpm::Chip chip{&g_root, &g_context};
  const tpm::BootReport boot = tpm::chip_boot(chip);
  // The state the last power cycle left in the flash; the log says only
  // which case it was.
  switch (boot.nv) {
    case tpm::nv_state::LoadResult::Loaded:
      soc::console_write("nv: state loaded\n");
      break;
    case tpm::nv_state::LoadResult::Erased:
      soc::console_write("nv: flash erased, first boot\n");
      break;
    case tpm::nv_state::LoadResult::NoValid:
      soc::console_write("nv: no valid state record, starting fresh\n");
      break;
    case tpm::nv_state::LoadResult::Unavailable:
      soc::console_write("nv: flash unavailable, commands that save answer NV_UNAVAILABLE\n");
      break;
  }
  switch (boot.log) {
    case context::LoadResult::Loaded:
      soc::console_write("nv: context table loaded\n");
      break;
    case context::LoadResult::Empty:
      soc::console_write("nv: no context table, starting empty\n");
      break;
    case context::LoadResult::Unavailable:
      soc::console_write("nv: context table unavailable, LAUNCH/COMMIT/CLEAR answer MGMT_RC_NV\n");
      break;
  }
  soc::tpm_set_selftest_done(true);
  soc::console_write("mctpm firmware up\n");
  for (;;) {
    const soc::PendingCommand pc = soc::tpm_wait_command(g_cmd, sizeof g_cmd);
    tpm::CommandIn in;
    in.data = g_cmd;
    in.len = pc.len;
    in.locality = pc.locality;
    in.overflow = pc.overflow;
    const uint64_t t0 = hal::cycles();
    const size_t n = tpm::execute_chip(chip, in, g_rsp, sizeof g_rsp);
    // Handing the response over is also when an armed ring entry happens.
    soc::tpm_send_response(g_rsp, n);
    // The benchmark reads this count: command taken to response handed over.
    soc::write32(MCTPM_SYSCTL_BASE + MCTPM_SYSCTL_FW_CMD_CYCLES, uint32_t(hal::cycles() - t0));
  }
}
