// TPM2_ReadClock (Part 3, chapter 29). Time counts from power-on, Clock from
// manufacture; both in milliseconds from the SoC cycle counter.
#include "hal/clock.h"

#include "tpm/command.h"

namespace tpm {
namespace {

constexpr uint32_t kCyclesPerMs = MCTPM_SYS_CLOCK_HZ / 1000u;

struct TimeInfo {
  uint64_t time;
  uint64_t clock;
  uint32_t reset_count;
  uint32_t restart_count;
  uint8_t safe;
};

TPM_RC read_clock_action(Tpm& tpm, const Command&, const Empty&, TimeInfo& out) {
  out.time = time_ms(tpm);
  out.clock = tpm.nv.clock_ms + out.time;
  out.reset_count = tpm.nv.reset_count;
  out.restart_count = tpm.nv.restart_count;
  out.safe = tpm.clock_safe ? 1 : 0;
  return TPM_RC_SUCCESS;
}

void marshal_time_info(Writer& w, const TimeInfo& out) {
  w.u64(out.time);
  w.u64(out.clock);
  w.u32(out.reset_count);
  w.u32(out.restart_count);
  w.u8(out.safe);
}

}  // namespace

uint64_t time_ms(const Tpm& tpm) {
  // Modular: a resumed context's power-on may lie before this chip's
  // (its Time goes on from where EXIT sealed it).
  return (hal::cycles() - tpm.power_on_cycles) / kCyclesPerMs;
}

uint64_t clock_ms(const Tpm& tpm) { return tpm.nv.clock_ms + time_ms(tpm); }

TPM_RC cmd_read_clock(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<Empty, TimeInfo, unmarshal_empty, read_clock_action, marshal_time_info>(
      tpm, cmd, w);
}

}  // namespace tpm
