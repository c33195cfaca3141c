// Linux spidev backend: pure builders of the spi_ioc_transfer arrays (the CS
// choices are explained in spidev_transport.h) and a thin ioctl layer.
#include "mctpm/spidev_transport.h"

#include <fcntl.h>
#include <linux/spi/spidev.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "frequency_option.h"
#include "mctpm/error.h"

namespace mctpm {

namespace {

Error usage(const std::string& uri, const std::string& what) {
  return Error(Error::Kind::Usage,
               "device URI '" + uri + "': " + what + " (expected spidev:/dev/spidevB.C[,freq=HZ])");
}


spi_ioc_transfer blank(uint32_t speed_hz) {
  spi_ioc_transfer x;
  std::memset(&x, 0, sizeof x);
  x.speed_hz = speed_hz;
  x.bits_per_word = 8;
  return x;
}

}  // namespace

SpidevConfig parse_spidev_uri(const std::string& uri) {
  const std::string scheme = "spidev:";
  if (uri.compare(0, scheme.size(), scheme) != 0) throw usage(uri, "not a spidev URI");
  const std::string rest = uri.substr(scheme.size());
  SpidevConfig c;
  const auto comma = rest.find(',');
  c.path = rest.substr(0, comma);
  if (c.path.empty()) throw usage(uri, "no device path");
  size_t pos = comma;
  while (pos != std::string::npos) {
    const size_t next = rest.find(',', pos + 1);
    const std::string item = rest.substr(pos + 1, next == std::string::npos ? std::string::npos : next - pos - 1);
    pos = next;
    const auto eq = item.find('=');
    const std::string key = item.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : item.substr(eq + 1);
    if (key == "freq" && eq != std::string::npos) {
      if (!parse_frequency_hz(value, c.freq_hz)) throw usage(uri, "freq '" + value + "' is not a frequency in Hz");
    } else {
      throw usage(uri, "unknown option '" + item + "'");
    }
  }
  return c;
}

std::vector<spi_ioc_transfer> spidev_transfer_message(const uint8_t* tx, uint8_t* rx, size_t n, uint32_t speed_hz,
                                                      size_t bufsiz) {
  std::vector<spi_ioc_transfer> m;
  for (size_t off = 0; off < n; off += bufsiz) {
    spi_ioc_transfer x = blank(speed_hz);
    x.tx_buf = reinterpret_cast<uintptr_t>(tx + off);
    x.rx_buf = reinterpret_cast<uintptr_t>(rx + off);
    x.len = uint32_t(std::min(bufsiz, n - off));
    m.push_back(x);
  }
  if (!m.empty()) m.back().cs_change = 1;  // last transfer: keep CS asserted after the message
  return m;
}

std::vector<spi_ioc_transfer> spidev_release_message(uint32_t speed_hz) {
  // No data, cs_change = 0: the message ends with CS deasserted.
  return {blank(speed_hz)};
}

// ---- ioctl layer ----

namespace {

class SpidevDevice : public SpidevPort {
 public:
  explicit SpidevDevice(const SpidevConfig& c) : path_(c.path) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
    if (fd_ < 0) {
      const int e = errno;
      std::string hint;
      if (e == ENOENT) hint = " (is spidev bound to this chip select? e.g. a device-tree overlay or driver_override)";
      if (e == EACCES || e == EPERM) hint = " (permission denied: add your user to the group owning it, or a udev rule "
                                           "such as SUBSYSTEM==\"spidev\", GROUP=\"spi\", MODE=\"0660\")";
      throw Error(Error::Kind::Io, "cannot open " + path_ + ": " + std::strerror(e) + hint);
    }
    uint8_t mode = SPI_MODE_0, bits = 8;
    uint32_t speed = c.freq_hz;
    set(SPI_IOC_WR_MODE, &mode, "SPI_IOC_WR_MODE (mode 0)");
    set(SPI_IOC_WR_BITS_PER_WORD, &bits, "SPI_IOC_WR_BITS_PER_WORD (8)");
    set(SPI_IOC_WR_MAX_SPEED_HZ, &speed, "SPI_IOC_WR_MAX_SPEED_HZ (" + std::to_string(c.freq_hz) + ")");
  }
  ~SpidevDevice() override {
    if (fd_ >= 0) ::close(fd_);
  }

  void message(std::vector<spi_ioc_transfer>& xfers) override {
    const int rc = ::ioctl(fd_, SPI_IOC_MESSAGE(xfers.size()), xfers.data());
    if (rc < 0)
      throw Error(Error::Kind::Io, "SPI_IOC_MESSAGE(" + std::to_string(xfers.size()) + ") on " + path_ +
                                       " failed: " + std::strerror(errno));
  }
  std::string describe() const override { return "spidev:" + path_; }

 private:
  template <typename T>
  void set(unsigned long request, T* value, const std::string& what) {
    if (::ioctl(fd_, request, value) < 0) {
      const int e = errno;
      ::close(fd_);
      fd_ = -1;
      throw Error(Error::Kind::Io, what + " on " + path_ + " failed: " + std::strerror(e));
    }
  }
  std::string path_;
  int fd_ = -1;
};

}  // namespace

std::unique_ptr<SpidevPort> open_spidev_device(const SpidevConfig& config) {
  return std::make_unique<SpidevDevice>(config);
}

// ---- SpidevTransport ----

SpidevTransport::SpidevTransport(std::unique_ptr<SpidevPort> port, const SpidevConfig& config)
    : port_(std::move(port)), speed_hz_(config.freq_hz) {}

std::unique_ptr<SpidevTransport> SpidevTransport::open(const std::string& uri) {
  const SpidevConfig c = parse_spidev_uri(uri);
  return std::make_unique<SpidevTransport>(open_spidev_device(c), c);
}

void SpidevTransport::transfer(const uint8_t* mosi, uint8_t* miso, size_t n) {
  if (n == 0) return;
  auto m = spidev_transfer_message(mosi, miso, n, speed_hz_);
  port_->message(m);
  cs_low_ = true;
}

void SpidevTransport::release() {
  if (!cs_low_) return;
  auto m = spidev_release_message(speed_hz_);
  port_->message(m);
  cs_low_ = false;
}

void SpidevTransport::wait_us(uint32_t us) { std::this_thread::sleep_for(std::chrono::microseconds(us)); }

uint64_t SpidevTransport::now_us() {
  return uint64_t(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

std::string SpidevTransport::describe() const {
  return port_->describe() + " (SCK " + std::to_string(speed_hz_) + " Hz)";
}

}  // namespace mctpm
