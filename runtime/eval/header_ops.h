// Applying the IR's header operations: to the request sent upstream, and to the
// response sent to the client. Values are evaluated against the request as the client
// sent it (nginx evaluates every proxy_set_header against the original headers).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <boost/beast/http/fields.hpp>

#include "eval/evaluator.h"
#include "http/field_list.h"
#include "ir/ir.h"

namespace pg::runtime {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// set replaces every field of that name (an empty value removes it, as nginx does
// not pass empty fields); add appends (an empty value adds nothing); remove drops;
// replace rewrites each match of `search` in the field's values; add_if_absent adds
// only when the field is not there. An operation is skipped for `except_clients`.
void apply_header_ops(const std::vector<ir::HeaderOp>& ops, HeaderList& headers, const Evaluator& eval,
                      ir::RequestView& request);
// The same on a Beast header (the proxied request and response: no copy to a list).
void apply_header_ops(const std::vector<ir::HeaderOp>& ops, boost::beast::http::fields& headers, const Evaluator& eval,
                      ir::RequestView& request);
// The same on a proxied head's field list.
void apply_header_ops(const std::vector<ir::HeaderOp>& ops, FieldList& headers, const Evaluator& eval,
                      ir::RequestView& request);

// Response headers: operations with `always` false apply only to success and redirect
// statuses (200 201 204 206 301 302 303 304 307 308), as nginx's add_header.
void apply_response_header_ops(const std::vector<ir::HeaderOp>& ops, HeaderList& headers, int status,
                               const Evaluator& eval, ir::RequestView& request);
void apply_response_header_ops(const std::vector<ir::HeaderOp>& ops, boost::beast::http::fields& headers, int status,
                               const Evaluator& eval, ir::RequestView& request);
void apply_response_header_ops(const std::vector<ir::HeaderOp>& ops, FieldList& headers, int status,
                               const Evaluator& eval, ir::RequestView& request);

void remove_header(HeaderList& headers, const std::string& name);

}  // namespace pg::runtime
