// Model of a W25Q-class SPI NOR flash, backed by a file: the simulation's
// stand-in for the board's NV flash chip (a model of flash, not flash).
//
// Pin level, SPI mode 0: call eval() with the pins after every evaluation of
// the design, then feed miso() back. The model samples MOSI on SCK rising and
// changes MISO after SCK falling, like the chip.
//
// Commands: WREN 06, WRDI 04, RDSR 05 (WIP bit0, WEL bit1, repeated while CS
// stays low), RDID 9F (EF 40 log2(size)), READ 03 (wraps at the end of the
// array), PAGE PROGRAM 02 (wraps within the 256-byte page, the last 256 bytes
// sent count, bits only go 1 -> 0), SECTOR ERASE 20 (4 KiB), BLOCK ERASE D8
// (64 KiB), CHIP ERASE C7/60. Program and erase need WEL, act when CS rises
// on a byte boundary, then keep WIP set for a modelled time; WEL clears when
// they finish. While WIP is set only RDSR is answered. Other opcodes are
// ignored. Addresses wrap at the array size (a power of two).
//
// Persistence: the file is mapped MAP_SHARED and every completed program or
// erase is msync'd, so a killed simulator never loses one. A missing file is
// created filled with 0xFF (written to a temporary file, then renamed, so a
// half-created image is never left behind).
#ifndef MCTPM_VERILATOR_TB_SPI_FLASH_MODEL_H
#define MCTPM_VERILATOR_TB_SPI_FLASH_MODEL_H

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

class SpiFlashModel {
 public:
  struct Timing {
    uint64_t page_program_ps = 40ull * 1000 * 1000;   // 40 us (chip: ~0.4 ms)
    uint64_t sector_erase_ps = 300ull * 1000 * 1000;  // 300 us (chip: ~45 ms)
    uint64_t block_erase_ps = 1000ull * 1000 * 1000;  // 1 ms
    uint64_t chip_erase_ps = 5000ull * 1000 * 1000;   // 5 ms
  };

  static constexpr size_t kPageSize = 256;
  static constexpr size_t kSectorSize = 4096;
  static constexpr size_t kBlockSize = 65536;
  static constexpr uint8_t kManufacturer = 0xEF;  // Winbond
  static constexpr uint8_t kMemoryType = 0x40;    // W25Q, SPI mode

