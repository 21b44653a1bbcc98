#include "nginx/emit_writer.h"

namespace pg::nginx::emitter {

std::string quote(std::string_view value) {
  bool bare = !value.empty();
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == '{' || c == '}' || c == '"' ||
        c == '\'' || c == '#')
      bare = false;
  }
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '\\') {
      // The reader takes \" \' \\ \t \r \n as escapes and keeps any other backslash.
      char next = i + 1 < value.size() ? value[i + 1] : '\0';
      bool escape = next == '\0' || next == '"' || next == '\'' || next == '\\' || next == 't' || next == 'r' || next == 'n';
      out += escape ? "\\\\" : "\\";
      if (escape) bare = false;
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += c;
    }
  }
  return bare ? out : "\"" + out + "\"";
}

void Writer::line(std::string_view text) {
  text_.append(static_cast<size_t>(depth_) * 4, ' ');
  text_ += text;
  text_ += '\n';
}

void Writer::directive(std::string_view name, const std::vector<std::string>& args) {
  std::string s(name);
  for (const auto& a : args) s += " " + quote(a);
  line(s + ";");
}

void Writer::open(std::string_view head) {
  line(std::string(head) + " {");
  ++depth_;
}

void Writer::close() {
  --depth_;
  line("}");
}

void Writer::blank() {
  if (!text_.empty() && text_.size() >= 2 && text_[text_.size() - 2] != '{' && text_[text_.size() - 2] != '\n')
    text_ += '\n';
}

}  // namespace pg::nginx::emitter
