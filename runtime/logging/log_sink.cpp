#include "logging/log_sink.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "server/host_name.h"

namespace pg::runtime {

namespace {

void write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a full disk or closed pipe loses the line, never the request
    data.remove_prefix(static_cast<size_t>(n));
  }
}

// A file, or a standard stream: one line per write().
class FdSink : public LogSink {
 public:
  FdSink(int fd, bool owned) : fd_(fd), owned_(owned) {}
  ~FdSink() override {
    if (owned_) ::close(fd_);
  }
  void write(std::string_view line) override {
    std::string buf;
    buf.reserve(line.size() + 1);
    buf.append(line).push_back('\n');
    write_all(fd_, buf);
  }

 private:
  int fd_;
  bool owned_;
};

class DiscardSink : public LogSink {
 public:
  void write(std::string_view) override {}
};

struct SyslogSpec {
  std::string address;
  int facility = 16;  // local0
  int severity = 6;   // info
  std::string format = "rfc3164";
  std::string tag;
  bool hostname = false;
  bool pid = false;
};

int code_of(const std::string& name, const std::vector<std::string>& names, const std::string& what) {
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<int>(i);
  throw std::runtime_error(fmt::format("unknown syslog {} \"{}\"", what, name));
}

SyslogSpec parse_syslog(const std::string& spec) {
  static const std::vector<std::string> facilities = {
      "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "auth2", "ftp",
      "ntp", "audit", "alert", "cron2", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"};
  static const std::vector<std::string> severities = {"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};
  SyslogSpec s;
  size_t pos = 0;
  bool first = true;
  while (pos <= spec.size()) {
    size_t comma = spec.find(',', pos);
    std::string item = spec.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    auto eq = item.find('=');
    std::string key = item.substr(0, eq), value = eq == std::string::npos ? "" : item.substr(eq + 1);
    if (first) s.address = item;
    else if (key == "facility") s.facility = code_of(value, facilities, "facility");
    else if (key == "level") s.severity = code_of(value == "error" ? "err" : value == "warn" ? "warning" : value,
                                                  severities, "level");
    else if (key == "format") s.format = value;
    else if (key == "tag") s.tag = value;
    else if (key == "hostname") s.hostname = true;
    else if (key == "pid") s.pid = true;
    else throw std::runtime_error(fmt::format("unknown syslog parameter \"{}\"", item));
    first = false;
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  if (s.format != "raw" && s.format != "rfc3164" && s.format != "rfc5424" && s.format != "short" &&
      s.format != "priority")
    throw std::runtime_error(fmt::format("unknown syslog format \"{}\"", s.format));
  return s;
}

// Sends each line as one datagram (or one write to a standard stream) with the
// syslog header its format asks for.
class SyslogSink : public LogSink {
 public:
  SyslogSink(SyslogSpec spec, int fd, bool stream, bool owned)
      : spec_(std::move(spec)), fd_(fd), stream_(stream), owned_(owned), host_(host_name()) {}
  ~SyslogSink() override {
    if (owned_) ::close(fd_);
  }
  void write(std::string_view line) override {
    std::string msg = header();
    msg.append(line);
    if (stream_) {
      msg.push_back('\n');
      write_all(fd_, msg);
    } else {
      ::send(fd_, msg.data(), msg.size(), MSG_DONTWAIT | MSG_NOSIGNAL);  // a full socket drops the line
    }
  }

 private:
  std::string header() const {
    const int pri = spec_.facility * 8 + spec_.severity;
    if (spec_.format == "raw") return {};
    if (spec_.format == "short" || spec_.format == "priority") return fmt::format("<{}>", pri);
    auto now = std::chrono::system_clock::now();
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    localtime_r(&t, &tm);
    std::string pid = spec_.pid ? fmt::format("[{}]", getpid()) : "";
    if (spec_.format == "rfc5424") {
      auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
      long off = tm.tm_gmtoff / 60;
      char sign = off < 0 ? '-' : '+';
      if (off < 0) off = -off;
      return fmt::format("<{}>1 {}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}{}{:02}:{:02} {} {} {} - - ", pri,
                         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, us, sign,
                         off / 60, off % 60, host_.empty() ? "-" : host_, spec_.tag.empty() ? "-" : spec_.tag,
                         spec_.pid ? std::to_string(getpid()) : "-");
    }
    char stamp[32];
    std::strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
    return fmt::format("<{}>{} {}{}{}: ", pri, stamp, spec_.hostname ? host_ + " " : "", spec_.tag, pid);
  }

  SyslogSpec spec_;
  int fd_;
  bool stream_;
  bool owned_;
  std::string host_;
};

std::unique_ptr<LogSink> open_syslog(const std::string& spec_text) {
  SyslogSpec spec = parse_syslog(spec_text);
  std::string addr = spec.address;
  for (const char* prefix : {"udp@", "udp4@", "ipv4@", "udp6@", "ipv6@"})
    if (addr.rfind(prefix, 0) == 0) addr = addr.substr(std::strlen(prefix));
  if (addr == "stdout" || addr == "stderr")
    return std::make_unique<SyslogSink>(spec, addr == "stdout" ? 1 : 2, true, false);
  if (addr.rfind("unix@", 0) == 0) addr = addr.substr(5);
  if (!addr.empty() && addr.front() == '/') {
    int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    if (fd < 0 || addr.size() >= sizeof(sun.sun_path)) {
      if (fd >= 0) ::close(fd);
      throw std::runtime_error(fmt::format("cannot open syslog socket {}", addr));
    }
    std::memcpy(sun.sun_path, addr.data(), addr.size());
    if (::connect(fd, reinterpret_cast<sockaddr*>(&sun), sizeof(sun)) != 0) {
      int err = errno;
      ::close(fd);
      throw std::runtime_error(fmt::format("cannot connect to syslog socket {}: {}", addr, std::strerror(err)));
    }
    return std::make_unique<SyslogSink>(spec, fd, false, true);
  }
  // host[:port] or [v6]:port, UDP, port 514 by default.
  std::string host = addr, port = "514";
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    if (close == std::string::npos) throw std::runtime_error(fmt::format("invalid syslog address {}", addr));
    if (close + 2 < host.size() && host[close + 1] == ':') port = host.substr(close + 2);
    host = host.substr(1, close - 1);
  } else if (auto colon = host.rfind(':'); colon != std::string::npos && host.find(':') == colon) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0 || !found)
    throw std::runtime_error(fmt::format("cannot resolve syslog address {}: {}", addr, gai_strerror(rc)));
  int fd = ::socket(found->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || ::connect(fd, found->ai_addr, found->ai_addrlen) != 0) {
    int err = errno;
    freeaddrinfo(found);
    if (fd >= 0) ::close(fd);
    throw std::runtime_error(fmt::format("cannot reach syslog address {}: {}", addr, std::strerror(err)));
  }
  freeaddrinfo(found);
  return std::make_unique<SyslogSink>(spec, fd, false, true);
}

}  // namespace

std::unique_ptr<LogSink> open_log_sink(const std::string& path) {
  // The process's own streams, not reopened: a reopened /dev/stderr on a redirected
  // file would write at its own offset, over what the process writes to fd 2.
  if (path == "stderr" || path == "/dev/stderr") return std::make_unique<FdSink>(2, false);
  if (path == "stdout" || path == "/dev/stdout") return std::make_unique<FdSink>(1, false);
  if (path == "discard" || path == "off") return std::make_unique<DiscardSink>();
  if (path.rfind("syslog:", 0) == 0) return open_syslog(path.substr(7));
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(fmt::format("cannot open access log \"{}\": {}", path, std::strerror(errno)));
  return std::make_unique<FdSink>(fd, true);
}

}  // namespace pg::runtime
