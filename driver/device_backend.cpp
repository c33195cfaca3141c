#include "device_backend.h"

#include "tpm_spi_regs.h"

namespace mctpmd {

DeviceBackend::DeviceBackend(std::unique_ptr<mctpm::Transport> transport, mctpm::TpmSpi::Options options)
    : transport_(std::move(transport)), tpm_(*transport_, options) {}

std::vector<uint8_t> DeviceBackend::execute(uint8_t locality, const std::vector<uint8_t>& command) {
  std::lock_guard<std::mutex> lock(mutex_);
  return tpm_.transmit(locality, command);
}

bool DeviceBackend::tpm_established() {
  std::lock_guard<std::mutex> lock(mutex_);
  // ACCESS.tpmEstablishment is active low.
  return (tpm_.read8(0, MCTPM_TPM_ACCESS) & MCTPM_TPM_ACCESS_ESTABLISHMENT) == 0;
}

void DeviceBackend::reset_established(uint8_t locality) {
  std::lock_guard<std::mutex> lock(mutex_);
  tpm_.write32(locality, MCTPM_TPM_STS, MCTPM_TPM_STS_RESET_ESTABLISH);
}

}  // namespace mctpmd
