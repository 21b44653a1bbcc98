#include "caddy/lowerer.h"

#include <fmt/format.h>

#include "caddy/directive_table.h"
#include "caddy/matchers.h"
#include "caddy/values.h"

namespace pg::caddy {

Lowerer::Lowerer(Diagnostics& d, std::string f) : diags(d), file(std::move(f)) {
  config.source_dialect = "caddy";
  // Caddy answers its own errors with the status and no body, and sends a redirect's
  // Location as written.
  config.responses.absolute_redirects = false;
  config.responses.redirect_body = false;
  config.responses.listed_pages_only = true;
  config.loc = SourceLoc{file, 1, 1};
  config.globals.daemon = false;  // `caddy run` stays in the foreground
}

const NamedMatcher* Lowerer::find_matcher(const std::string& name) const {
  for (auto it = matcher_scopes.rbegin(); it != matcher_scopes.rend(); ++it)
    if (auto m = it->find(name); m != it->end()) return &m->second;
  return nullptr;
}

void Lowerer::arity_error(const Node& n) {
  error(n.loc, fmt::format("Wrong argument count or unexpected line ending after '{}'", n.name()));
}

std::string Lowerer::pool_name(const std::string& base) {
  // A large configuration has thousands of pools, many on one base: the names kept in
  // a set, and each base's search resumed where it stopped.
  if (config.pools.size() < pool_names_read_) {  // not expected: read them all again
    pool_names_.clear();
    pool_suffix_from_.clear();
    pool_names_read_ = 0;
  }
  for (; pool_names_read_ < config.pools.size(); ++pool_names_read_)
    pool_names_.insert(config.pools[pool_names_read_].name);
  if (!pool_names_.count(base)) return base;
  int& from = pool_suffix_from_.try_emplace(base, 2).first->second;
  for (int i = from;; ++i)
    if (std::string n = fmt::format("{} #{}", base, i); !pool_names_.count(n)) {
      from = i;
      return n;
    }
}

namespace {

std::string unrecognized(uint32_t ctx, const std::string& name) {
  if (ctx & kGlobal) return fmt::format("unrecognized global option: {}", name);
  // An `import` that reaches the lowerer is one Caddy left unexpanded (imports.cpp
  // warns where and why); Caddy then rejects it like any unknown (sub)directive.
  std::string why = name == "import" ? " - Caddy 2.6 leaves this import unexpanded: it is not on a later line "
                                       "than the token before it, as with an import that starts a snippet "
                                       "imported inside a block"
                                     : "";
  if (ctx & kHandlers) return fmt::format("unrecognized directive: {}{}", name, why);
  return fmt::format("unrecognized subdirective {}{}", name, why);
}

}  // namespace

void Lowerer::walk(const std::vector<Node>& nodes, uint32_t ctx) {
  // Caddy reads a block's named matchers before its directives: a matcher may be used
  // above its definition.
  if (ctx & kHandlers)
    for (const auto& n : nodes)
      if (!n.words.empty() && !n.words[0].quoted && n.name().size() > 1 && n.name()[0] == '@')
        define_named_matcher(*this, n);
  for (const auto& n : nodes) {
    if (n.words.empty()) {
      error(n.loc, "Unexpected '{' on a line by itself");
      continue;
    }
    const std::string& name = n.name();
    if ((ctx & kHandlers) && !n.words[0].quoted && name.size() > 1 && name[0] == '@') continue;
    const DirectiveSpec* spec = ctx == kHeader ? find_directive("*", kHeader) : find_directive(name, ctx);
    if (!spec || (ctx != kHeader && name == "*")) {
      error(n.loc, unrecognized(ctx, name));
      continue;
    }
    if (!(spec->contexts & ctx)) {
      error(n.loc, fmt::format("{} is not allowed in a {} block", name, context_names(ctx)));
      continue;
    }
    if (!spec->handler) {
      error(n.loc, fmt::format("{} is not supported by proxyglot yet", name));
      continue;
    }
    bool handler_directive = (ctx & kHandlers) && directive_position(name) >= 0;
    Call call = make_call(*this, n, handler_directive);
    int nargs = static_cast<int>(call.args.size());
    if (ctx == kHeader) nargs = static_cast<int>(n.words.size()) - 1;
    if (nargs < spec->min_args || (spec->max_args != kMany && nargs > spec->max_args)) {
      arity_error(n);
      continue;
    }
    if (n.has_block && spec->block == Block::none) {
      error(n.loc, fmt::format("{} takes no block", name));
      continue;
    }
    if (!n.has_block && spec->block == Block::required) {
      error(n.loc, fmt::format("{} needs a block", name));
      continue;
    }
    spec->handler(*this, call);
  }
}

void Lowerer::lower_file(const std::vector<Node>& nodes) {
  size_t i = 0;
  if (!nodes.empty() && nodes[0].words.empty() && nodes[0].has_block) {
    walk(nodes[0].block, kGlobal);
    i = 1;
  }
  while (i < nodes.size()) {
    const Node& first = nodes[i];
    if (first.words.empty()) {
      error(first.loc, "Unexpected '{' on a line by itself: a global options block must come first");
      ++i;
      continue;
    }
    std::vector<Word> addresses = first.words;
    size_t j = i;
    while (!nodes[j].has_block && j + 1 < nodes.size() && !nodes[j].words.empty() &&
           !nodes[j].words.back().value.empty() && nodes[j].words.back().value.back() == ',') {
      ++j;
      for (const auto& w : nodes[j].words) addresses.push_back(w);
    }
    Site site;
    site.loc = first.loc;
    for (const auto& w : addresses) {
      // "a.com,b.com" and "a.com, b.com" both list two addresses.
      size_t start = 0;
      while (start <= w.value.size()) {
        size_t comma = w.value.find(',', start);
        if (comma == std::string::npos) comma = w.value.size();
        if (comma > start) {
          Word part = w;
          part.value = w.value.substr(start, comma - start);
          std::string err;
          if (auto a = parse_site_address(part, &err)) site.addresses.push_back(*a);
          else error(w.loc, err);
        }
        start = comma + 1;
      }
    }
    matcher_scopes.emplace_back();
    this->site = &site;
    items = &site.items;
    if (nodes[j].has_block) {
      walk(nodes[j].block, kSite);
      i = j + 1;
    } else if (j + 1 < nodes.size() && nodes[j + 1].words.empty() && nodes[j + 1].has_block) {
      walk(nodes[j + 1].block, kSite);  // the '{' on the line after the addresses
      i = j + 2;
    } else {
      // A Caddyfile without braces: one site, every following line is its directive.
      if (!sites.empty())
        error(first.loc, "Unexpected site block without braces: a Caddyfile with several sites needs '{' after each address");
      std::vector<Node> rest(nodes.begin() + static_cast<long>(j) + 1, nodes.end());
      walk(rest, kSite);
      i = nodes.size();
    }
    matcher_scopes.pop_back();
    this->site = nullptr;
    items = nullptr;
    sites.push_back(std::move(site));
  }
}

}  // namespace pg::caddy
