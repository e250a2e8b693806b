// The request head limit: counted once per byte, before Pistache parses anything.
#include "api/request_head_meter.hpp"

#include <gtest/gtest.h>

#include <string>

namespace orkest::api {
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

// A chunked body gives no length up front: Pistache buffered 8 MiB of one and never answered.
TEST(RequestHeadMeter, ABodyPastItsLimitIs413WhateverItsFraming) {
  request_head_meter meter(1024, 100);
  const std::string head = "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  EXPECT_EQ(meter.feed(head.data(), head.size()), verdict::ok);
  const std::string chunk = "32\r\n" + std::string(50, 'a') + "\r\n";  // 56 bytes
  EXPECT_EQ(meter.feed(chunk.data(), chunk.size()), verdict::ok);
  EXPECT_EQ(meter.feed(chunk.data(), chunk.size()), verdict::body_too_large);
  // Head and body in one read count the same.
  request_head_meter together(1024, 100);
  const std::string all = head + std::string(101, 'b');
  EXPECT_EQ(together.feed(all.data(), all.size()), verdict::body_too_large);
  // Without a body limit, bodies are not counted.
  request_head_meter unlimited(1024);
  EXPECT_EQ(unlimited.feed(all.data(), all.size()), verdict::ok);
}

// Pistache took a declared length past its limit for garbage after its own 413 and parsed it
// as a request line, again from its start on every read: no answer for seconds.
TEST(RequestHeadMeter, ADeclaredLengthPastTheLimitIs413WhenTheHeadEnds) {
  request_head_meter meter(1024, 100);
  const std::string head = "POST /x HTTP/1.1\r\nHost: x\r\ncontent-LENGTH:  101\r\n";
  EXPECT_EQ(meter.feed(head.data(), head.size()), verdict::ok);
  EXPECT_EQ(meter.feed("\r\n", 2), verdict::body_too_large);
  request_head_meter fits(1024, 100);
  const std::string small = "POST /x HTTP/1.1\r\nContent-Length: 100\r\n\r\n";
  EXPECT_EQ(fits.feed(small.data(), small.size()), verdict::ok);
  request_head_meter huge(1024, 100);
  const std::string largest = "POST /x HTTP/1.1\r\nContent-Length: 9999999999999999999\r\n\r\n";
  EXPECT_EQ(huge.feed(largest.data(), largest.size()), verdict::body_too_large);
  // More than 19 digits is no length: Pistache's own check answers 400.
  request_head_meter malformed(1024, 100);
  const std::string enormous = "POST /x HTTP/1.1\r\nContent-Length: 99999999999999999999999999\r\n\r\n";
  EXPECT_EQ(malformed.feed(enormous.data(), enormous.size()), verdict::ok);
  // The next request on the connection starts without the last one's length.
  fits.next_request();
  const std::string get = "GET /x HTTP/1.1\r\n\r\n";
  EXPECT_EQ(fits.feed(get.data(), get.size()), verdict::ok);
}

}  // namespace
}  // namespace orkest::api
