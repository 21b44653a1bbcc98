// The nginx emitter's text writer and the state shared by its parts (emit*.cpp):
// 4-space indents, nginx argument quoting, and the templates -> "$var" text.
// Internal to compiler/nginx.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "diag/diagnostics.h"
#include "ir/ir.h"

namespace pg::nginx::emitter {

// One nginx argument as the nginx (and proxyglot's) reader reads it back: bare when it
// can be, else double-quoted; backslashes that the reader would take as an escape are
// doubled.
std::string quote(std::string_view value);

class Writer {
 public:
  explicit Writer(int depth = 0) : depth_(depth) {}
  void line(std::string_view text);
  // NAME ARG...; where each arg is quoted as needed.
  void directive(std::string_view name, const std::vector<std::string>& args);
  // A directive whose arguments are already nginx text (e.g. a "$var" template).
  void raw(std::string_view text) { line(std::string(text) + ";"); }
  void open(std::string_view head);  // "head {"
  void close();                      // "}"
  void comment(std::string_view text) { line("# " + std::string(text)); }
  void blank();
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  int depth_ = 0;
};

// Writing the templates of one configuration: knows its maps, reports what nginx
// cannot say. `at` is the location of the element the template belongs to.
class Templates {
 public:
  Templates(const ir::Config& config, Diagnostics& losses);
  // The template as one nginx value (unquoted: pass it through quote()).
  std::string value(const ir::Template& t, const SourceLoc& at, std::string_view what);
  // Whether the template can be written exactly.
  bool expressible(const ir::Template& t) const;
  // The map variable names in use (for generated maps not to collide).
  const std::set<std::string>& map_names() const { return map_names_; }
  std::string fresh_map_name(const std::string& wanted);

 private:
  std::string part(const ir::TemplatePart& p, const SourceLoc& at, std::string_view what, bool& ok) const;
  Diagnostics& losses_;
  std::set<std::string> map_names_;
};

// The upstream block name of each pool ("" for pools written inline in proxy_pass).
struct PoolNames {
  std::map<std::string, std::string> upstream;  // IR pool name -> nginx upstream name
  std::map<std::string, std::string> inline_target;  // IR pool name -> "host:port" for proxy_pass
  std::set<std::string> empty;  // pools without servers: nginx has no such upstream
};

struct Context {
  const ir::Config& config;
  Diagnostics& losses;
  Templates templates;
  PoolNames pools;
  std::map<std::string, std::string> log_formats;  // IR name -> nginx name
  std::map<std::string, std::string> named_locations;  // the current host's: route name -> "@name"
  bool needs_connection_upgrade_map = false;
  std::string connection_upgrade_map;  // its variable name, when needed
  // The virtual hosts as written: routes that pick a pool by a request header folded
  // into one (emit_dispatch.cpp), with the maps that pick the pool.
  std::vector<ir::VirtualHost> hosts;
  std::vector<ir::Map> generated_maps;
  std::set<std::string> map_pools;  // pools a generated map names: upstream blocks
  // The pools by name, made on first use: thousands of routes look up their pool.
  std::map<std::string, const ir::Pool*, std::less<>> pool_by_name;
};

// The pool named `name`, or nullptr.
const ir::Pool* find_pool(Context& ctx, std::string_view name);

void emit_globals(Context& ctx, Writer& w);
void emit_log_formats(Context& ctx, Writer& w);
void emit_maps(Context& ctx, Writer& w);
// Before plan_pools: ctx.hosts and the generated maps (values: IR pool names).
void fold_header_dispatch(Context& ctx);
// After plan_pools: the generated maps' values become upstream names.
void name_dispatch_pools(Context& ctx);
void plan_pools(Context& ctx);
void emit_pools(Context& ctx, Writer& w);
void emit_servers(Context& ctx, Writer& w);
// access_log lines for `logs` (an empty list: off).
void emit_access_logs(Context& ctx, Writer& w, const std::vector<ir::AccessLog>& logs, const SourceLoc& at);

}  // namespace pg::nginx::emitter
