// Model of the ring control block (RING_* in spec/soc_map.def, rtl/ring) and
// of the front end's trap rule, for the host tests: CR0, entry armed by
// RING_ENTER only in ring 0 while the pending command is LAUNCH or RESUME
// and taken when the response is handed over, a scrub that zeroes the
// context object, the trap and denied counters.
#ifndef MCTPM_TESTS_FIRMWARE_RING_HOST_MODEL_H
#define MCTPM_TESTS_FIRMWARE_RING_HOST_MODEL_H

#include <cstddef>
#include <cstdint>

namespace ring_model {
// Power-on: CR0 = 0, nothing armed, counters zero. The scrub zeroes
// [context, context + size).
void reset(void* context, size_t size);
uint32_t read(uint32_t offset);
void write(uint32_t offset, uint32_t value);

// The front end takes a command: a management code in ring 1 is trapped
// (CR0 := 0, counted, recorded) and answered in rsp (10 bytes, returns
// true); otherwise it becomes the pending command for the firmware.
bool command_arrives(const uint8_t* cmd, size_t len, uint8_t rsp[10]);
// The firmware handed the response over (RSP_LEN): an armed entry happens.
void response_handed_over();
// Tests set CR0 directly to reach code the hardware never lets through.
void force_cr0(bool ring1);
bool cr0();
uint32_t scrub_count();
}  // namespace ring_model

#endif
