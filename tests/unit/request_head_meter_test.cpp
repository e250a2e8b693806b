// The request head limit: counted once per byte, before Pistache parses anything.
#include "api/http/request_head_meter.hpp"

#include <gtest/gtest.h>

#include <string>

namespace orkest::api::http {
namespace {

using verdict = request_head_meter::verdict;

verdict feed_in_pieces(request_head_meter& meter, const std::string& bytes, std::size_t piece) {
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    auto result = meter.feed(bytes.data() + at, std::min(piece, bytes.size() - at));
    if (result != verdict::ok) return result;
  }
  return verdict::ok;
}

TEST(RequestHeadMeter, AHeadWithinTheLimitPassesInAnyPieces) {
  const std::string head = "GET /api/v1/pods HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n";
  for (std::size_t piece : {1u, 3u, 7u, 1000u}) {
    request_head_meter meter(head.size());
    EXPECT_EQ(feed_in_pieces(meter, head, piece), verdict::ok) << piece;
    EXPECT_TRUE(meter.head_complete());
  }
}

TEST(RequestHeadMeter, ALongRequestLineIs414AndLongHeaders431) {
  request_head_meter line(1024);
  EXPECT_EQ(feed_in_pieces(line, "GET /" + std::string(2000, 'a') + " HTTP/1.1\r\n\r\n", 100), verdict::uri_too_long);
  request_head_meter headers(1024);
  EXPECT_EQ(feed_in_pieces(headers, "GET / HTTP/1.1\r\nX: " + std::string(2000, 'a') + "\r\n\r\n", 100),
            verdict::headers_too_large);
  // Exactly at the limit passes; one byte more does not.
  const std::string head = "GET / HTTP/1.1\r\nX: abc\r\n\r\n";
  request_head_meter exact(head.size());
  EXPECT_EQ(exact.feed(head.data(), head.size()), verdict::ok);
  request_head_meter short_by_one(head.size() - 1);
  EXPECT_EQ(short_by_one.feed(head.data(), head.size()), verdict::headers_too_large);
}

TEST(RequestHeadMeter, TheBodyIsNotCountedAndTheNextRequestStartsAfresh) {
  request_head_meter meter(64);
  const std::string first = "POST /x HTTP/1.1\r\nContent-Length: 500\r\n\r\n";
  EXPECT_EQ(meter.feed(first.data(), first.size()), verdict::ok);
  const std::string body(500, '{');
  EXPECT_EQ(meter.feed(body.data(), body.size()), verdict::ok);
  EXPECT_TRUE(meter.started());
  meter.next_request();
  EXPECT_FALSE(meter.started());
  const std::string second = "GET /" + std::string(100, 'b') + " HTTP/1.1\r\n\r\n";
  EXPECT_EQ(meter.feed(second.data(), second.size()), verdict::uri_too_long);
}

TEST(RequestHeadMeter, BareNewlinesEndTheHeadToo) {
  request_head_meter meter(64);
  const std::string head = "GET / HTTP/1.1\nHost: x\n\n";
  EXPECT_EQ(meter.feed(head.data(), head.size()), verdict::ok);
  EXPECT_TRUE(meter.head_complete());
}

}  // namespace
}  // namespace orkest::api::http
