// Privilege ring control (rtl/ring, RING_* in spec/soc_map.def): CR0, entry
// to ring 1 at the response, scrubbing the CTX region, the trap and denied
// access records.
#ifndef MCTPM_HAL_RING_H
#define MCTPM_HAL_RING_H

#include <stdint.h>

namespace hal {
namespace ring {

// RING_STATUS.CR0: the command being executed arrived in ring 1.
bool in_ring1();
// RING_ENTER: CR0 becomes 1 when this command's response is handed over.
// The hardware honours it only in ring 0, with no scrub running, while the
// pending command is LAUNCH or RESUME. Returns RING_STATUS.entry armed.
bool arm_enter();
// RING_SCRUB, then waits until STATUS.scrub busy clears: the whole CTX
// region reads zero afterwards.
void scrub();
// RING_SCRUB without the wait (about 2048 cycles): until the hardware is
// done, CTX reads give 0 and writes are dropped. Whoever fills the region
// next calls wait_scrubbed() first.
void start_scrub();
void wait_scrubbed();
uint32_t trap_count();    // RING_TRAP_COUNT
uint32_t denied_count();  // RING_DENIED_COUNT

}  // namespace ring
}  // namespace hal

#endif
