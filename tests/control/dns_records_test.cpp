// The names the cluster DNS answers, from pods and Services.

#include "control/dns_records.hpp"

#include <gtest/gtest.h>

namespace orkest::control {
namespace {

using nlohmann::json;

json pod(const std::string& name, const std::string& ip, bool terminating = false) {
  json pod = {{"metadata", {{"name", name}, {"namespace", "team"}}}, {"status", {{"podIP", ip}}}};
  if (terminating) pod["metadata"]["deletionTimestamp"] = "2026-11-30T00:00:00Z";
  return pod;
}

json service(const std::string& name, const std::string& cluster_ip) {
  return {{"metadata", {{"name", name}, {"namespace", "team"}}}, {"spec", {{"clusterIP", cluster_ip}}}};
}

TEST(DnsRecords, PodsByNameAndTheirNamespacesSearchName) {
  auto table = dns_records({pod("web", "10.89.0.5")}, {}, "cluster.local");
  EXPECT_EQ(table.at("web"), std::vector<std::string>{"10.89.0.5"});
  EXPECT_EQ(table.at("web.team.svc.cluster.local"), std::vector<std::string>{"10.89.0.5"});
  EXPECT_EQ(table.size(), 2u);
}

TEST(DnsRecords, ServicesByEveryNameKubernetesResolves) {
  auto table = dns_records({}, {service("api", "10.96.0.7")}, "example.org");
  for (const char* name : {"api", "api.team", "api.team.svc", "api.team.svc.example.org"})
    EXPECT_EQ(table.at(name), std::vector<std::string>{"10.96.0.7"}) << name;
}

TEST(DnsRecords, WhatHasNoAddressOrIsGoingHasNoName) {
  auto table = dns_records({pod("starting", ""), pod("leaving", "10.89.0.6", true)},
                           {service("headless", "None"), service("unallocated", "")}, "cluster.local");
  EXPECT_TRUE(table.empty());
}

TEST(DnsRecords, AServiceWinsOverAPodOfTheSameName) {
  auto table = dns_records({pod("db", "10.89.0.9")}, {service("db", "10.96.0.9")}, "cluster.local");
  EXPECT_EQ(table.at("db"), std::vector<std::string>{"10.96.0.9"});
  EXPECT_EQ(table.at("db.team.svc.cluster.local"), std::vector<std::string>{"10.96.0.9"});
}

}  // namespace
}  // namespace orkest::control
