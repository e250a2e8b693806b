#include "api/api_server.hpp"

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/peer.h>
#include <spdlog/spdlog.h>

#include "api/connection_guard.hpp"
#include "api/percent_decode.hpp"
#include "api/pistache_sink.hpp"
#include "api/pistache_workarounds.hpp"
#include "api/request_limits.hpp"

namespace orkest::api {

using namespace Pistache;

namespace {

http_request to_exchange(const Http::Request& request) {
  http_request out;
  out.method = Http::methodString(request.method());
  out.path = percent_decode(request.resource());
  for (auto it = request.query().parameters_begin(); it != request.query().parameters_end(); ++it)
    out.query[percent_decode(it->first, true)] = percent_decode(it->second, true);
  // Raw: see keep_content_type_raw().
  if (auto raw = request.headers().tryGetRaw("Content-Type")) out.content_type = raw->value();
  else if (auto type = request.headers().tryGet<Http::Header::ContentType>()) out.content_type = type->mime().toString();
  if (auto raw = request.headers().tryGetRaw("Accept")) out.accept = raw->value();
  if (auto authorization = request.headers().tryGet<Http::Header::Authorization>())
    out.authorization = authorization->value();
  if (auto agent = request.headers().tryGetRaw("User-Agent")) out.user_agent = agent->value();
  out.body = request.body();
  return out;
}

void send(Http::ResponseWriter& writer, const http_response& response) {
  pistache_sink(std::move(writer)).send(response);
}

bool is_true(const Http::Uri::Query& query, const char* name) {
  auto value = query.get(name);
  return value && (*value == "true" || *value == "1");
}

// A watch or a log follow: a response that stays open.
bool asks_for_stream(const Http::Request& request) {
  if (request.method() != Http::Method::Get) return false;
  const auto& path = request.resource();
  const bool log = path.size() >= 4 && path.compare(path.size() - 4, 4, "/log") == 0;
  return is_true(request.query(), "watch") || (log && is_true(request.query(), "follow"));
}

class pistache_handler : public Http::Handler {
 public:
  HTTP_PROTOTYPE(pistache_handler)

  pistache_handler(std::shared_ptr<store_client> store, handler_settings settings, std::optional<log_source> logs,
                   std::shared_ptr<sink_registry> sinks, std::size_t max_streams)
      : store_(std::move(store)),
        handler_(*store_, std::move(settings), std::move(logs)),
        sinks_(std::move(sinks)),
        max_streams_(max_streams) {}

  void onRequest(const Http::Request& request, Http::ResponseWriter writer) override {
    connection_guard::request_received(writer.getPeer());
    // Pistache 0.0.5 answers "Connection: Close" to an HTTP/1.1 request without a Connection
    // header, so clients that rely on HTTP/1.1's persistent default (wrk, Go, Python) reconnect
    // for every request. Keep the connection unless the client asked otherwise.
    if (request.version() == Http::Version::Http11 && !request.headers().has<Http::Header::Connection>()) {
      writer.headers().remove<Http::Header::Connection>();
      writer.headers().add<Http::Header::Connection>(Http::ConnectionControl::KeepAlive);
    }
    if (asks_for_stream(request) && sinks_->open_count() >= max_streams_) {
      spdlog::warn("API: {} {} refused: {} watches and log follows are open (api.maxWatches)",
                   Http::methodString(request.method()), request.resource(), max_streams_);
      send(writer, error_response(too_many_requests("Too many requests, please try again later: " +
                                                    std::to_string(max_streams_) +
                                                    " watches and log follows are open")));
      return;
    }
    // Registered first, so a client that leaves while its stream starts is noticed.
    auto sink = std::make_shared<pistache_sink>(std::move(writer));
    sinks_->add(sink);
    std::optional<http_response> response;
    try {
      response = handler_.handle(to_exchange(request), sink);
    } catch (const std::exception& error) {
      // A bug must cost one request, not the server.
      spdlog::error("request {} {} failed: {}", Http::methodString(request.method()), request.resource(), error.what());
      response = error_response(internal_error(error.what()));
    }
    if (response) {
      spdlog::debug("{} {} -> {}", Http::methodString(request.method()), request.resource(), response->code);
      sink->send(*response);
    } else {
      spdlog::debug("{} {} -> streaming", Http::methodString(request.method()), request.resource());
      // The request is in whole; what follows is orkest's answer, not a slow client. Pistache
      // 0.0.5 takes a connection for idle only once it sent a response itself; otherwise, after
      // the read timeout, it writes a 408 into the stream and drops the connection behind
      // orkest's back. Idle, it is subject to the keep-alive timeout instead, which outlasts
      // every watch. (This thread is the one that checks for idle connections.)
      if (auto peer = sink->peer()) peer->setIdle(true);
    }
    if (sink->answered()) sinks_->remove(*sink);
  }

