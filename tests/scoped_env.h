#pragma once
// Sets an environment variable for one scope, restoring it afterwards.
#include <cstdlib>
#include <optional>
#include <string>

namespace aerec::testing {

class scoped_env {
 public:
  // A null `value` unsets the variable.
  scoped_env(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~scoped_env() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }
  scoped_env(const scoped_env&) = delete;
  scoped_env& operator=(const scoped_env&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace aerec::testing
