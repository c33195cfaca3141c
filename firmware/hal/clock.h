// The SoC cycle counter, counting at MCTPM_SYS_CLOCK_HZ (generated soc_map.h).
#ifndef MCTPM_HAL_CLOCK_H
#define MCTPM_HAL_CLOCK_H

#include <stdint.h>

#include "soc_map.h"

namespace hal {
uint64_t cycles();
}  // namespace hal

#endif
