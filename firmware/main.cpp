// mctpm firmware entry: boot, then the command loop. The hardware front end
// answers every TPM register; this loop only executes finished commands.
#include "hal/clock.h"
#include "soc/console.h"
#include "soc/mmio.h"
#include "soc/tpm_interface.h"
#include "tpm/tpm.h"
#include "soc_map.h"

namespace {
// All TPM state of the (single, for now) context lives in this one object.
tpm::Tpm g_tpm;
uint8_t g_cmd[MCTPM_TPMIF_BUF_SIZE] __attribute__((aligned(4)));
uint8_t g_rsp[MCTPM_TPMIF_BUF_SIZE] __attribute__((aligned(4)));
}  // namespace

int main() {
  tpm::init(g_tpm);
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
    const size_t n = tpm::execute(g_tpm, in, g_rsp, sizeof g_rsp);
    soc::tpm_send_response(g_rsp, n);
    // The benchmark reads this count: command taken to response handed over.
    soc::write32(MCTPM_SYSCTL_BASE + MCTPM_SYSCTL_FW_CMD_CYCLES, uint32_t(hal::cycles() - t0));
  }
}
