// Host implementation of firmware/hal/ for the firmware unit tests (OpenSSL
// for the hash compressions and entropy, steady_clock for cycles), plus the
// knobs the tests turn.
#ifndef MCTPM_TESTS_FIRMWARE_HOST_HAL_H
#define MCTPM_TESTS_FIRMWARE_HOST_HAL_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace host_hal {
// Makes hal::entropy_read report a failed health test.
void set_entropy_failure(bool failed);
// Moves hal::cycles() forward, so clock tests need not wait.
void advance_cycles(uint64_t n);

// The in-memory flash behind hal/nv.h (hal_nv_host.cpp): one device for the
// whole test program.
// Starts over with an erased device of `size` bytes (0: no flash at all).
void nv_reset(size_t size);
// true: every erase and program fails and changes nothing.
void nv_set_failure(bool failing);
const std::vector<uint8_t>& nv_contents();
}  // namespace host_hal

#endif