  void onDisconnection(const std::shared_ptr<Tcp::Peer>& peer) override {
    sinks_->close_connection(peer.get());
    Http::Handler::onDisconnection(peer);
  }

  void onTimeout(const Http::Request&, Http::ResponseWriter writer) override {
    api_error error;
    error.code = 408;
    error.reason = "Timeout";
    error.message = "the request was not received completely in time";
    send(writer, error_response(error));
  }

 private:
  std::shared_ptr<store_client> store_;
  request_handler handler_;
  std::shared_ptr<sink_registry> sinks_;
  std::size_t max_streams_;
};

}  // namespace

struct api_server::impl {
  server_settings settings;
  std::shared_ptr<store_client> store;
  std::optional<log_source> logs;
  std::shared_ptr<sink_registry> sinks = std::make_shared<sink_registry>();
  std::unique_ptr<Http::Endpoint> endpoint;
};

api_server::api_server(caf::actor_system& system, actors::store_actor store, server_settings settings,
                       std::optional<log_source> logs)
    : impl_(std::make_unique<impl>()) {
  impl_->settings = settings;
  impl_->store = std::make_shared<store_client>(system, std::move(store), settings.request_timeout);
  impl_->logs = std::move(logs);
}

api_server::~api_server() { stop(); }

void api_server::start() {
  const auto& settings = impl_->settings;
  Address address(settings.address, Port(settings.port));
  impl_->endpoint = std::make_unique<Http::Endpoint>(address);
  auto options = Http::Endpoint::options()
                     .threads(settings.threads)
                     .flags(Tcp::Options::ReuseAddr)
                     // Room for headers above the body limit; larger requests get the Status 413
                     // from the handler, not Pistache's plain one.
                     .maxRequestSize(settings.handler.max_body_bytes + 64 * 1024)
                     .maxResponseSize(64 * 1024 * 1024)
                     .headerTimeout(settings.read_timeout)
                     .bodyTimeout(settings.read_timeout)
                     // Streaming connections count as idle (see onRequest); the minute to spare
                     // lets every watch end by itself first (Pistache looks about once a second).
                     .keepaliveTimeout(settings.watch_timeout + std::chrono::seconds(60));
  keep_content_type_raw();
  // Declared lengths Pistache could not buffer (with up to 32 KiB of headers) are refused with
  // a Status as soon as the headers arrive; malformed ones are 400 rather than Pistache's 500.
  use_strict_content_length(settings.handler.max_body_bytes, settings.handler.max_body_bytes + 32 * 1024);
  impl_->endpoint->init(options);
  auto handler = settings.handler;
  handler.watch.max_timeout = std::min(handler.watch.max_timeout, settings.watch_timeout);
  auto logs = impl_->logs;
  if (logs) logs->longest_follow = std::min(logs->longest_follow, handler.watch.max_timeout);
  auto sinks = impl_->sinks;
  auto connections = settings.connections;
  connections.max_body_bytes = settings.handler.max_body_bytes;
  impl_->endpoint->setHandler(Http::make_handler<connection_guard>(
      Http::make_handler<pistache_handler>(impl_->store, handler, logs, sinks, settings.max_streams),
      connections, [sinks](const void* connection) { return sinks->has_open(connection); }));
  try {
    if (!settings.tls_cert_file.empty() && !settings.tls_key_file.empty())
      impl_->endpoint->useSSL(settings.tls_cert_file, settings.tls_key_file);
    impl_->endpoint->serveThreaded();
  } catch (const std::exception& error) {
    impl_->endpoint.reset();
    throw std::runtime_error("cannot serve the API on " + settings.address + ":" + std::to_string(settings.port) +
                             ": " + error.what());
  }
}

void api_server::stop() {
  if (impl_ && impl_->endpoint) {
    // Streams still open end now, before their connections go away under them.
    impl_->sinks->close_all();
    impl_->endpoint->shutdown();
    impl_->endpoint.reset();
  }
}

uint16_t api_server::port() const {
  return impl_->endpoint ? static_cast<uint16_t>(impl_->endpoint->getPort()) : impl_->settings.port;
}

}  // namespace orkest::api
