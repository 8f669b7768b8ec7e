# Sourced (not run) by .ci/run and by tests/remote_cache: switches Pants' REAPI remote cache on
# when POLO_REMOTE_CACHE_ADDRESS is set, and changes nothing at all when it is not.
#
# Inputs (docs/ci.md has examples for BuildBuddy, bazel-remote and BuildGrid):
#   POLO_REMOTE_CACHE_ADDRESS   grpc://host:port or grpcs://host:port; unset or empty = no cache
#   POLO_REMOTE_CACHE_INSTANCE  REAPI instance name (optional, default: the server's default "")
#   POLO_REMOTE_CACHE_HEADER    one auth header as "Name: value" (optional), e.g.
#                               "x-buildbuddy-api-key: abc123" or "authorization: Bearer eyJ..."
#   POLO_REMOTE_CACHE_WRITE     "true" (default) or "false" to only read (untrusted pull requests)
# Output: PANTS_CONFIG_FILES gains pants.remote-cache.toml (by absolute path, so it also works for
# a Pants build root other than this repository), plus the variables that file interpolates.

polo_remote_cache_setup() {
  local address="${POLO_REMOTE_CACHE_ADDRESS:-}"
  [[ -n "${address}" ]] || return 0

  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

  case "${address}" in
    grpc://?* | grpcs://?*) ;;
    *)
      echo "remote cache: POLO_REMOTE_CACHE_ADDRESS must be grpc://host:port or grpcs://host:port (Pants 2.17 speaks only gRPC to a cache), got '${address}'" >&2
      return 1
      ;;
  esac

  local write="${POLO_REMOTE_CACHE_WRITE:-true}"
  case "${write}" in
    true | false) ;;
    *)
      echo "remote cache: POLO_REMOTE_CACHE_WRITE must be 'true' or 'false', got '${write}'" >&2
      return 1
      ;;
  esac

  # Pants reads the header dict as a Python literal: keep names and values to characters that
  # cannot break out of its quotes. gRPC metadata names are lower case.
  local headers="{}"
  if [[ -n "${POLO_REMOTE_CACHE_HEADER:-}" ]]; then
    local name value
    name="${POLO_REMOTE_CACHE_HEADER%%:*}"
    value="${POLO_REMOTE_CACHE_HEADER#*:}"
    value="${value#"${value%%[![:space:]]*}"}"
    name="${name,,}"
    if [[ "${POLO_REMOTE_CACHE_HEADER}" != *:* || ! "${name}" =~ ^[a-z0-9][a-z0-9_.-]*$ || -z "${value}" || "${value}" =~ [\'\\[:cntrl:]] ]]; then
      # Never echo the header itself: its value is a secret.
      echo "remote cache: POLO_REMOTE_CACHE_HEADER must look like 'Name: value' (name of letters, digits, '-', '_', '.'; value without quotes, backslashes or control characters)" >&2
      return 1
    fi
    headers="{'${name}': '${value}'}"
  fi

  export POLO_REMOTE_CACHE_ADDRESS="${address}"
  export POLO_REMOTE_CACHE_INSTANCE="${POLO_REMOTE_CACHE_INSTANCE:-}"
  export POLO_REMOTE_CACHE_WRITE="${write}"
  export POLO_REMOTE_CACHE_STORE_HEADERS="${headers}"

  # PANTS_CONFIG_FILES is a Pants list option: a bare path or "+[...]" appends to pants.toml,
  # "[...]" replaces the list. Append our file in whichever form the caller used.
  local file="${root}/pants.remote-cache.toml"
  local current="${PANTS_CONFIG_FILES:-}"
  case "${current}" in
    "") PANTS_CONFIG_FILES="${file}" ;;
    "+["* | "-["*) PANTS_CONFIG_FILES="${current},+['${file}']" ;;
    "["*"]") PANTS_CONFIG_FILES="${current%]}, '${file}']" ;;
    *) PANTS_CONFIG_FILES="+['${current}'],+['${file}']" ;;
  esac
  export PANTS_CONFIG_FILES

  local shown_write="read and write"
  [[ "${write}" == "true" ]] || shown_write="read only"
  echo "remote cache: ${address} (instance '${POLO_REMOTE_CACHE_INSTANCE}', ${shown_write}$([[ "${headers}" == "{}" ]] || echo ", auth header '${name}'"))" >&2
}

polo_remote_cache_setup
