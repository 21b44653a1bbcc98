#include "caddy/route_order.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "caddy/directive_table.h"
#include "caddy/matchers.h"
#include "caddy/values.h"

namespace pg::caddy {

namespace {

// httpcaddyfile's less(i, j) in Caddy 2.6.2, as `caddy adapt` shows it: directive
// order first; within one directive an item with a matcher before one without, and
// between two items whose single matcher set has a path, the longer first path first.
// Anything else compares equal, so the stable insertion sort keeps written order.
// handle_path is a handle: one group, sorted together (caddy adapt shows both).
int position(const Item& it) {
  return directive_position(it.directive == "handle_path" ? std::string_view("handle") : std::string_view(it.directive));
}

bool less(const Item& i, const Item& j) {
  int pi = position(i), pj = position(j);
  if (pi != pj) return pi < pj;
  if (i.has_matcher != j.has_matcher) return i.has_matcher;
  if (i.first_path_len > 0 && j.first_path_len > 0) return i.first_path_len > j.first_path_len;
  return false;
}

bool same(const ir::Matcher& a, const ir::Matcher& b) {
  if (a.op != b.op || a.children.size() != b.children.size() || a.predicate.has_value() != b.predicate.has_value())
    return false;
  if (a.predicate) {
    const auto &p = *a.predicate, &q = *b.predicate;
    if (p.kind != q.kind || p.name != q.name || p.value != q.value || p.case_insensitive != q.case_insensitive)
      return false;
  }
  for (size_t k = 0; k < a.children.size(); ++k)
    if (!same(a.children[k], b.children[k])) return false;
  return true;
}

// Middleware waiting for the routes that follow it.
struct Middleware {
  std::optional<ir::Matcher> match;
  std::vector<ir::HeaderOp> request_headers, response_headers;
  std::vector<ir::RewriteStep> rewrites;
  std::optional<int64_t> max_body_bytes;
};

// A route being formed: its condition and the middleware applied under it.
struct Variant {
  std::optional<ir::Matcher> match;
  std::vector<ir::HeaderOp> request_headers, response_headers;
  std::vector<ir::RewriteStep> rewrites;
  std::optional<int64_t> max_body_bytes;
};

constexpr size_t kMaxVariants = 16;

struct Emitter {
  Lowerer& l;
  Site& site;
  CompiledSite out;

  void emit(std::vector<Item>& items, bool keep_order, bool top, const std::optional<ir::Matcher>& ctx,
            const std::string& prefix, std::vector<Middleware> pending) {
    if (!keep_order) sort_items(items);
    // handle blocks are mutually exclusive: a request that entered one whose handlers
    // did not answer skips the others of the group (and goes on after it).
    std::vector<ir::Matcher> entered;
    for (auto& it : items) {
      std::string label = prefix.empty() ? it.label : prefix + " > " + it.label;
      if (it.block) {
        std::vector<Middleware> inner = pending;
        if (!it.rewrites.empty()) inner.push_back(Middleware{std::nullopt, {}, {}, it.rewrites, std::nullopt});
        bool grouped = it.directive == "handle" || it.directive == "handle_path";
        std::optional<ir::Matcher> block_ctx = both(ctx, it.match);
        if (grouped && !entered.empty()) block_ctx = both(block_ctx, none_of(entered));
        size_t first_route = out.routes.size();
        emit(it.children, it.keep_order, false, block_ctx, label, std::move(inner));
        if (grouped && !answers_all(first_route, block_ctx)) entered.push_back(it.match.value_or(ir::Matcher{}));
        continue;
      }
      if (!it.action) {
        if (!it.rewrites.empty() && top) {
          for (auto& s : it.rewrites) {
            s.flag = ir::RewriteFlag::continue_;
            out.rewrites.push_back(s);
          }
          continue;
        }
        pending.push_back(Middleware{it.match, it.request_headers, it.response_headers, it.rewrites, it.max_body_bytes});
        continue;
      }
      route(it, both(ctx, it.match), label, pending);
    }
  }

  static ir::Matcher none_of(const std::vector<ir::Matcher>& ms) {
    ir::Matcher any;
    any.op = ir::MatchOp::any;
    any.children = ms;
    ir::Matcher neg;
    neg.op = ir::MatchOp::not_;
    neg.children.push_back(ms.size() == 1 ? ms.front() : std::move(any));
    return neg;
  }

  // Whether a route emitted since `first` answers every request `ctx` admits.
  bool answers_all(size_t first, const std::optional<ir::Matcher>& ctx) const {
    ir::Matcher want = ctx.value_or(ir::Matcher{});
    for (size_t k = first; k < out.routes.size(); ++k)
      if (same(out.routes[k].match, want)) return true;
    return false;
  }

