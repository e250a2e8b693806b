// load_config: the shipped configuration loads, and a bad value is refused with one message
// naming the field (orkest prints it and exits 2 instead of failing later, or aborting).

#include "app/config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <variant>

namespace orkest::app {
namespace {

namespace fs = std::filesystem;

class ConfigFile : public ::testing::Test {
 protected:
  // Writes `yaml` to a file of this test's own and loads it.
  std::variant<config, std::string> load(const std::string& yaml) {
    std::ofstream(path_) << yaml;
    return load_config(path_.string());
  }
  std::string error_for(const std::string& yaml) {
    auto loaded = load(yaml);
    return std::holds_alternative<std::string>(loaded) ? std::get<std::string>(loaded) : std::string("(loaded)");
  }
  void TearDown() override { fs::remove(path_); }

  fs::path path_ = fs::temp_directory_path() / ("orkest-config-test-" + std::to_string(::getpid()) + ".yaml");
};

TEST_F(ConfigFile, TheShippedConfigurationLoadsWithItsDocumentedDefaults) {
  auto loaded = load_config(ORKEST_SOURCE_DIR "/conf/orkest.yaml");
  ASSERT_TRUE(std::holds_alternative<config>(loaded)) << std::get<std::string>(loaded);
  const auto& c = std::get<config>(loaded);
  EXPECT_EQ(c.api_address, "127.0.0.1");
  EXPECT_EQ(c.api_port, 3000);
  EXPECT_EQ(c.service_cidr, "10.96.0.0/16");
  EXPECT_EQ(c.watch_timeout, std::chrono::seconds(1800));
  EXPECT_EQ(c.read_timeout, std::chrono::seconds(60));
}

TEST_F(ConfigFile, StorageIsSqliteByDefaultAndItsKeysAreChecked) {
  auto loaded = load("storage:\n  dataDir: data\n");
  ASSERT_TRUE(std::holds_alternative<config>(loaded)) << std::get<std::string>(loaded);
  const auto& c = std::get<config>(loaded);
  EXPECT_EQ(c.storage_backend, "sqlite");
  EXPECT_TRUE(c.storage_full_sync);
  EXPECT_EQ(c.storage_history, std::chrono::seconds(300));
  EXPECT_EQ(c.data_dir, (path_.parent_path() / "data").string()) << "relative to the configuration file";
  EXPECT_EQ(database_path(c.data_dir), c.data_dir + "/orkest.db");

  auto memory = load("storage:\n  backend: memory\n  sync: normal\n  historySeconds: 60\n");
  ASSERT_TRUE(std::holds_alternative<config>(memory));
  EXPECT_EQ(std::get<config>(memory).storage_backend, "memory");
  EXPECT_FALSE(std::get<config>(memory).storage_full_sync);
  EXPECT_EQ(std::get<config>(memory).storage_history, std::chrono::seconds(60));
  EXPECT_EQ(std::get<config>(memory).data_dir, default_data_dir());

  EXPECT_NE(error_for("storage:\n  backend: etcd\n").find("storage.backend: unsupported value \"etcd\""),
            std::string::npos);
  EXPECT_NE(error_for("storage:\n  sync: sometimes\n").find("storage.sync: unsupported value"), std::string::npos);
  EXPECT_NE(error_for("storage:\n  historySeconds: 0\n").find("storage.historySeconds: must be at least 1"),
            std::string::npos);
}

TEST_F(ConfigFile, EventsKeepAnHourAndAThousandByDefault) {
  auto defaults = load("{}\n");
  ASSERT_TRUE(std::holds_alternative<config>(defaults));
  EXPECT_EQ(std::get<config>(defaults).events_ttl, std::chrono::seconds(3600));
  EXPECT_EQ(std::get<config>(defaults).events_limit, 1000);
  auto set = load("events:\n  ttlSeconds: 60\n  limit: 50\n");
  ASSERT_TRUE(std::holds_alternative<config>(set));
  EXPECT_EQ(std::get<config>(set).events_ttl, std::chrono::seconds(60));
  EXPECT_EQ(std::get<config>(set).events_limit, 50);
  EXPECT_NE(error_for("events:\n  limit: 0\n").find("events.limit: must be at least 1"), std::string::npos);
  EXPECT_NE(error_for("events:\n  ttlSeconds: 0\n").find("events.ttlSeconds: must be at least 1"), std::string::npos);
}

TEST_F(ConfigFile, AnUnknownSectionOrKeyIsRefusedNamingIt) {
  EXPECT_NE(error_for("api:\n  prot: 3001\n").find("api.prot: unknown key (api takes address,"), std::string::npos)
      << error_for("api:\n  prot: 3001\n");
  EXPECT_NE(error_for("storge:\n  dataDir: x\n").find("storge: unknown section (known: api, bootstrap,"),
            std::string::npos)
      << error_for("storge:\n  dataDir: x\n");
  EXPECT_NE(error_for("log: debug\n").find("log: must be a mapping of keys"), std::string::npos);
  EXPECT_TRUE(std::holds_alternative<config>(load("log:\n")));  // an empty section asks for nothing
}

TEST_F(ConfigFile, HostPathFoldersAreNoneByDefaultAndAbsolute) {
  auto defaults = load("{}\n");
  ASSERT_TRUE(std::holds_alternative<config>(defaults));
  EXPECT_TRUE(std::get<config>(defaults).host_path_allowed.empty());
  auto set = load("security:\n  hostPathAllowed: [/srv/shared/, /var/log/./apps]\n");
  ASSERT_TRUE(std::holds_alternative<config>(set)) << std::get<std::string>(set);
  EXPECT_EQ(std::get<config>(set).host_path_allowed, (std::vector<std::string>{"/srv/shared", "/var/log/apps"}));
  EXPECT_NE(error_for("security:\n  hostPathAllowed: [srv]\n").find("security.hostPathAllowed: \"srv\" must be an absolute path"),
            std::string::npos);
  EXPECT_NE(error_for("security:\n  hostPathAllowed: /srv\n").find("security.hostPathAllowed: invalid value"),
            std::string::npos)
      << "a list, not one path";
  EXPECT_NE(error_for("storage:\n  dataDir: /var/lib/a,b\n").find("storage.dataDir: must not contain ','"),
            std::string::npos);
}

TEST_F(ConfigFile, WatchTimeoutIsRead) {
  auto loaded = load("api:\n  watchTimeoutSeconds: 90\n");
  ASSERT_TRUE(std::holds_alternative<config>(loaded)) << std::get<std::string>(loaded);
  EXPECT_EQ(std::get<config>(loaded).watch_timeout, std::chrono::seconds(90));
  EXPECT_NE(error_for("api:\n  watchTimeoutSeconds: 0\n").find("api.watchTimeoutSeconds: must be greater than 0"),
            std::string::npos);
}

TEST_F(ConfigFile, AddressRangesAndTheDnsAddressAreChecked) {
  EXPECT_NE(error_for("cluster:\n  serviceCIDR: 10.96.0.0/33\n").find("cluster.serviceCIDR: \"10.96.0.0/33\" is not"),
            std::string::npos);
  EXPECT_NE(error_for("cluster:\n  serviceCIDR: bogus\n").find("cluster.serviceCIDR"), std::string::npos);
  EXPECT_NE(error_for("runtime:\n  subnet: 10.89.0.0/4\n").find("runtime.subnet"), std::string::npos);
  EXPECT_NE(error_for("cluster:\n  dnsIP: 10.96.0.300\n").find("cluster.dnsIP: \"10.96.0.300\" is not an IPv4"),
            std::string::npos);
  // Empty means "none" for both.
  EXPECT_TRUE(std::holds_alternative<config>(load("runtime:\n  subnet: \"\"\ncluster:\n  dnsIP: \"\"\n")));
}

}  // namespace
}  // namespace orkest::app
