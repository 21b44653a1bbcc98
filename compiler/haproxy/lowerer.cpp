// Sections and keyword dispatch: the one place that decides what a line means.
#include "haproxy/lowerer.h"

#include <fmt/format.h>

#include "haproxy/keyword_table.h"

namespace pg::haproxy {

namespace {

bool is_unsupported_section(const std::string& w) {
  return w == "peers" || w == "resolvers" || w == "userlist" || w == "mailers" || w == "cache" ||
         w == "program" || w == "http-errors" || w == "ring";
}

const char* kind_name(Section s) {
  switch (s) {
    case kGlobal: return "global";
    case kDefaults: return "defaults";
    case kFrontend: return "frontend";
    case kBackend: return "backend";
    case kListen: return "listen";
    default: return "";
  }
}

}  // namespace

const char* Lowerer::section_name() const { return kind_name(section_); }

Settings& Lowerer::settings() {
  if (section_ == kDefaults) return defaults_;
  return proxies_.back().settings;
}

void Lowerer::walk(const std::vector<Line>& lines) {
  for (const Line& l : lines) {
    const std::string& k = l.words[0].value;
    if (k == "global" || k == "defaults" || k == "frontend" || k == "backend" || k == "listen" ||
        is_unsupported_section(k)) {
      open_section(l);
      continue;
    }
    if (skipping_) continue;
    dispatch(l);
  }
  finish_defaults();
}

void Lowerer::open_section(const Line& l) {
  const std::string& k = l.words[0].value;
  finish_defaults();
  skipping_ = false;
  if (is_unsupported_section(k)) {
    error(l.loc, fmt::format("section '{}' is not supported by proxyglot yet", k));
    section_ = kNone;
    skipping_ = true;
    return;
  }
  if (k == "global") {
    section_ = kGlobal;
    if (l.words.size() > 1) error(l.words[1].loc, "'global' takes no argument");
    return;
  }
  // [name] [from defaults-name]; listen may also carry a legacy address.
  std::string name, from;
  std::vector<const Word*> rest;
  for (size_t i = 1; i < l.words.size(); ++i) {
    if (l.words[i].value == "from" && i + 1 < l.words.size()) {
      from = l.words[++i].value;
      if (i + 1 < l.words.size()) error(l.words[i + 1].loc, fmt::format("too many arguments after 'from {}'", from));
      break;
    }
    rest.push_back(&l.words[i]);
  }
  if (!rest.empty()) name = rest[0]->value;
  Settings base = defaults_;
  if (!from.empty()) {
    auto it = named_defaults_.find(from);
    if (it == named_defaults_.end()) {
      error(l.loc, fmt::format("{} '{}': unable to find defaults section '{}'", k, name, from));
    } else {
      base = it->second;
    }
  }
  if (k == "defaults") {
    section_ = kDefaults;
    // A defaults section starts from HAProxy's built-in values, or from its `from`.
    defaults_ = from.empty() ? Settings{} : base;
    if (rest.size() > 1) error(rest[1]->loc, "'defaults' takes at most a name");
    if (!name.empty()) defaults_name_ = name;
    else defaults_name_.clear();
    return;
  }
  if (name.empty()) {
    error(l.loc, fmt::format("'{}' expects <name> as an argument.", k));
    section_ = kNone;
    skipping_ = true;
    return;
  }
  section_ = k == "frontend" ? kFrontend : k == "backend" ? kBackend : kListen;
  for (size_t i : proxy_index_[name]) {
    const Proxy& p = proxies_[i];
    bool clash = p.name == name && (p.kind == section_ || p.kind == kListen || section_ == kListen);
    if (clash) {
      error(l.loc, fmt::format("{} '{}' has the same name as {} '{}' declared at {}:{}.", k, name,
                               kind_name(p.kind), p.name, p.loc.file.view(), p.loc.line));
      break;
    }
  }
  Proxy p;
  p.kind = section_;
  p.name = name;
  p.loc = l.loc;
  p.settings = base;
  proxy_index_[name].push_back(proxies_.size());
  proxies_.push_back(std::move(p));
  if (section_ == kListen && rest.size() > 1) {
    // `listen name address:port` is `bind address:port`.
    Line bind_line;
    bind_line.loc = rest[1]->loc;
    bind_line.words.push_back(Word{"bind", rest[1]->loc, false});
    for (size_t i = 1; i < rest.size(); ++i) bind_line.words.push_back(*rest[i]);
    dispatch(bind_line);
  } else if (section_ != kListen && rest.size() > 1) {
    error(rest[1]->loc, fmt::format("'{}' takes only a name (and 'from <defaults>')", k));
  }
}

void Lowerer::finish_defaults() {
  if (section_ == kDefaults && !defaults_name_.empty()) named_defaults_[defaults_name_] = defaults_;
}

void Lowerer::dispatch(const Line& l) {
  const std::string& k = l.words[0].value;
  if (section_ == kNone) {
    error(l.loc, fmt::format("unknown keyword '{}' out of section.", k));
    return;
  }
  std::string name = k;
  size_t arg = 1;
  if (k == "no" || k == "default") {
    error(l.loc, fmt::format("'{} {}' is not supported by proxyglot yet", k,
                             l.words.size() > 1 ? l.words[1].value : ""));
    return;
  }
  if (is_family(k)) {
    if (l.words.size() < 2) {
      error(l.loc, fmt::format("'{}' expects a keyword as its first argument", k));
      return;
    }
    // set-var(txn.x), track-sc(0)...: the action is the part before its argument.
    const std::string& sub = l.words[1].value;
    name = k + " " + sub.substr(0, sub.find('('));
    arg = 2;
  }
  const KeywordSpec* spec = find_keyword(name, section_);
  if (!spec && is_family(k) && section_ != kGlobal) {
    const std::string& sub = l.words[1].value;
    if (k == "option")
      error(l.loc, fmt::format("unknown option '{}'.", sub));
    else if (k == "timeout")
      error(l.loc, fmt::format("'timeout' supports 'client', 'server', 'connect', 'check', 'queue', "
                               "'http-keep-alive', 'http-request', 'tunnel', 'tarpit', 'client-fin' and "
                               "'server-fin' (got '{}')", sub));
    else
      error(l.loc, fmt::format("'{}' expects a known action, but got '{}'.", k, sub));
    return;
  }
  if (!spec) {
    error(l.loc, fmt::format("unknown keyword '{}' in '{}' section", name, section_name()));
    return;
  }
  if (!(spec->sections & section_)) {
    // Global keywords in a proxy section, or proxy keywords in global, are unknown to
    // HAProxy there: each section has its own keyword list.
    if (section_ == kGlobal || spec->sections == kGlobal) {
      error(l.loc, fmt::format("unknown keyword '{}' in '{}' section", k, section_name()));
      return;
    }
    if (spec->warn_elsewhere && in_proxy()) {
      const char* missing = (spec->sections & kFrontend) ? "frontend" : "backend";
      warning(l.loc, fmt::format("'{}' will be ignored because {} '{}' has no {} capability", name,
                                 section_name(), proxy().name, missing));
    } else {
      error(l.loc, fmt::format("'{}' not allowed in '{}' section", name, section_name()));
    }
    return;
  }
  if (!spec->handler) {
    error(l.loc, fmt::format("'{}' is not supported by proxyglot yet", name));
    return;
  }
  int n = static_cast<int>(l.words.size() - arg);
  if (n < spec->min_args || (spec->max_args != kMany && n > spec->max_args)) {
    std::string want = spec->max_args == kMany ? fmt::format("at least {}", spec->min_args)
                       : spec->min_args == spec->max_args ? fmt::format("{}", spec->min_args)
                                                          : fmt::format("{} to {}", spec->min_args, spec->max_args);
    error(l.loc, fmt::format("'{}' expects {} argument(s), got {}", name, want, n));
    return;
  }
  spec->handler(*this, l, arg);
}

}  // namespace pg::haproxy
