#include "listener_fixture.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace linkhook::test {

namespace {

// "http://127.0.0.1:PORT/path" → ("http://127.0.0.1:PORT", "/path")
std::pair<std::string, std::string> split_url(const std::string& url) {
  const auto path = url.find('/', url.find("://") + 3);
  if (path == std::string::npos) {
    return {url, "/"};
  }
  return {url.substr(0, path), url.substr(path)};
}

} // namespace

RunningListener::RunningListener(const std::vector<std::string>& args, const Env& env,
                                 const std::vector<std::string>& launcher) {
  auto argv = launcher;
  for (const auto& arg : {linkhook_binary(), std::string("listen"), std::string("--port"),
                          std::string("0"), std::string("--json")}) {
    argv.push_back(arg);
  }
  argv.insert(argv.end(), args.begin(), args.end());
  m_process = std::make_unique<Process>(argv, env);
  const auto line = m_process->read_line(10s);
  if (!line) {
    m_process->wait(5s);
    throw std::runtime_error("listener printed no URL; stderr: " + m_process->err());
  }
  m_url = nlohmann::json::parse(*line).at("listening").get<std::string>();
}

std::string RunningListener::origin() const {
  return split_url(m_url).first;
}

std::string RunningListener::next_line(std::chrono::milliseconds timeout) {
  const auto line = m_process->read_line(timeout);
  if (!line) {
    throw std::runtime_error("no delivery line from the listener; stderr: " + m_process->err());
  }
  return *line;
}

httplib::Headers signed_headers(const std::string& body,
                                const std::vector<std::string>& sign_args) {
  std::vector<std::string> args{"sign", "--secret", k_test_secret};
  args.insert(args.end(), sign_args.begin(), sign_args.end());
  args.emplace_back("-");
  const auto signed_out = run_linkhook(args, body);
  if (signed_out.exit_code != 0) {
    throw std::runtime_error("linkhook sign failed: " + signed_out.err);
  }
  httplib::Headers headers;
  std::size_t start = 0;
  for (auto end = signed_out.out.find('\n'); end != std::string::npos;
       end = signed_out.out.find('\n', start)) {
    const auto line = signed_out.out.substr(start, end - start);
    const auto colon = line.find(": ");
    headers.emplace(line.substr(0, colon), line.substr(colon + 2));
    start = end + 1;
  }
  return headers;
}

httplib::Result post(const std::string& url, const httplib::Headers& headers,
                     const std::string& body) {
  const auto [origin, path] = split_url(url);
  httplib::Client client(origin);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(10, 0);
  // An https listener under test presents a self-signed certificate: its trust is not tested here.
  client.enable_server_certificate_verification(false);
  return client.Post(path, headers, body, "application/json");
}

} // namespace linkhook::test
