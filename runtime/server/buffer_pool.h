// A worker's body buffers, lent to one proxied exchange at a time. A coroutine that
// held its 16 KiB buffer in its own frame would have a frame too big for Asio's
// recycling of freed frames: every request would allocate and free it.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace pg::runtime {

class BufferPool {
 public:
  static constexpr size_t kSize = 16 * 1024;
  // Buffers kept for reuse beyond those in use (1 MiB).
  static constexpr size_t kKept = 64;

  class Lease {
   public:
    explicit Lease(BufferPool& pool) : pool_(&pool), data_(pool.take()) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (data_) pool_->give(std::move(data_));
    }
    char* data() { return data_.get(); }

   private:
    BufferPool* pool_;
    std::unique_ptr<char[]> data_;
  };

  Lease lease() { return Lease(*this); }

 private:
  std::unique_ptr<char[]> take() {
    if (free_.empty()) return std::make_unique_for_overwrite<char[]>(kSize);
    auto b = std::move(free_.back());
    free_.pop_back();
    return b;
  }
  void give(std::unique_ptr<char[]> b) {
    if (free_.size() < kKept) free_.push_back(std::move(b));
  }
  std::vector<std::unique_ptr<char[]>> free_;
};

}  // namespace pg::runtime
