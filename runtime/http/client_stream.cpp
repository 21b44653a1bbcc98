#include "http/client_stream.h"

namespace pg::runtime {

namespace {
int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

ClientStream::ClientStream(ClientSocket socket, ClientList& list)
    : socket_(std::move(socket)), list_(list) {
  list_.add(*this);
}

ClientStream::~ClientStream() { list_.remove(*this); }

void ClientStream::expires_after(std::chrono::milliseconds d) {
  at_ms_ = steady_ms() + d.count();
  expired_ = false;
}

void ClientList::add(ClientStream& c) {
  c.next_ = head_;
  if (head_) head_->prev_ = &c;
  head_ = &c;
  ++size_;
}

void ClientList::remove(ClientStream& c) {
  if (c.prev_) c.prev_->next_ = c.next_;
  else head_ = c.next_;
  if (c.next_) c.next_->prev_ = c.prev_;
  c.prev_ = c.next_ = nullptr;
  --size_;
}

void ClientList::sweep(int64_t now_ms) {
  for (ClientStream* c = head_; c; c = c->next_) {
    if (c->at_ms_ == 0 || now_ms < c->at_ms_) continue;
    c->at_ms_ = 0;
    c->expired_ = true;
    boost::system::error_code ignored;
    c->socket_.cancel(ignored);
  }
}

void ClientList::close_idle() {
  for (ClientStream* c = head_; c; c = c->next_) {
    if (!c->idle_) continue;
    boost::system::error_code ignored;
    c->socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    c->socket_.close(ignored);
  }
}

}  // namespace pg::runtime
