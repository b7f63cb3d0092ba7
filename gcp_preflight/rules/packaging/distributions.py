"""Which distribution provides an import name: a maintained table, a naming rule, config overrides.

An import name that is not in the table is assumed to come from the distribution of the same
name (`requests` -> requests, `pandas_gbq` -> pandas-gbq), as pip normalises names. The table
covers the names that differ; `[packaging] import-names` in the config adds or overrides entries.
"""

from __future__ import annotations

from packaging.utils import canonicalize_name

# Dotted import prefix -> distributions that provide it (any one is enough). The longest
# matching prefix wins, so `google.cloud.bigquery_storage` beats `google.cloud`.
IMPORT_NAMES: dict[str, tuple[str, ...]] = {
    "yaml": ("PyYAML",),
    "ruamel.yaml": ("ruamel.yaml",),
    "bs4": ("beautifulsoup4",),
    "dateutil": ("python-dateutil",),
    "dotenv": ("python-dotenv",),
    "jwt": ("PyJWT",),
    "PIL": ("Pillow",),
    "sklearn": ("scikit-learn",),
    "cv2": ("opencv-python", "opencv-python-headless", "opencv-contrib-python"),
    "attr": ("attrs",),
    "OpenSSL": ("pyOpenSSL",),
    "Crypto": ("pycryptodome",),
    "Cryptodome": ("pycryptodomex",),
    "magic": ("python-magic",),
    "docx": ("python-docx",),
    "pptx": ("python-pptx",),
    "MySQLdb": ("mysqlclient",),
    "psycopg2": ("psycopg2", "psycopg2-binary"),
    "psycopg": ("psycopg", "psycopg-binary"),
    "slugify": ("python-slugify",),
    "serial": ("pyserial",),
    "zmq": ("pyzmq",),
    "jose": ("python-jose",),
    "multipart": ("python-multipart",),
    "pkg_resources": ("setuptools",),
    "dns": ("dnspython",),
    "fitz": ("PyMuPDF",),
    "git": ("GitPython",),
    "websocket": ("websocket-client",),
    "socks": ("PySocks",),
    "kafka": ("kafka-python",),
    "bson": ("pymongo",),
    "gridfs": ("pymongo",),
    "Levenshtein": ("Levenshtein", "python-Levenshtein"),
    "grpc": ("grpcio",),
    "grpc_status": ("grpcio-status",),
    "functions_framework": ("functions-framework",),
    "googleapiclient": ("google-api-python-client",),
    "google_auth_oauthlib": ("google-auth-oauthlib",),
    "google_auth_httplib2": ("google-auth-httplib2",),
    "google.api_core": ("google-api-core",),
    "google.auth": ("google-auth",),
    "google.oauth2": ("google-auth",),
    "google.protobuf": ("protobuf",),
    "google.rpc": ("googleapis-common-protos",),
    "google.type": ("googleapis-common-protos",),
    "google.api": ("googleapis-common-protos",),
    "google.cloud.exceptions": ("google-cloud-core",),
    "google.cloud.client": ("google-cloud-core",),
    "google.cloud.pubsub": ("google-cloud-pubsub",),
    "google.cloud.pubsub_v1": ("google-cloud-pubsub",),
    "google.cloud.bigquery_storage": ("google-cloud-bigquery-storage",),
    "google.cloud.bigquery_storage_v1": ("google-cloud-bigquery-storage",),
    "google.cloud.secretmanager": ("google-cloud-secret-manager",),
    "google.cloud.secretmanager_v1": ("google-cloud-secret-manager",),
    "google.cloud.sql.connector": ("cloud-sql-python-connector",),
    "google.cloud.storage": ("google-cloud-storage",),
    "google.cloud.firestore": ("google-cloud-firestore",),
    "google.cloud.firestore_v1": ("google-cloud-firestore",),
    "google.cloud.logging": ("google-cloud-logging",),
    "google.cloud.logging_v2": ("google-cloud-logging",),
    "google.cloud.functions_v1": ("google-cloud-functions",),
    "google.cloud.functions_v2": ("google-cloud-functions",),
    "google.cloud.run_v2": ("google-cloud-run",),
    "google.cloud.aiplatform": ("google-cloud-aiplatform",),
    "vertexai": ("google-cloud-aiplatform",),
    "pandas_gbq": ("pandas-gbq",),
    "db_dtypes": ("db-dtypes",),
    "typing_extensions": ("typing-extensions",),
}

