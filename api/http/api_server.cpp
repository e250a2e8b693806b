#include "api/http/api_server.hpp"

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <spdlog/spdlog.h>

#include "api/http/percent_decode.hpp"

namespace orkest::api::http {

using namespace Pistache;

namespace {

// Pistache 0.0.5 writes only typed headers, so the headers orkest adds (Warning) get a type.
class named_header : public Http::Header::Header {
 public:
  named_header(std::string name, std::string value) : name_(std::move(name)), value_(std::move(value)) {}
  const char* name() const override { return name_.c_str(); }
  void parse(const std::string& data) override { value_ = data; }
  void write(std::ostream& os) const override { os << value_; }
  uint64_t hash() const override { return Http::Header::detail::hash(name_.c_str()); }

 private:
  std::string name_;
  std::string value_;
};

http_request to_exchange(const Http::Request& request) {
  http_request out;
  out.method = Http::methodString(request.method());
  out.path = percent_decode(request.resource());
  for (auto it = request.query().parameters_begin(); it != request.query().parameters_end(); ++it)
    out.query[percent_decode(it->first, true)] = percent_decode(it->second, true);
  if (auto type = request.headers().tryGet<Http::Header::ContentType>()) out.content_type = type->mime().toString();
  if (auto raw = request.headers().tryGetRaw("Accept")) out.accept = raw->value();
  if (auto authorization = request.headers().tryGet<Http::Header::Authorization>())
    out.authorization = authorization->value();
  out.body = request.body();
  return out;
}

void send(Http::ResponseWriter& writer, const http_response& response) {
  for (const auto& [name, value] : response.headers) writer.headers().add(std::make_shared<named_header>(name, value));
  writer.setMime(Http::Mime::MediaType::fromString(response.content_type));
  writer.send(static_cast<Http::Code>(response.code), response.body);
}

class pistache_handler : public Http::Handler {
 public:
  HTTP_PROTOTYPE(pistache_handler)

  pistache_handler(std::shared_ptr<store_client> store, handler_settings settings)
      : store_(std::move(store)), handler_(*store_, settings) {}

  void onRequest(const Http::Request& request, Http::ResponseWriter writer) override {
    http_response response;
    try {
      response = handler_.handle(to_exchange(request));
    } catch (const std::exception& error) {
      // A bug must cost one request, not the server.
      spdlog::error("request {} {} failed: {}", Http::methodString(request.method()), request.resource(), error.what());
      response = error_response(internal_error(error.what()));
    }
    spdlog::debug("{} {} -> {}", Http::methodString(request.method()), request.resource(), response.code);
    send(writer, response);
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
};

}  // namespace

struct api_server::impl {
  server_settings settings;
  std::shared_ptr<store_client> store;
  std::unique_ptr<Http::Endpoint> endpoint;
};

api_server::api_server(caf::actor_system& system, actors::store_actor store, server_settings settings)
    : impl_(std::make_unique<impl>()) {
  impl_->settings = settings;
  impl_->store = std::make_shared<store_client>(system, std::move(store), settings.request_timeout);
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
                     .bodyTimeout(settings.read_timeout);
  impl_->endpoint->init(options);
  impl_->endpoint->setHandler(Http::make_handler<pistache_handler>(impl_->store, settings.handler));
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
    impl_->endpoint->shutdown();
    impl_->endpoint.reset();
  }
}

uint16_t api_server::port() const {
  return impl_->endpoint ? static_cast<uint16_t>(impl_->endpoint->getPort()) : impl_->settings.port;
}

}  // namespace orkest::api::http
