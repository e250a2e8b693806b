#pragma once
// The token node agents join the server with (`orkest agent --token`): api.token when the
// configuration sets one, else a random one made once and kept in <dataDir>/join-token (0600),
// which `orkest token` prints.

#include <string>

#include "app/config.hpp"

namespace orkest::app {

struct join_token_result {
  std::string token;
  std::string error;  // set when the token could not be read or made: names the file
};

// The token, made on first use.
join_token_result join_token(const config& c);

}  // namespace orkest::app
