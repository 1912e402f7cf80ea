package finora.admin.security;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/** Why the login view is shown again; travels as a bare query parameter such as {@code /login?error}. */
enum LoginOutcome {
  BAD_CREDENTIALS("error"),
  SERVER_UNREACHABLE("unreachable"),
  FAILED("failed"),
  SESSION_ENDED("expired");

  private final String queryParameter;

  LoginOutcome(String queryParameter) {
    this.queryParameter = queryParameter;
  }

  String queryParameter() {
    return queryParameter;
  }

  static Optional<LoginOutcome> fromQuery(Set<String> parameterNames) {
    return Arrays.stream(values()).filter(o -> parameterNames.contains(o.queryParameter)).findFirst();
  }
}