  void route(const Item& it, const std::optional<ir::Matcher>& match, const std::string& label,
             const std::vector<Middleware>& pending) {
    std::vector<Variant> variants{Variant{match, {}, {}, {}, std::nullopt}};
    for (const auto& mw : pending) {
      auto apply = [&](Variant& v) {
        v.request_headers.insert(v.request_headers.end(), mw.request_headers.begin(), mw.request_headers.end());
        v.response_headers.insert(v.response_headers.end(), mw.response_headers.begin(), mw.response_headers.end());
        v.rewrites.insert(v.rewrites.end(), mw.rewrites.begin(), mw.rewrites.end());
        if (mw.max_body_bytes) v.max_body_bytes = mw.max_body_bytes;
      };
      if (!mw.match || (match && same(*mw.match, *match))) {
        for (auto& v : variants) apply(v);
        continue;
      }
      // A middleware with its own matcher: one route where it applies, one where not.
      std::vector<Variant> next;
      for (auto& v : variants) {
        Variant with = v;
        with.match = both(v.match, mw.match);
        apply(with);
        next.push_back(std::move(with));
        next.push_back(std::move(v));
      }
      variants = std::move(next);
      if (variants.size() > kMaxVariants) {
        l.error(it.loc, fmt::format("more than {} combinations of matched header/request_header directives "
                                    "before this handler: not supported by proxyglot yet", kMaxVariants));
        return;
      }
    }
    for (auto& v : variants) {
      ir::Route r = base_route(it.loc, label);
      if (v.match) r.match = std::move(*v.match);
      r.rewrites = std::move(v.rewrites);
      if (v.max_body_bytes) r.limits.max_body_bytes = *v.max_body_bytes;
      // In a handle/route block a rewrite changes the path for what follows, without
      // choosing another route.
      for (size_t k = 0; k < r.rewrites.size(); ++k)
        r.rewrites[k].flag = k + 1 == r.rewrites.size() ? ir::RewriteFlag::break_ : ir::RewriteFlag::continue_;
      r.action = *it.action;
      r.request_headers = std::move(v.request_headers);
      for (const auto& op : it.request_headers) r.request_headers.push_back(op);
      r.response_headers = std::move(v.response_headers);
      for (const auto& op : it.response_headers) r.response_headers.push_back(op);
      out.routes.push_back(std::move(r));
      out.directives.push_back(it.directive);
      out.keeps_error_status.push_back(it.keeps_error_status);
    }
  }

  ir::Route base_route(const SourceLoc& loc, const std::string& name) {
    ir::Route r;
    r.loc = loc;
    r.name = name;
    r.limits = client_limits();
    r.access_logs = site.logs;
    return r;
  }
};

}  // namespace

namespace {

// Go's sort.SliceStable, step for step: insertion sort of blocks of 20, then SymMerge
// (Kim & Kutzner) of ever larger runs. httpcaddyfile's comparison is not a strict weak
// order, so only the same algorithm gives Caddy's order for every input.
struct GoStableSort {
  std::vector<Item>& v;

  bool less(size_t i, size_t j) const { return caddy::less(v[i], v[j]); }
  void swap(size_t i, size_t j) { std::swap(v[i], v[j]); }

  void insertion(size_t a, size_t b) {
    for (size_t i = a + 1; i < b; ++i)
      for (size_t j = i; j > a && less(j, j - 1); --j) swap(j, j - 1);
  }

  void swap_range(size_t a, size_t b, size_t n) {
    for (size_t i = 0; i < n; ++i) swap(a + i, b + i);
  }

  void rotate(size_t a, size_t m, size_t b) {
    size_t i = m - a, j = b - m;
    while (i != j) {
      if (i > j) {
        swap_range(m - i, m, j);
        i -= j;
      } else {
        swap_range(m - i, m + j - i, i);
        j -= i;
      }
    }
    swap_range(m - i, m, i);
  }

  void sym_merge(size_t a, size_t m, size_t b) {
    if (m - a == 1) {  // insert v[a] into the sorted v[m, b)
      size_t i = m, j = b;
      while (i < j) {
        size_t h = (i + j) / 2;
        if (less(h, a)) i = h + 1;
        else j = h;
      }
      for (size_t k = a; k + 1 < i; ++k) swap(k, k + 1);
      return;
    }
    if (b - m == 1) {  // insert v[m] into the sorted v[a, m)
      size_t i = a, j = m;
      while (i < j) {
        size_t h = (i + j) / 2;
        if (!less(m, h)) i = h + 1;
        else j = h;
      }
      for (size_t k = m; k > i; --k) swap(k, k - 1);
      return;
    }
    size_t mid = (a + b) / 2;
    size_t n = mid + m;
    size_t start, r;
    if (m > mid) {
      start = n - b;
      r = mid;
    } else {
      start = a;
      r = m;
    }
    size_t p = n - 1;
    while (start < r) {
      size_t c = (start + r) / 2;
      if (!less(p - c, c)) start = c + 1;
      else r = c;
    }
    size_t end = n - start;
    if (start < m && m < end) rotate(start, m, end);
    if (a < start && start < mid) sym_merge(a, start, mid);
    if (mid < end && end < b) sym_merge(mid, end, b);
  }