  // size_bytes: a power of two from 64 KiB to 16 MiB (24-bit addresses), or 0
  // to take the size of an existing file. An existing file of another size is
  // an error (std::runtime_error), as is any I/O failure.
  SpiFlashModel(const std::string& path, size_t size_bytes) : SpiFlashModel(path, size_bytes, Timing{}) {}
  SpiFlashModel(const std::string& path, size_t size_bytes, const Timing& timing) : timing_(timing) {
    struct stat st {};
    const bool exists = ::stat(path.c_str(), &st) == 0;
    if (!exists && errno != ENOENT) fail("cannot stat", path);
    if (size_bytes == 0) {
      if (!exists) throw std::runtime_error("flash model: " + path + " does not exist and no size was given");
      size_bytes = static_cast<size_t>(st.st_size);
    }
    if (size_bytes < kBlockSize || size_bytes > (size_t{1} << 24) || (size_bytes & (size_bytes - 1)) != 0) {
      throw std::runtime_error("flash model: size " + std::to_string(size_bytes) +
                               " is not a power of two from 64 KiB to 16 MiB");
    }
    if (exists && static_cast<size_t>(st.st_size) != size_bytes) {
      throw std::runtime_error("flash model: " + path + " holds " + std::to_string(st.st_size) +
                               " bytes, expected " + std::to_string(size_bytes));
    }
    if (!exists) create_erased(path, size_bytes);
    fd_ = ::open(path.c_str(), O_RDWR);
    if (fd_ < 0) fail("cannot open", path);
    void* p = ::mmap(nullptr, size_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (p == MAP_FAILED) {
      ::close(fd_);
      fail("cannot map", path);
    }
    mem_ = static_cast<uint8_t*>(p);
    size_ = size_bytes;
  }

  ~SpiFlashModel() {
    ::msync(mem_, size_, MS_SYNC);
    ::munmap(mem_, size_);
    ::close(fd_);
  }
  SpiFlashModel(const SpiFlashModel&) = delete;
  SpiFlashModel& operator=(const SpiFlashModel&) = delete;

  void eval(bool sck, bool cs_n, bool mosi, uint64_t time_ps) {
    now_ps_ = time_ps;
    if (busy_ && time_ps >= busy_until_ps_) {
      busy_ = false;
      wel_ = false;
    }
    if (cs_n) {
      if (!cs_n_) end_frame();
      cs_n_ = true;
      sck_ = sck;
      miso_ = true;  // released: the board's pull-up
      return;
    }
    if (cs_n_) begin_frame();
    cs_n_ = false;
    if (sck && !sck_) rising(mosi);
    if (!sck && sck_) falling();
    sck_ = sck;
  }

  bool miso() const { return miso_; }

  // For tests and tools: the array as the chip holds it, its size, whether a
  // program or erase is still running at the last eval() time, its id.
  const uint8_t* data() const { return mem_; }
  size_t size() const { return size_; }
  bool busy() const { return busy_ && now_ps_ < busy_until_ps_; }
  bool write_enabled() const { return wel_; }
  std::array<uint8_t, 3> jedec_id() const { return {kManufacturer, kMemoryType, capacity_code()}; }
  unsigned programs() const { return programs_; }
  unsigned erases() const { return erases_; }

 private:
  [[noreturn]] static void fail(const char* what, const std::string& path) {
    throw std::runtime_error(std::string("flash model: ") + what + " " + path + ": " + std::strerror(errno));
  }

  static void create_erased(const std::string& path, size_t size) {
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) fail("cannot create", tmp);
    std::array<uint8_t, kBlockSize> ff;
    ff.fill(0xFF);
    for (size_t off = 0; off < size; off += ff.size()) {
      size_t done = 0;
      while (done < ff.size()) {
        const ssize_t n = ::write(fd, ff.data() + done, ff.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          ::close(fd);
          fail("cannot write", tmp);
        }
        done += static_cast<size_t>(n);
      }
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) fail("cannot write", tmp);
    if (::rename(tmp.c_str(), path.c_str()) != 0) fail("cannot rename to", path);
  }

  uint8_t capacity_code() const {
    uint8_t log2 = 0;
    while ((size_t{1} << log2) < size_) ++log2;
    return log2;
  }

  uint8_t status() const { return static_cast<uint8_t>((wel_ ? 2 : 0) | (busy() ? 1 : 0)); }

  void begin_frame() {
    in_bits_ = 0;
    in_byte_ = 0;
    bytes_ = 0;
    opcode_ = 0;
    addr_ = 0;
    out_byte_ = 0xFF;
    out_valid_ = false;
    page_count_ = 0;
    miso_ = true;
  }

  void rising(bool mosi) {
    in_byte_ = static_cast<uint8_t>((in_byte_ << 1) | (mosi ? 1 : 0));
    if (++in_bits_ < 8) return;
    in_bits_ = 0;
    got_byte(in_byte_);
    ++bytes_;
  }

  // The next output bit goes out after SCK falls, valid across the next
  // rising edge (and until the next falling one).
  void falling() {
    if (!out_valid_) {
      miso_ = true;
      return;
    }
    miso_ = (out_byte_ & 0x80) != 0;
    out_byte_ = static_cast<uint8_t>(out_byte_ << 1);
    if (++out_bits_ == 8) out_valid_ = false;
  }

  void send(uint8_t b) {
    out_byte_ = b;
    out_bits_ = 0;
    out_valid_ = true;
  }

  // Byte `bytes_` of the frame has just been received; queue the byte to
  // shift out during the next one.
  void got_byte(uint8_t b) {
    if (bytes_ == 0) {
      opcode_ = b;
      if (busy() && opcode_ != kRdsr) {
        opcode_ = kIgnored;  // the chip answers only RDSR while WIP
        return;
      }
    } else if (bytes_ <= 3) {
      addr_ = (addr_ << 8) | b;
    }
    switch (opcode_) {
      case kRdsr:
        send(status());
        break;
      case kRdid:
        if (bytes_ < 3) send(jedec_id()[bytes_]);
        break;
      case kRead:
        if (bytes_ >= 3) send(mem_[(addr_ + (bytes_ - 3)) & (size_ - 1)]);
        break;
      case kPageProgram:
        if (bytes_ >= 4) {
          // Only the last kPageSize bytes count (see program()).
          page_[page_count_ % kPageSize] = b;
          ++page_count_;
        }
        break;
      default:
        break;
    }
  }

