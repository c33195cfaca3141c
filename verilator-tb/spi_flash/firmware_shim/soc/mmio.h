// Stand-in for firmware/soc/mmio.h when the firmware NV driver
// (firmware/soc/nv_flash.cpp) runs on the host against the Verilated
// controller: register accesses become bus cycles of the harness
// (spi_flash_test.cpp defines these). This folder comes before firmware/ on
// the include path of that test only.
#pragma once
#include <stdint.h>
#include "soc_map.h"

namespace soc {
uint32_t read32(uint32_t addr);
void write32(uint32_t addr, uint32_t v);
}  // namespace soc