# What a distribution brings along that code commonly imports directly; importing those works
# on every install, so it is not reported (an explicit pin is still better practice).
_GOOGLE_CLOUD_DEPS = ("google-api-core", "google-auth", "googleapis-common-protos", "protobuf",
                      "proto-plus", "grpcio", "grpcio-status", "requests", "urllib3", "certifi",
                      "charset-normalizer", "idna")
_DEPENDS: dict[str, tuple[str, ...]] = {
    "functions-framework": ("flask", "werkzeug", "click", "itsdangerous", "jinja2", "markupsafe",
                            "blinker", "gunicorn", "cloudevents", "watchdog"),
    "flask": ("werkzeug", "click", "itsdangerous", "jinja2", "markupsafe", "blinker"),
    "requests": ("urllib3", "certifi", "charset-normalizer", "idna"),
    "pandas": ("numpy", "python-dateutil", "pytz", "tzdata", "six"),
    "google-cloud-bigquery": ("google-cloud-core", "python-dateutil", "packaging"),
    "google-cloud-storage": ("google-cloud-core", "google-resumable-media", "google-crc32c"),
    "google-cloud-firestore": ("google-cloud-core",),
    "google-cloud-logging": ("google-cloud-core", "google-cloud-appengine-logging"),
    "pandas-gbq": ("google-cloud-bigquery", "pandas", "pyarrow", "db-dtypes", "pydata-google-auth"),
    "google-api-python-client": ("httplib2", "google-auth-httplib2", "uritemplate", "google-api-core"),
}

# Cloud Functions installs the Functions Framework when requirements.txt does not pin it.
FUNCTION_RUNTIME = ("functions-framework",)


def candidates(dotted: str, overrides: dict[str, str]) -> tuple[str, ...]:
    """Canonical names of the distributions that may provide an import (longest prefix wins)."""
    parts = dotted.split(".")
    for size in range(len(parts), 0, -1):
        prefix = ".".join(parts[:size])
        if prefix in overrides:
            return (canonicalize_name(overrides[prefix]),)
        if prefix in IMPORT_NAMES:
            return tuple(canonicalize_name(d) for d in IMPORT_NAMES[prefix])
    if parts[0] == "google" and len(parts) > 2 and parts[1] == "cloud":
        name = parts[2].rsplit("_v", 1)[0] if "_v" in parts[2] else parts[2]
        return (canonicalize_name(f"google-cloud-{name}"),)
    if parts[0] == "google" and len(parts) > 1:
        return (canonicalize_name(f"google-{parts[1]}"),)
    return (canonicalize_name(parts[0]),)


def is_known(dotted: str, overrides: dict[str, str]) -> bool:
    """Whether the table (or the config, or Google's naming rule) names the import's distribution."""
    parts = dotted.split(".")
    prefixes = [".".join(parts[:size]) for size in range(len(parts), 0, -1)]
    return parts[0] == "google" or any(p in overrides or p in IMPORT_NAMES for p in prefixes)


def installed(declared: frozenset[str]) -> frozenset[str]:
    """The declared distributions and what they bring along (transitively)."""
    seen: set[str] = set()
    todo = [canonicalize_name(d) for d in declared]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        deps = _DEPENDS.get(name, ())
        if name.startswith("google-cloud-"):
            deps = deps + _GOOGLE_CLOUD_DEPS
        todo.extend(canonicalize_name(d) for d in deps)
    return frozenset(seen)


def display(dotted: str, overrides: dict[str, str]) -> str:
    """The distribution to suggest in a message (as the table spells it)."""
    parts = dotted.split(".")
    for size in range(len(parts), 0, -1):
        prefix = ".".join(parts[:size])
        if prefix in overrides:
            return overrides[prefix]
        if prefix in IMPORT_NAMES:
            return IMPORT_NAMES[prefix][0]
    return candidates(dotted, overrides)[0]
