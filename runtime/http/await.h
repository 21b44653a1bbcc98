// How the runtime's coroutines wait: as_tuple, so that errors are values to check,
// never exceptions on the data path.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace pg::runtime {

inline constexpr auto kAwait = boost::asio::as_tuple(boost::asio::use_awaitable);

}  // namespace pg::runtime
