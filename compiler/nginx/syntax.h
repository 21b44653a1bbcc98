// nginx's generic configuration shape, free of ANTLR types: directives with
// arguments and optional blocks, `include`s already expanded.
#pragma once

#include <string>
#include <vector>

#include "diag/source_loc.h"

namespace pg::nginx {

struct Arg {
  std::string value;  // quotes removed, escapes resolved as nginx does
  SourceLoc loc;
  bool quoted = false;
};

struct Directive {
  std::string name;
  SourceLoc loc;       // the name's position
  SourceLoc end_loc;   // the ';' or '{' that ended it: where nginx reports its errors
  std::vector<Arg> args;
  bool has_block = false;
  std::vector<Directive> block;
};

// Where nginx would report a problem with `d`: the line of its terminator, at the
// name's column when both share a line.
SourceLoc report_loc(const Directive& d);

}  // namespace pg::nginx