  void end_frame() {
    const bool on_byte_boundary = in_bits_ == 0;
    if (!on_byte_boundary || busy()) return;
    switch (opcode_) {
      case kWren:
        if (bytes_ == 1) wel_ = true;
        break;
      case kWrdi:
        if (bytes_ == 1) wel_ = false;
        break;
      case kPageProgram:
        if (wel_ && bytes_ >= 5) program();
        break;
      case kSectorErase:
        if (wel_ && bytes_ == 4) erase(addr_ & ~(kSectorSize - 1), kSectorSize, timing_.sector_erase_ps);
        break;
      case kBlockErase:
        if (wel_ && bytes_ == 4) erase(addr_ & ~(kBlockSize - 1), kBlockSize, timing_.block_erase_ps);
        break;
      case kChipErase:
      case kChipErase2:
        if (wel_ && bytes_ == 1) erase(0, size_, timing_.chip_erase_ps);
        break;
      default:
        break;
    }
  }

  void program() {
    const size_t page = (addr_ & (size_ - 1)) & ~(kPageSize - 1);
    const size_t column = addr_ & (kPageSize - 1);
    // Data byte i goes to column + i within the page; a later byte for the
    // same column replaces an earlier one, as in the chip's page latch.
    // page_[j] holds the last byte i with i % kPageSize == j.
    const size_t n = page_count_ < kPageSize ? page_count_ : kPageSize;
    for (size_t j = 0; j < n; ++j) mem_[page + ((column + j) % kPageSize)] &= page_[j];
    persist(page, kPageSize);
    ++programs_;
    start_busy(timing_.page_program_ps);
  }

  void erase(size_t start, size_t len, uint64_t duration_ps) {
    start &= size_ - 1;
    std::memset(mem_ + start, 0xFF, len);
    persist(start, len);
    ++erases_;
    start_busy(duration_ps);
  }

  void persist(size_t start, size_t len) {
    const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    const size_t from = start & ~(page - 1);
    if (::msync(mem_ + from, start + len - from, MS_SYNC) != 0) {
      throw std::runtime_error(std::string("flash model: msync failed: ") + std::strerror(errno));
    }
  }

  void start_busy(uint64_t duration_ps) {
    busy_ = true;
    busy_until_ps_ = now_ps_ + duration_ps;
  }

  static constexpr uint8_t kWrdi = 0x04, kWren = 0x06, kRdsr = 0x05, kRdid = 0x9F, kRead = 0x03,
                           kPageProgram = 0x02, kSectorErase = 0x20, kBlockErase = 0xD8,
                           kChipErase = 0xC7, kChipErase2 = 0x60;
  static constexpr uint16_t kIgnored = 0x100;  // not an opcode: the frame is ignored

  Timing timing_;
  int fd_ = -1;
  uint8_t* mem_ = nullptr;
  size_t size_ = 0;

  // pins and time at the last eval()
  bool sck_ = false;
  bool cs_n_ = true;
  bool miso_ = true;
  uint64_t now_ps_ = 0;

  // chip state
  bool wel_ = false;
  bool busy_ = false;
  uint64_t busy_until_ps_ = 0;
  unsigned programs_ = 0;
  unsigned erases_ = 0;

  // the frame in progress
  unsigned in_bits_ = 0;
  uint8_t in_byte_ = 0;
  size_t bytes_ = 0;
  uint16_t opcode_ = 0;
  uint32_t addr_ = 0;
  uint8_t out_byte_ = 0xFF;
  unsigned out_bits_ = 0;
  bool out_valid_ = false;
  std::array<uint8_t, kPageSize> page_{};
  size_t page_count_ = 0;
};

#endif
