"""What SQL may reach outside chDB: files under one directory, and no loopback services.

chDB is clickhouse-local, which trusts its user completely: `file()` reads and writes any path
the process can (a ClickHouse *server* confines it to `user_files_path`), the default database
also serves any file as a table (`SELECT * FROM '/etc/passwd'`; the engine replaces that database
at start, see engine.py), and `url()`, `s3()`, `remote()` and friends reach any address,
including services on the laptop's loopback interface (SSRF). The endpoint therefore checks
every statement before chDB sees it, with the lexer of statement.py, and refuses
(`ACCESS_DENIED`, HTTP 403):

* `file()` (the table function, the scalar function and the `File` engine) and the dictionary
  `FILE` source unless every argument is a literal and every string argument names a path inside
  the user-files directory (`<state dir>/clickhouse/user_files` by default): no `..`, no `~`, no
  backslash escapes, relative paths resolve inside it;
* `url()`, `s3()` and the other URL-addressed sources (and the dictionary `HTTP` source) unless
  every argument is a literal, a URL is given, and no URL's host is a loopback, unspecified or
  link-local address or a name resolving to one; `--allow-loopback-urls` lifts that last rule;
* sources that reach other servers or run programs and that Polo never uses locally (`remote`,
  `mysql`, `postgresql`, `executable`, `Python`, `Filesystem`, dictionary `LIBRARY`, ...);
* `INTO OUTFILE`, `FROM INFILE`, and `ATTACH ... FROM '<path>'`.

This is a lexical check, deny-by-default where the lexer cannot be sure (a non-literal argument
is refused rather than guessed at). A name that resolves to a public address when checked and to
127.0.0.1 when chDB connects (DNS rebinding against url()) is not caught; the browser-facing
checks in guard.py keep web pages from sending such queries in the first place.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from chlocal import statement
from chlocal.errors import ClickHouseException
from chlocal.statement import Token

FILE_SOURCES = frozenset({"file"})
URL_SOURCES = frozenset(
    {
        "url",
        "urlcluster",
        "s3",
        "s3cluster",
        "gcs",
        "oss",
        "cosn",
        "hdfs",
        "hdfscluster",
        "azureblobstorage",
        "azureblobstoragecluster",
        "iceberg",
        "icebergs3",
        "icebergazure",
        "iceberghdfs",
        "icebergcluster",
        "icebergs3cluster",
        "icebergazurecluster",
        "iceberghdfscluster",
        "deltalake",
        "deltalakes3",
        "deltalakeazure",
        "deltalakecluster",
        "hudi",
        "hudicluster",
        "paimon",
        "paimons3",
        "paimonazure",
        "paimonhdfs",
        "s3queue",
        "azurequeue",
        "http",  # dictionary source
    }
)
BLOCKED_SOURCES = frozenset(
    {
        "filecluster",
        "filesystem",
        "overlay",
        "sqlite",
        "remote",
        "remotesecure",
        "cluster",
        "clusterallreplicas",
        "mysql",
        "postgresql",
        "mongodb",
        "redis",
        "odbc",
        "jdbc",
        "clickhouse",  # dictionary source
        "cassandra",
        "library",  # dictionary source: loads a shared object
        "executable",
        "executablepool",
        "executable_pool",
        "python",  # chDB: reads objects of the calling Python process
        "disk",
        "kafka",
        "rabbitmq",
        "nats",
        "arrowflight",
        "ytsaurus",
        "yamlregexptree",
        "prometheusquery",
        "prometheusqueryrange",
    }
)


@dataclass(frozen=True)
class SandboxPolicy:
    """Where `file()` may reach, and whether url()-like sources may reach loopback."""

    user_files: Path
    allow_loopback_urls: bool = False


def _denied(message: str) -> ClickHouseException:
    return ClickHouseException.of("ACCESS_DENIED", message)


def _name(token: Token) -> str | None:
    """A function or engine name token, unquoted and lower-cased; None for anything else."""
    if token.kind == "word":
        return token.text.decode("ascii", "replace").lower()
    if token.kind == "quoted":
        return token.text[1:-1].decode("utf-8", "replace").lower()
    return None


def _string_value(token: Token) -> str:
    """The text of a `'...'` literal; backslash escapes are refused rather than interpreted."""
    raw = token.text[1:-1]
    if b"\\" in raw:
        raise _denied("Backslash escapes are not allowed in file or URL arguments on this endpoint")
    return raw.replace(b"''", b"'").decode("utf-8", "replace")


def _arguments(tokens: list[Token], open_index: int) -> Iterator[list[Token]]:
    """The arguments (token lists split at depth-1 commas) of the call opened at `open_index`."""
    depth = 0
    current: list[Token] = []
    for token in tokens[open_index:]:
        if token.kind == "other" and token.text == b"(":
            depth += 1
            if depth == 1:
                continue
        elif token.kind == "other" and token.text == b")":
            depth -= 1
            if depth == 0:
                if current:
                    yield current
                return
        elif depth == 1 and token.kind == "other" and token.text == b",":
            yield current
            current = []
            continue
        current.append(token)
    if current:
        yield current


def _placeholder(argument: list[Token], params: Mapping[str, str]) -> str | None:
    """The bound value of an argument that is exactly one `{name:String}` placeholder."""
    texts = [t.text for t in argument]
    if len(texts) != 5 or texts[0] != b"{" or texts[2] != b":" or texts[4] != b"}":
        return None
    if argument[1].kind != "word" or argument[3].upper != "STRING":
        return None
    value = params.get(argument[1].text.decode("ascii"))
    if value is None or "\\" in value or "\t" in value or "\n" in value:
        # Unbound, or in escaped form with escapes: refuse rather than decode.
        raise _denied("A file or URL argument bound as a parameter must be plain text")
    return value


def _literal_strings(
    name: str, tokens: list[Token], open_index: int | None, params: Mapping[str, str]
) -> list[str]:
    """Every string argument of a call whose arguments must all be literals, bare words or
    `{name:String}` placeholders (whose bound values count as strings)."""
    if open_index is None:
        return []
    strings: list[str] = []
    for argument in _arguments(tokens, open_index):
        bound = _placeholder(argument, params)
        if bound is not None:
            strings.append(bound)
            continue
        for token in argument:
            if token.kind == "string":
                strings.append(_string_value(token))
            elif token.kind not in ("word",) and not (token.kind == "other" and token.text == b"="):
                raise _denied(
                    f"{name}() on this endpoint takes only literal arguments "
                    "(no expressions or heredocs; a parameter only as a whole "
                    "{name:String} argument)"
                )
    return strings


def _check_path(policy: SandboxPolicy, value: str) -> None:
    root = os.path.normpath(str(policy.user_files))
    if "\0" in value or ".." in value or value.startswith("~"):
        raise _denied(f"file() path {value[:200]!r} is not allowed; files live in {root}")
    path = os.path.normpath(os.path.join(root, value))
    # Resolve symlinks in the part before any glob character, which ClickHouse would follow.
    prefix = path
    for glob in "*?{[":
        prefix = prefix.split(glob, 1)[0]
    real = os.path.realpath(prefix)
    inside = (path == root or path.startswith(root + os.sep)) and (
        real == os.path.realpath(root) or real.startswith(os.path.realpath(root) + os.sep)
    )
    if not inside:
        raise _denied(f"file() path {value[:200]!r} is outside {root}, the only directory allowed")


def _is_local_address(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback or ip.is_unspecified or ip.is_link_local


def _resolves_locally(host: str) -> bool:
    host = host.strip("[]").rstrip(".").lower()
    if host in ("", "localhost") or host.endswith(".localhost"):
        return True
    if _is_local_address(host):
        return True
    try:
        # inet_aton accepts the legacy spellings (2130706433, 0x7f.1, 127.1) that URL parsers
        # and resolvers may also accept.
        return _is_local_address(socket.inet_ntoa(socket.inet_aton(host)))
    except OSError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False  # chDB will not reach it either
    return any(_is_local_address(str(info[4][0])) for info in infos)


def _check_urls(policy: SandboxPolicy, name: str, strings: list[str]) -> None:
    urls = [s for s in strings if "://" in s]
    if not urls:
        raise _denied(f"{name}() on this endpoint needs a literal URL")
    if policy.allow_loopback_urls:
        return
    for url in urls:
        try:
            host = urlsplit(url.strip()).hostname or ""
        except ValueError as exc:
            raise _denied(f"{name}() URL is not valid") from exc
        if _resolves_locally(host):
            raise _denied(
                f"{name}() toward a loopback or local address ({host or 'no host'}) is disabled "
                "on this endpoint (start it with --allow-loopback-urls to allow it)"
            )


def check(sql: bytes, policy: SandboxPolicy, params: Mapping[str, str] | None = None) -> None:
    """Raise ACCESS_DENIED if `sql` (with its `param_` values) reaches outside `policy`."""
    params = params or {}
    tokens = list(statement.tokens(sql))
    first = statement.first_keyword(sql)
    previous: Token | None = None
    for index, token in enumerate(tokens):
        upper = token.upper if token.kind == "word" else ""
        if previous is not None and previous.kind == "word":
            pair = (previous.upper, upper)
            if pair in (("INTO", "OUTFILE"), ("FROM", "INFILE")):
                raise _denied(f"{pair[0]} {pair[1]} is not allowed on this endpoint")
            if first == "ATTACH" and previous.upper == "FROM" and token.kind == "string":
                raise _denied("ATTACH ... FROM a path is not allowed on this endpoint")
        name = _name(token)
        if name is not None and name in (FILE_SOURCES | URL_SOURCES | BLOCKED_SOURCES):
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            is_call = following is not None and following.kind == "other" and following.text == b"("
            after_engine = _follows_engine(tokens, index)
            if is_call or after_engine:
                _check_source(policy, name, tokens, index + 1 if is_call else None, params)
        previous = token


def _follows_engine(tokens: list[Token], index: int) -> bool:
    """`ENGINE = Name` or `ENGINE Name`: an engine named without parentheses."""
    back = index - 1
    if back >= 0 and tokens[back].kind == "other" and tokens[back].text == b"=":
        back -= 1
    return back >= 0 and tokens[back].kind == "word" and tokens[back].upper == "ENGINE"


def _check_source(
    policy: SandboxPolicy,
    name: str,
    tokens: list[Token],
    open_index: int | None,
    params: Mapping[str, str],
) -> None:
    if name in BLOCKED_SOURCES:
        raise _denied(f"{name}() is disabled on the local endpoint")
    strings = _literal_strings(name, tokens, open_index, params)
    if name in FILE_SOURCES:
        if open_index is None:
            return  # `ENGINE = File` needs arguments; ClickHouse refuses it
        for value in strings:
            _check_path(policy, value)
        return
    _check_urls(policy, name, strings)
