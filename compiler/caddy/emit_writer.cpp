#include "caddy/emit_writer.h"

namespace pg::caddy {

std::string token(std::string_view word) {
  bool quote = word.empty() || word == "{" || word == "}" || word.front() == '#';
  for (char c : word)
    if (c == ' ' || c == '\t' || c == '\n' || c == '"' || c == '`') quote = true;
  if (!quote) return std::string(word);
  std::string out = "\"";
  for (char c : word) {
    if (c == '"') out += '\\';
    out += c;
  }
  return out + "\"";
}

void Writer::line(std::string_view text) {
  out_.append(static_cast<size_t>(depth_), '\t');
  out_ += text;
  out_ += '\n';
  after_open_ = false;
}

void Writer::open(std::string_view head) {
  line(head.empty() ? std::string("{") : std::string(head) + " {");
  ++depth_;
  after_open_ = true;
}

void Writer::close() {
  --depth_;
  line("}");
}

void Writer::blank() {
  if (after_open_ || out_.empty() || (out_.size() >= 2 && out_.compare(out_.size() - 2, 2, "\n\n") == 0)) return;
  out_ += '\n';
}

}  // namespace pg::caddy
