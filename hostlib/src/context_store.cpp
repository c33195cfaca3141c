#include "mctpm/context_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "mctpm/error.h"
#include "mctpm/device.h"
#include "mctpm/sealed_blob.h"

namespace mctpm {

namespace {

constexpr size_t kMaxNameLength = 64;
constexpr const char* kTempSuffix = ".tmp";

[[noreturn]] void io_error(const std::string& what, const std::string& path, int err) {
  throw Error(Error::Kind::Io, what + " " + path + ": " + std::strerror(err));
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::optional<std::vector<uint8_t>> read_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    io_error("cannot open", path, errno);
  }
  std::vector<uint8_t> out;
  uint8_t buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      io_error("cannot read", path, err);
    }
    if (n == 0) break;
    out.insert(out.end(), buf, buf + n);
  }
  ::close(fd);
  return out;
}

void remove_file(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) io_error("cannot remove", path, errno);
}

std::string meta_text(const ContextMeta& m) {
  std::ostringstream s;
  s << "context_id " << m.context_id << "\npcr_model " << pcr_model_name(m.pcr_model) << "\nmssim_port "
    << m.mssim_port << "\nswtpm_port " << m.swtpm_port << "\n";
  return s.str();
}

ContextMeta parse_meta(const std::string& text, const std::string& path) {
  ContextMeta m;
  bool have_id = false, have_model = false;
  std::istringstream in(text);
  std::string line;
  unsigned line_no = 0;
  auto bad = [&](const std::string& why) {
    throw Error(Error::Kind::Protocol, path + " line " + std::to_string(line_no) + ": " + why);
  };
  auto number = [&](const std::string& v, unsigned long max) {
    if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos || v.size() > 10)
      bad("'" + v + "' is not a number");
    const unsigned long n = std::stoul(v);
    if (n > max) bad(v + " is out of range");
    return n;
  };
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    const auto sp = line.find(' ');
    if (sp == std::string::npos) bad("expected 'key value'");
    const std::string key = line.substr(0, sp), value = line.substr(sp + 1);
    if (key == "context_id") {
      m.context_id = uint32_t(number(value, 0xFFFFFFFFul));
      have_id = true;
    } else if (key == "pcr_model") {
      if (value == pcr_model_name(MCTPM_MGMT_PCR_MODEL_SHARED))
        m.pcr_model = MCTPM_MGMT_PCR_MODEL_SHARED;
      else if (value == pcr_model_name(MCTPM_MGMT_PCR_MODEL_PRIVATE))
        m.pcr_model = MCTPM_MGMT_PCR_MODEL_PRIVATE;
      else
        bad("pcr_model must be shared or private");
      have_model = true;
    } else if (key == "mssim_port") {
      m.mssim_port = uint16_t(number(value, 65534));
    } else if (key == "swtpm_port") {
      m.swtpm_port = uint16_t(number(value, 65534));
    } else {
      bad("unknown key '" + key + "'");
    }
  }
  if (!have_id || !have_model)
    throw Error(Error::Kind::Protocol, path + ": context_id and pcr_model are required");
  return m;
}

}  // namespace

bool ContextStore::valid_name(const std::string& name) {
  if (name.empty() || name.size() > kMaxNameLength || name[0] == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-';
  });
}

void ContextStore::check_name(const std::string& name) {
  if (!valid_name(name))
    throw Error(Error::Kind::Usage, "'" + name + "' is not a valid context name: use 1 to " +
                                        std::to_string(kMaxNameLength) +
                                        " of A-Z a-z 0-9 _ . - and do not start with '.'");
}

ContextStore::ContextStore(const std::string& dir) : dir_(dir) {
  if (dir_.empty()) throw Error(Error::Kind::Usage, "the context store needs a directory");
  if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST) io_error("cannot create the store directory", dir_, errno);
  struct stat st{};
  if (::stat(dir_.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw Error(Error::Kind::Io, "context store " + dir_ + " is not a directory");
  const std::string lock = dir_ + "/.lock";
  lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ < 0) io_error("cannot open", lock, errno);
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(lock_fd_);
    lock_fd_ = -1;
    if (err == EWOULDBLOCK)
      throw Error(Error::Kind::Io, "context store " + dir_ + " is in use by another process (or object)");
    io_error("cannot lock", lock, err);
  }
  // Temporary files are what a crash between write and rename leaves: the
  // real file next to it is still the last good one.
  if (DIR* d = ::opendir(dir_.c_str())) {
    while (dirent* e = ::readdir(d)) {
      const std::string n = e->d_name;
      if (n.size() > 1 && n[0] == '.' && ends_with(n, kTempSuffix)) ::unlink((dir_ + "/" + n).c_str());
    }
    ::closedir(d);
  }
}

ContextStore::~ContextStore() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

ContextStore::ContextStore(ContextStore&& other) noexcept : dir_(std::move(other.dir_)), lock_fd_(other.lock_fd_) {
  other.lock_fd_ = -1;
}

