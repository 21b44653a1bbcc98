// Whether a socket operation failed only because it would have had to wait (EAGAIN,
// EWOULDBLOCK): asked after every non-blocking attempt, mostly of a success.
// Comparing with the enumerators (ec == asio::error::would_block) makes an error_code
// for each and goes through Boost's std::error_code interplay: several times dearer
// than looking at the value and the category.
#pragma once

#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>

namespace pg::runtime {

inline bool would_block(const boost::system::error_code& ec) {
  const int v = ec.value();
  return (v == boost::asio::error::would_block || v == boost::asio::error::try_again) &&
         ec.category() == boost::asio::error::get_system_category();
}

}  // namespace pg::runtime
