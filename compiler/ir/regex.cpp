#include "ir/regex.h"

#include <new>
#include <stdexcept>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace pg::ir {

struct Regex::Impl {
  pcre2_code* code = nullptr;
  ~Impl() {
    if (code) pcre2_code_free(code);
  }
};

Regex::Regex(const std::string& pattern, bool caseless) : impl_(std::make_unique<Impl>()) {
  int err = 0;
  PCRE2_SIZE offset = 0;
  impl_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                              caseless ? PCRE2_CASELESS : 0, &err, &offset, nullptr);
  if (!impl_->code) throw std::runtime_error("invalid regex: " + pattern);
}

Regex::~Regex() = default;
Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;

void Regex::jit() {
  // A pattern the JIT cannot take is still matched, by the interpreter.
  pcre2_jit_compile(impl_->code, PCRE2_JIT_COMPLETE);
}

bool Regex::matches(const std::string& subject) const {
  // Whether it matches, not where: one pair of offsets is enough (a match that has more
  // groups answers 0, still a match), kept per thread rather than made per call.
  struct MatchData {
    pcre2_match_data* md = pcre2_match_data_create(1, nullptr);
    ~MatchData() { pcre2_match_data_free(md); }
  };
  thread_local MatchData data;
  if (!data.md) throw std::bad_alloc();
  int rc = pcre2_match(impl_->code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0, 0, data.md,
                       nullptr);
  return rc >= 0;
}

bool Regex::match(const std::string& subject, std::vector<std::string>& captures,
                  std::map<std::string, std::string>& named) const {
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(impl_->code, nullptr);
  int rc = pcre2_match(impl_->code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0, 0, md, nullptr);
  if (rc < 0) {
    pcre2_match_data_free(md);
    return false;
  }
  PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
  uint32_t pairs = pcre2_get_ovector_count(md);
  captures.clear();
  for (uint32_t i = 0; i < pairs; ++i) {
    if (ov[2 * i] == PCRE2_UNSET) captures.emplace_back();
    else captures.push_back(subject.substr(ov[2 * i], ov[2 * i + 1] - ov[2 * i]));
  }
  named.clear();
  uint32_t count = 0, entry = 0;
  PCRE2_SPTR table = nullptr;
  pcre2_pattern_info(impl_->code, PCRE2_INFO_NAMECOUNT, &count);
  pcre2_pattern_info(impl_->code, PCRE2_INFO_NAMEENTRYSIZE, &entry);
  pcre2_pattern_info(impl_->code, PCRE2_INFO_NAMETABLE, &table);
  for (uint32_t i = 0; i < count; ++i) {
    const unsigned char* e = table + i * entry;
    uint32_t group = (static_cast<uint32_t>(e[0]) << 8) | e[1];
    std::string name(reinterpret_cast<const char*>(e + 2));
    if (group < captures.size()) named[name] = captures[group];
  }
  pcre2_match_data_free(md);
  return true;
}

namespace {

std::string substitute(pcre2_code* code, const std::string& subject, const std::string& replacement, bool global) {
  std::string out(subject.size() + replacement.size() + 64, '\0');
  uint32_t options = PCRE2_SUBSTITUTE_OVERFLOW_LENGTH | (global ? PCRE2_SUBSTITUTE_GLOBAL : 0);
  for (int attempt = 0; attempt < 2; ++attempt) {
    PCRE2_SIZE size = out.size();
    int rc = pcre2_substitute(code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0, options, nullptr,
                              nullptr, reinterpret_cast<PCRE2_SPTR>(replacement.data()), replacement.size(),
                              reinterpret_cast<PCRE2_UCHAR*>(out.data()), &size);
    if (rc >= 0) {
      out.resize(size);
      return out;
    }
    if (rc != PCRE2_ERROR_NOMEMORY) return subject;  // a bad replacement: leave the value alone
    out.assign(size, '\0');
  }
  return subject;
}

}  // namespace

std::string Regex::replace_all(const std::string& subject, const std::string& replacement) const {
  return substitute(impl_->code, subject, replacement, true);
}

std::string Regex::replace_first(const std::string& subject, const std::string& replacement) const {
  return substitute(impl_->code, subject, replacement, false);
}

}  // namespace pg::ir