std::string ContextStore::path(const std::string& name, const char* kind) const {
  check_name(name);
  return dir_ + "/" + name + "." + kind;
}

std::vector<std::string> ContextStore::list() const {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir_.c_str());
  if (!d) io_error("cannot list", dir_, errno);
  while (dirent* e = ::readdir(d)) {
    const std::string n = e->d_name;
    if (!ends_with(n, ".meta")) continue;
    const std::string name = n.substr(0, n.size() - 5);
    if (valid_name(name)) names.push_back(name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

bool ContextStore::contains(const std::string& name) const {
  struct stat st{};
  return ::stat(path(name, "meta").c_str(), &st) == 0;
}

StoredContext ContextStore::load(const std::string& name) const {
  StoredContext c;
  c.name = name;
  const std::string meta_path = path(name, "meta");
  const auto meta = read_file(meta_path);
  if (!meta) throw Error(Error::Kind::Usage, "no context named '" + name + "' in " + dir_);
  c.meta = parse_meta(std::string(meta->begin(), meta->end()), meta_path);
  c.blob = read_file(path(name, "blob"));
  c.pending = read_file(path(name, "pending"));
  return c;
}

void ContextStore::sync_dir() {
  const int fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) io_error("cannot open", dir_, errno);
  const int r = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (r != 0) io_error("cannot fsync", dir_, err);
}

void ContextStore::write_atomic(const std::string& name, const char* kind, const std::vector<uint8_t>& bytes) {
  const std::string final_path = path(name, kind);
  const std::string temp = dir_ + "/." + name + "." + kind + kTempSuffix;
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) io_error("cannot create", temp, errno);
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      io_error("cannot write", temp, err);
    }
    done += size_t(w);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    io_error("cannot fsync", temp, err);
  }
  ::close(fd);
  if (::rename(temp.c_str(), final_path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    io_error("cannot rename into", final_path, err);
  }
  sync_dir();
}

void ContextStore::save_meta(const std::string& name, const ContextMeta& meta) {
  const std::string text = meta_text(meta);
  write_atomic(name, "meta", std::vector<uint8_t>(text.begin(), text.end()));
}

void ContextStore::save_pending(const std::string& name, const std::vector<uint8_t>& blob) {
  const auto stored = load(name);
  const auto header = parse_sealed_blob(blob);
  if (header.context_id != stored.meta.context_id)
    throw Error(Error::Kind::Usage, "blob of context id " + std::to_string(header.context_id) + " does not belong to '" +
                                        name + "' (context id " + std::to_string(stored.meta.context_id) + ")");
  write_atomic(name, "pending", blob);
}

void ContextStore::promote_pending(const std::string& name) {
  const std::string from = path(name, "pending"), to = path(name, "blob");
  if (::rename(from.c_str(), to.c_str()) != 0) io_error("cannot promote", from, errno);
  sync_dir();
}

void ContextStore::drop_pending(const std::string& name) {
  remove_file(path(name, "pending"));
  sync_dir();
}

void ContextStore::remove(const std::string& name) {
  remove_file(path(name, "pending"));
  remove_file(path(name, "blob"));
  sync_dir();
  remove_file(path(name, "meta"));
  sync_dir();
}


ReconcileResult ContextStore::reconcile(const std::string& name, uint32_t committed) {
  const auto c = load(name);
  // A file that does not parse carries no counter.
  auto counter_of = [](const std::optional<std::vector<uint8_t>>& f) -> std::optional<uint32_t> {
    if (!f) return std::nullopt;
    try {
      return parse_sealed_blob(*f).counter;
    } catch (const Error&) {
      return std::nullopt;
    }
  };
  const auto blob = counter_of(c.blob), pending = counter_of(c.pending);
  const std::string want = "committed counter " + std::to_string(committed);
  if (pending && *pending == committed) {
    promote_pending(name);
    return {ReconcileResult::Outcome::PendingPromoted, name + ": pending blob carries the " + want + ": promoted"};
  }
  if (blob && *blob == committed) {
    if (c.pending) {
      drop_pending(name);
      return {ReconcileResult::Outcome::BlobCurrent,
              name + ": blob carries the " + want + "; the uncommitted pending blob was dropped"};
    }
    return {ReconcileResult::Outcome::BlobCurrent, name + ": blob carries the " + want};
  }
  auto describe = [](const char* what, const std::optional<std::vector<uint8_t>>& f,
                     const std::optional<uint32_t>& counter) {
    if (!f) return std::string("no ") + what;
    if (!counter) return std::string(what) + " unreadable";
    return std::string(what) + " counter " + std::to_string(*counter);
  };
  return {ReconcileResult::Outcome::NeitherCurrent, name + ": no file carries the " + want + " (" +
                                                        describe("blob", c.blob, blob) + ", " +
                                                        describe("pending", c.pending, pending) + "); kept as is"};
}

}  // namespace mctpm
