#include "ir/sticky_cookie.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace pg::ir {

std::string dial_address(const UpstreamServer& s) {
  return (s.address.find(':') != std::string::npos ? "[" + s.address + "]" : s.address) + ":" + std::to_string(s.port);
}

std::string signed_address(const std::string& secret, const std::string& dial) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(dial.data()),
       dial.size(), mac, &length);
  static const char digits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += digits[mac[i] >> 4];
    hex += digits[mac[i] & 15];
  }
  return hex;
}

}  // namespace pg::ir
