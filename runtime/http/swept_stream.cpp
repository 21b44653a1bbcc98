#include "http/swept_stream.h"

#include "server/clock.h"

namespace pg::runtime {

SweptStream::SweptStream(SweptSocket socket, SweptList& list)
    : socket_(std::move(socket)), list_(list) {
  boost::system::error_code ignored;
  socket_.non_blocking(true, ignored);  // reads and writes are tried at once first (http/fast_io.h)
  list_.add(*this);
}

SweptStream::~SweptStream() { list_.remove(*this); }

void SweptStream::expires_after(std::chrono::milliseconds d) {
  at_ms_ = clock::coarse_ms() + d.count();  // swept ten times a second: the coarse clock will do
  expired_ = false;
}

void SweptList::add(SweptStream& c) {
  c.next_ = head_;
  if (head_) head_->prev_ = &c;
  head_ = &c;
  ++size_;
}

void SweptList::remove(SweptStream& c) {
  if (c.prev_) c.prev_->next_ = c.next_;
  else head_ = c.next_;
  if (c.next_) c.next_->prev_ = c.prev_;
  c.prev_ = c.next_ = nullptr;
  --size_;
}

void SweptList::sweep(int64_t now_ms) {
  for (SweptStream* c = head_; c; c = c->next_) {
    if (c->at_ms_ == 0 || now_ms < c->at_ms_) continue;
    c->at_ms_ = 0;
    c->expired_ = true;
    boost::system::error_code ignored;
    c->socket_.cancel(ignored);
  }
}

void SweptList::close_idle() {
  for (SweptStream* c = head_; c; c = c->next_) {
    if (!c->idle_) continue;
    boost::system::error_code ignored;
    c->socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    c->socket_.close(ignored);
  }
}

}  // namespace pg::runtime
