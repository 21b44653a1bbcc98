// nginx's own answers where its pages differ from the runtime's default page: the
// reason phrases nginx 1.22 prints (ngx_http_special_response.c), with the product
// line naming proxyglot as the Server field does.
#pragma once

#include "ir/ir.h"

namespace pg::nginx {

ir::GeneratedResponses builtin_responses();

}  // namespace pg::nginx
