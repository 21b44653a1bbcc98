#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/crlf.h"

namespace pg::runtime {
namespace {

// Every string of up to 7 characters from "\r", "\n" and "a", from every start: the
// same positions as std::string_view::find.
TEST(Crlf, FindsWhatStringViewFindFinds) {
  std::vector<std::string> texts = {""};
  for (size_t n = 0; n < texts.size() && texts[n].size() < 7; ++n)
    for (char c : {'\r', '\n', 'a'}) texts.push_back(texts[n] + c);
  for (const auto& t : texts) {
    std::string_view s(t);
    for (size_t from = 0; from <= s.size() + 1; ++from) {
      EXPECT_EQ(find_crlf(s, from), s.find("\r\n", from)) << from;
      EXPECT_EQ(find_blank_line(s, from), s.find("\r\n\r\n", from)) << from;
    }
    EXPECT_EQ(find_crlf(s, std::string_view::npos), std::string_view::npos);
  }
}

}  // namespace
}  // namespace pg::runtime