  void sort() {
    size_t n = v.size(), block = 20, a = 0, b = block;
    while (b <= n) {
      insertion(a, b);
      a = b;
      b += block;
    }
    insertion(a, n);
    while (block < n) {
      a = 0;
      b = 2 * block;
      while (b <= n) {
        sym_merge(a, a + block, b);
        a = b;
        b += 2 * block;
      }
      if (a + block < n) sym_merge(a, a + block, n);
      block *= 2;
    }
  }
};

}  // namespace

void sort_items(std::vector<Item>& items) { GoStableSort{items}.sort(); }

CompiledSite compile_routes(Lowerer& l, Site& site, const std::optional<ir::Matcher>& site_match) {
  Emitter e{l, site, {}};
  std::vector<Item> items = site.items;
  e.emit(items, false, true, site_match, "", {});
  if (!e.out.rewrites.empty() && site.has_redir)
    l.diags.warning(site.loc, "this site has redir and rewrite/uri: Caddy redirects before rewriting, "
                              "proxyglot rewrites before choosing a route");
  // Nothing answered: Caddy sends an empty 200, with the response headers of every
  // unconditional header directive.
  ir::Route fb = e.base_route(site.loc, "fallback");
  fb.action.kind = ir::ActionKind::respond;
  fb.action.respond = ir::RespondAction{200, ir::Template{}};
  sort_items(items);
  for (const auto& it : items)
    if (!it.block && !it.action && !it.has_matcher)
      fb.response_headers.insert(fb.response_headers.end(), it.response_headers.begin(), it.response_headers.end());
  e.out.fallback = std::move(fb);
  return std::move(e.out);
}

namespace {

// Whether `m` admits an error with `status`: nullopt when it tests the request itself.
std::optional<bool> admits(const ir::Matcher& m, int status) {
  switch (m.op) {
    case ir::MatchOp::all:
    case ir::MatchOp::any: {
      bool all = m.op == ir::MatchOp::all;
      for (const auto& c : m.children) {
        auto r = admits(c, status);
        if (!r) return std::nullopt;
        if (*r != all) return !all;
      }
      return all;
    }
    case ir::MatchOp::not_: {
      auto r = m.children.empty() ? std::optional<bool>(true) : admits(m.children.front(), status);
      if (!r) return std::nullopt;
      return !*r;
    }
    case ir::MatchOp::predicate: break;
  }
  auto codes = error_status_codes(*m.predicate);
  if (!codes) return std::nullopt;
  return std::find(codes->begin(), codes->end(), status) != codes->end();
}

}  // namespace

CompiledErrors compile_error_routes(Lowerer& l, Site& site, const std::vector<int>& statuses) {
  CompiledErrors out;
  if (site.error_items.empty()) return out;
  Emitter e{l, site, {}};
  std::vector<Item> items = site.error_items;
  e.emit(items, false, false, std::nullopt, "", {});
  std::vector<int> left = statuses;
  std::set<std::string> names;
  for (size_t i = 0; i < e.out.routes.size(); ++i) {
    ir::Route& r = e.out.routes[i];
    if (!r.rewrites.empty()) {
      l.error(r.loc, fmt::format("{} in handle_errors after rewrite/uri/handle_path: rewriting an error's "
                                 "request is not supported by proxyglot yet", e.out.directives[i]));
      continue;
    }
    std::vector<int> codes;
    bool request_matcher = false;
    for (int status : left) {
      auto a = admits(r.match, status);
      if (!a) {
        request_matcher = true;
        break;
      }
      if (*a) codes.push_back(status);
    }
    if (request_matcher) {
      l.error(r.loc, fmt::format("{} in handle_errors: matchers on the request are not supported by proxyglot "
                                 "yet (only expression {{err.status_code}} ...)", e.out.directives[i]));
      continue;
    }
    if (codes.empty()) continue;  // an earlier error route takes every status it admits
    for (int c : codes) left.erase(std::find(left.begin(), left.end(), c));
    ir::ErrorPage ep;
    ep.loc = r.loc;
    ep.codes = codes;
    ep.target_kind = ir::ErrorTarget::named_route;
    // respond without a status keeps the error's; anything else answers what it answers.
    ep.status_mode = e.out.keeps_error_status[i] ? ir::ErrorStatus::keep : ir::ErrorStatus::from_target;
    std::string name = "handle_errors > " + r.name;
    for (int n = 2; names.count(name); ++n) name = fmt::format("handle_errors > {} #{}", r.name, n);
    names.insert(name);
    r.name = name;
    r.match = ir::Matcher{};
    ep.target.parts.push_back({ir::Var::literal, name});
    out.pages.push_back(std::move(ep));
    out.named_routes.push_back(std::move(r));
  }
  return out;
}

}  // namespace pg::caddy
