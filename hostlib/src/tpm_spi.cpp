// TPM-over-SPI (TCG PC Client PTP, FIFO interface). Frame: header byte
// (bit 7 read, bits 5:0 size-1), 24-bit address, then the data phase; the TPM
// may stretch the transaction with wait states after the address.
#include "mctpm/tpm_spi.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "mctpm/error.h"
#include "tpm_spi_regs.h"

namespace mctpm {

namespace {

constexpr size_t kMaxXfer = MCTPM_TPM_SPI_MAX_XFER;
constexpr size_t kHeaderSize = 10;   // TPM 2.0 command/response header: tag, size, code
constexpr uint32_t kMaxResponse = 1u << 16;  // sanity bound on a response's size field

std::string hex32(uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08X", v);
  return b;
}

uint32_t burst_count(uint32_t sts) { return (sts >> MCTPM_TPM_STS_BURST_SHIFT) & 0xFFFFu; }

uint32_t be32_at(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

}  // namespace

TpmSpi::TpmSpi(Transport& t, Options o) : t_(t), o_(o) {}

void TpmSpi::check_locality(uint8_t locality) const {
  if (locality >= MCTPM_TPM_SPI_LOCALITIES)
    throw Error(Error::Kind::Usage, "locality " + std::to_string(locality) + " does not exist (0.." +
                                        std::to_string(MCTPM_TPM_SPI_LOCALITIES - 1) + ")");
}

void TpmSpi::frame(bool is_read, uint8_t locality, uint16_t offset, uint8_t* data, size_t n) {
  const uint32_t addr = MCTPM_TPM_SPI_ADDR_BASE + (uint32_t(locality) << 12) + offset;
  const uint8_t header[4] = {uint8_t((is_read ? 0x80 : 0x00) | (n - 1)), uint8_t(addr >> 16), uint8_t(addr >> 8),
                             uint8_t(addr)};
  uint8_t miso[4];
  t_.transfer(header, miso, sizeof header);
  // Flow control: bit 0 of the byte clocked with the last address byte.
  if ((miso[3] & 1) == 0) {
    unsigned polls = 0;
    for (;;) {
      if (polls == o_.max_wait_polls) {
        t_.release();
        throw Error(Error::Kind::Timeout, std::string("TPM held the wait state for ") + std::to_string(polls) +
                                              " polls on " + (is_read ? "read" : "write") + " of locality " +
                                              std::to_string(locality) + " offset " + hex32(offset));
      }
      const uint8_t zero = 0;
      uint8_t b = 0;
      t_.transfer(&zero, &b, 1);
      ++polls;
      if (b & 1) break;
    }
  }
  if (is_read) {
    uint8_t zeros[kMaxXfer] = {};
    t_.transfer(zeros, data, n);
  } else {
    uint8_t ignored[kMaxXfer];
    t_.transfer(data, ignored, n);
  }
  t_.release();
}

void TpmSpi::read(uint8_t locality, uint16_t offset, uint8_t* out, size_t n) {
  check_locality(locality);
  for (size_t done = 0; done < n;) {
    const size_t chunk = std::min(n - done, kMaxXfer);
    frame(true, locality, offset, out + done, chunk);
    done += chunk;
  }
}

void TpmSpi::write(uint8_t locality, uint16_t offset, const uint8_t* in, size_t n) {
  check_locality(locality);
  for (size_t done = 0; done < n;) {
    const size_t chunk = std::min(n - done, kMaxXfer);
    uint8_t buf[kMaxXfer];
    std::memcpy(buf, in + done, chunk);
    frame(false, locality, offset, buf, chunk);
    done += chunk;
  }
}

uint8_t TpmSpi::read8(uint8_t locality, uint16_t offset) {
  uint8_t v = 0;
  read(locality, offset, &v, 1);
  return v;
}

uint32_t TpmSpi::read32(uint8_t locality, uint16_t offset) {
  uint8_t b[4];
  read(locality, offset, b, 4);
  return uint32_t(b[0]) | (uint32_t(b[1]) << 8) | (uint32_t(b[2]) << 16) | (uint32_t(b[3]) << 24);
}

void TpmSpi::write8(uint8_t locality, uint16_t offset, uint8_t v) { write(locality, offset, &v, 1); }

void TpmSpi::write32(uint8_t locality, uint16_t offset, uint32_t v) {
  const uint8_t b[4] = {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)};
  write(locality, offset, b, 4);
}

void TpmSpi::wait_until(const std::function<bool()>& done, uint32_t timeout_us, const std::string& step) {
  const uint64_t start = t_.now_us();
  for (;;) {
    if (done()) return;
    if (t_.now_us() - start > timeout_us)
      throw Error(Error::Kind::Timeout, step + ": no answer within " + std::to_string(timeout_us) + " us");
    if (o_.poll_interval_us) t_.wait_us(o_.poll_interval_us);
  }
}

uint32_t TpmSpi::wait_sts(uint8_t locality, uint32_t mask, uint32_t timeout_us, const std::string& step) {
  uint32_t sts = 0;
  wait_until([&] { return ((sts = read32(locality, MCTPM_TPM_STS)) & mask) == mask; }, timeout_us,
             step + " (STS " + hex32(mask) + ")");
  return sts;
}

uint32_t TpmSpi::wait_burst(uint8_t locality, const std::string& step) {
  uint32_t sts = 0;
  wait_until(
      [&] {
        sts = read32(locality, MCTPM_TPM_STS);
        return (sts & MCTPM_TPM_STS_VALID) && burst_count(sts) > 0;
      },
      o_.timeout_d_us, step + " (burstCount)");
  return sts;
}

void TpmSpi::request_locality(uint8_t l) {
  check_locality(l);
  write8(l, MCTPM_TPM_ACCESS, MCTPM_TPM_ACCESS_REQUEST_USE);
  const uint8_t want = MCTPM_TPM_ACCESS_VALID | MCTPM_TPM_ACCESS_ACTIVE;
  wait_until([&] { return (read8(l, MCTPM_TPM_ACCESS) & want) == want; }, o_.timeout_a_us,
             "requesting locality " + std::to_string(l));
  owned_ = l;
}

void TpmSpi::release_locality(uint8_t l) {
  check_locality(l);
  write8(l, MCTPM_TPM_ACCESS, MCTPM_TPM_ACCESS_ACTIVE);
  if (owned_ == l) owned_.reset();
}

void TpmSpi::ensure_locality(uint8_t locality) {
  const uint8_t want = MCTPM_TPM_ACCESS_VALID | MCTPM_TPM_ACCESS_ACTIVE;
  if ((read8(locality, MCTPM_TPM_ACCESS) & want) == want) {
    owned_ = locality;
    return;
  }
  // The chip grants one locality at a time: give back the one we hold.
  if (owned_ && *owned_ != locality) release_locality(*owned_);
  request_locality(locality);
}

void TpmSpi::read_fifo(uint8_t locality, uint8_t* out, size_t n, uint32_t& sts, const std::string& step) {
  for (size_t done = 0; done < n;) {
    if (burst_count(sts) == 0) sts = wait_burst(locality, step);
    const size_t chunk = std::min({size_t(burst_count(sts)), n - done, kMaxXfer});
    read(locality, MCTPM_TPM_DATA_FIFO, out + done, chunk);
    done += chunk;
    sts = read32(locality, MCTPM_TPM_STS);
  }
}

std::vector<uint8_t> TpmSpi::transmit(uint8_t locality, const std::vector<uint8_t>& command) {
  check_locality(locality);
  if (command.size() < kHeaderSize)
    throw Error(Error::Kind::Usage, "TPM command of " + std::to_string(command.size()) +
                                        " bytes is shorter than its 10-byte header");
  if (be32_at(&command[2]) != command.size())
    throw Error(Error::Kind::Usage, "TPM command size field says " + std::to_string(be32_at(&command[2])) +
                                        " bytes but the command has " + std::to_string(command.size()));
  ensure_locality(locality);
  try {
    // 1. commandReady: the TPM is idle and takes a new command.
    uint32_t sts = read32(locality, MCTPM_TPM_STS);
    if (!(sts & MCTPM_TPM_STS_COMMAND_READY)) {
      write8(locality, MCTPM_TPM_STS, MCTPM_TPM_STS_COMMAND_READY);
      sts = wait_sts(locality, MCTPM_TPM_STS_COMMAND_READY, o_.timeout_b_us, "waiting for commandReady");
    }

    // 2. All but the last byte in bursts; the TPM must keep asking for more.
    const size_t last = command.size() - 1;
    for (size_t sent = 0; sent < last;) {
      if (!(sts & MCTPM_TPM_STS_VALID) || burst_count(sts) == 0) sts = wait_burst(locality, "writing the command");
      const size_t chunk = std::min({size_t(burst_count(sts)), last - sent, kMaxXfer});
      write(locality, MCTPM_TPM_DATA_FIFO, &command[sent], chunk);
      sent += chunk;
      sts = wait_sts(locality, MCTPM_TPM_STS_VALID, o_.timeout_c_us, "checking Expect after a command burst");
      if (!(sts & MCTPM_TPM_STS_EXPECT))
        throw Error(Error::Kind::Protocol, "TPM stopped expecting command bytes after " + std::to_string(sent) +
                                               " of " + std::to_string(command.size()));
    }

    // 3. The last byte alone; now Expect must drop: the TPM saw the whole command.
    if (burst_count(sts) == 0) sts = wait_burst(locality, "writing the last command byte");
    write8(locality, MCTPM_TPM_DATA_FIFO, command[last]);
    sts = wait_sts(locality, MCTPM_TPM_STS_VALID, o_.timeout_c_us, "checking Expect after the last byte");
    if (sts & MCTPM_TPM_STS_EXPECT)
      throw Error(Error::Kind::Protocol, "TPM still expects data after all " + std::to_string(command.size()) +
                                             " command bytes");

    // 4. tpmGo, then wait for the response.
    write8(locality, MCTPM_TPM_STS, MCTPM_TPM_STS_GO);
    sts = wait_sts(locality, MCTPM_TPM_STS_VALID | MCTPM_TPM_STS_DATA_AVAIL, o_.command_timeout_us,
                   "waiting for the response (dataAvail)");

    // 5. Header first for the size, then the rest.
    std::vector<uint8_t> response(kHeaderSize);
    read_fifo(locality, response.data(), kHeaderSize, sts, "reading the response header");
    const uint32_t size = be32_at(&response[2]);
    if (size < kHeaderSize || size > kMaxResponse)
      throw Error(Error::Kind::Protocol, "response header has size field " + std::to_string(size));
    response.resize(size);
    read_fifo(locality, response.data() + kHeaderSize, size - kHeaderSize, sts, "reading the response body");

    // 6. The FIFO must now be empty.
    if (!(sts & MCTPM_TPM_STS_VALID))
      sts = wait_sts(locality, MCTPM_TPM_STS_VALID, o_.timeout_c_us, "checking dataAvail after the response");
    if (sts & MCTPM_TPM_STS_DATA_AVAIL)
      throw Error(Error::Kind::Protocol, "TPM still has data after the " + std::to_string(size) +
                                             "-byte response (STS " + hex32(sts) + ")");

    // 7. Back to idle.
    write8(locality, MCTPM_TPM_STS, MCTPM_TPM_STS_COMMAND_READY);
    return response;
  } catch (const Error& e) {
    // Abort the command like tpm_tis does, so the next one starts clean. If
    // the link itself is broken this fails too; the first error is the one
    // worth reporting.
    if (e.kind() != Error::Kind::Io) {
      try {
        write8(locality, MCTPM_TPM_STS, MCTPM_TPM_STS_COMMAND_READY);
      } catch (const Error&) {
      }
    }
    throw;
  }
}

TpmSpi::Ids TpmSpi::ids(uint8_t locality) {
  const uint32_t did_vid = read32(locality, MCTPM_TPM_DID_VID);
  Ids ids{};
  ids.vid = uint16_t(did_vid & 0xFFFF);
  ids.did = uint16_t(did_vid >> 16);
  ids.rid = read8(locality, MCTPM_TPM_RID);
  ids.intf_capability = read32(locality, MCTPM_TPM_INTF_CAPABILITY);
  ids.interface_id = read32(locality, MCTPM_TPM_INTERFACE_ID);
  return ids;
}

}  // namespace mctpm
