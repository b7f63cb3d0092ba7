"""What well-known distributions install and which import names they provide, as data.

Each entry is `canonical name: (modules, requires, extras)`:
- `modules`: the import names the distribution's wheel holds, as dotted prefixes; a trailing `*`
  extends the last part (`google.cloud.tasks*` is also `google.cloud.tasks_v2`). None: unknown.
- `requires`: the distributions it always installs (its Requires-Dist without extras, for Linux
  and CPython 3.8 to 3.13), the union over the releases named in SOURCES so a pin on an older
  release is covered; each of them is an entry too, so a closure is complete. None: unknown (the
  distribution is then known only by its import names).
- `extras`: what `name[extra]` adds.

The packaging checks treat a unit's installed set as known only when every distribution in it is
an entry with known `requires` and `modules` (or the set comes from a lock or compiled file, where
`requires` does not matter); anything else may bring any module, so nothing is reported missing.
"""

from __future__ import annotations

from functools import lru_cache

from packaging.utils import canonicalize_name

SOURCES = (
    "Requires-Dist of the releases pip 23.2 resolved on 2025-12 for CPython 3.11 on manylinux2014_x86_64 "
    "(`pip install --dry-run --ignore-installed --report`): functions-framework 3.10.2, google-cloud-bigquery "
    "3.47.0, google-cloud-storage 3.17.2, google-cloud-pubsub 2.44.0, google-cloud-logging 3.17.0, "
    "google-cloud-firestore 2.34.1, google-cloud-secret-manager 2.32.0, google-api-python-client 2.202.0, "
    "pandas-gbq 0.35.4, boto3 1.44.18 and everything they install",
    "the same fields of the installed releases of Flask 3.1, requests 2.34, google-api-core 2.44, google-auth 2.63, "
    "grpcio 1.85, pydantic 2.13, jsonschema 4.26 (importlib.metadata), and their top_level.txt / RECORD for modules",
    "earlier releases still common in pins, added to the union: google-auth 1.x-2.3x (cachetools, rsa, six), "
    "google-api-core 1.x (setuptools, six, pytz), google-cloud-bigquery 2.x (proto-plus, protobuf, grpcio), "
    "gunicorn < 23 (setuptools), functions-framework 3.0-3.5 (no starlette/uvicorn)",
)

_GAPIC = ("google-api-core[grpc]", "google-auth", "proto-plus", "protobuf", "grpcio", "grpc-google-iam-v1")


def _gapic(*modules: str, extra: tuple[str, ...] = ()):
    return (modules, _GAPIC + extra, {})


_E: dict = {}  # filled below: name -> (modules, requires, extras)

_E.update({
    # -- the Google Cloud client family -------------------------------------------------------
    "google-api-core": (("google.api_core",),
                        ("googleapis-common-protos", "protobuf", "proto-plus", "google-auth", "requests",
                         "opentelemetry-api", "setuptools", "six", "pytz"),
                        {"grpc": ("grpcio", "grpcio-status"), "grpcgcp": ("grpcio-gcp",)}),
    "google-auth": (("google.auth", "google.oauth2"),
                    ("pyasn1-modules", "cryptography", "cachetools", "rsa", "six"),
                    {"pyopenssl": ("pyopenssl", "cryptography"), "requests": ("requests",)}),
    "googleapis-common-protos": (("google.api", "google.rpc", "google.type", "google.logging.type",
                                  "google.longrunning", "google.cloud.location", "google.gapic",
                                  "google.cloud.extended_operations_pb2"),
                                 ("protobuf",), {"grpc": ("grpcio",)}),
    "protobuf": (("google.protobuf",), (), {}),
    "proto-plus": (("proto",), ("protobuf",), {}),
    "grpcio": (("grpc",), ("typing-extensions",), {}),
    "grpcio-status": (("grpc_status",), ("protobuf", "grpcio", "googleapis-common-protos"), {}),
    "grpcio-gcp": (("grpc_gcp",), ("grpcio",), {}),
    "grpc-google-iam-v1": (("google.iam.v1",), ("grpcio", "googleapis-common-protos[grpc]", "protobuf"), {}),
    "google-cloud-core": (("google.cloud.client", "google.cloud.exceptions", "google.cloud._helpers",
                           "google.cloud._http", "google.cloud.environment_vars", "google.cloud.obsolete",
                           "google.cloud.operation", "google.cloud.version", "google.cloud._testing"),
                          ("google-api-core", "google-auth"), {}),
    "google-resumable-media": (("google.resumable_media", "google._async_resumable_media"), ("google-crc32c",), {}),
    "google-crc32c": (("google_crc32c",), (), {}),
    "google-cloud-bigquery": (("google.cloud.bigquery", "google.cloud.bigquery_v2"),
                              ("google-api-core[grpc]", "google-auth[pyopenssl]", "google-cloud-core",
                               "google-resumable-media", "packaging", "python-dateutil", "requests",
                               "proto-plus", "protobuf", "grpcio"),
                              {"pandas": ("pandas", "pyarrow", "db-dtypes", "numpy"),
                               "bqstorage": ("google-cloud-bigquery-storage", "pyarrow", "grpcio"),
                               "pyarrow": ("pyarrow",), "tqdm": ("tqdm",),
                               "opentelemetry": ("opentelemetry-api", "opentelemetry-sdk")}),
    "google-cloud-storage": (("google.cloud.storage*",),
                             ("google-auth", "google-api-core", "google-cloud-core", "google-resumable-media",
                              "requests", "google-crc32c"), {}),
    "google-cloud-pubsub": (("google.cloud.pubsub*", "google.pubsub*"),
                            _GAPIC + ("grpcio-status", "opentelemetry-api", "opentelemetry-sdk"), {}),
    "google-cloud-logging": (("google.cloud.logging*",),
                             _GAPIC + ("google-cloud-appengine-logging", "google-cloud-audit-log",
                                       "google-cloud-core", "opentelemetry-api"), {}),
    "google-cloud-appengine-logging": _gapic("google.cloud.appengine_logging*"),
    "google-cloud-audit-log": (("google.cloud.audit",), ("protobuf", "googleapis-common-protos"), {}),
    "google-cloud-firestore": (("google.cloud.firestore*", "google.cloud.firestore_admin*",
                                "google.cloud.firestore_bundle"), _GAPIC + ("google-cloud-core",), {}),
    "google-cloud-datastore": (("google.cloud.datastore*", "google.cloud.datastore_admin*"),
                               _GAPIC + ("google-cloud-core",), {}),
    "google-cloud-bigtable": (("google.cloud.bigtable*",), _GAPIC + ("google-cloud-core", "google-crc32c"), {}),
    "google-cloud-secret-manager": _gapic("google.cloud.secretmanager*"),
    "google-cloud-bigquery-storage": _gapic("google.cloud.bigquery_storage*"),
    "google-cloud-functions": _gapic("google.cloud.functions_v1", "google.cloud.functions_v2",
                                     "google.cloud.functions_v2beta"),
    "google-cloud-run": _gapic("google.cloud.run*"),
    "google-cloud-tasks": _gapic("google.cloud.tasks*"),
    "google-cloud-scheduler": _gapic("google.cloud.scheduler*"),
    "google-cloud-monitoring": _gapic("google.cloud.monitoring*"),
    "google-cloud-workflows": _gapic("google.cloud.workflows*"),
    "google-cloud-resource-manager": _gapic("google.cloud.resourcemanager*"),
    "google-cloud-iam": _gapic("google.cloud.iam*"),
    "google-cloud-kms": _gapic("google.cloud.kms*"),
    "google-cloud-dataproc": _gapic("google.cloud.dataproc*"),
    "google-cloud-dlp": _gapic("google.cloud.dlp*"),
    "google-cloud-language": _gapic("google.cloud.language*"),
    "google-cloud-vision": _gapic("google.cloud.vision*"),
    "google-cloud-speech": _gapic("google.cloud.speech*"),
    "google-cloud-videointelligence": _gapic("google.cloud.videointelligence*"),
    "google-cloud-redis": _gapic("google.cloud.redis*"),
    "google-cloud-container": _gapic("google.cloud.container*"),
    "google-cloud-compute": _gapic("google.cloud.compute*"),
    "google-cloud-bigquery-datatransfer": _gapic("google.cloud.bigquery_datatransfer*"),
    "google-cloud-batch": _gapic("google.cloud.batch*"),
    "google-cloud-eventarc": _gapic("google.cloud.eventarc*"),
    "google-cloud-build": _gapic("google.cloud.devtools.cloudbuild*"),
    "google-cloud-artifact-registry": _gapic("google.cloud.artifactregistry*"),
    "google-cloud-dataflow-client": _gapic("google.cloud.dataflow*"),
    "google-cloud-storage-transfer": _gapic("google.cloud.storage_transfer*"),
    "google-cloud-os-login": _gapic("google.cloud.oslogin*"),
    "google-cloud-error-reporting": (("google.cloud.error_reporting*", "google.cloud.errorreporting*"),
                                     _GAPIC + ("google-cloud-logging",), {}),
    "google-cloud-translate": (("google.cloud.translate*",), _GAPIC + ("google-cloud-core",), {}),
    "google-api-python-client": (("googleapiclient", "apiclient"),
                                 ("httplib2", "google-auth", "google-auth-httplib2", "google-api-core",
                                  "uritemplate", "six"), {}),
    "google-auth-httplib2": (("google_auth_httplib2",), ("google-auth", "httplib2", "six"), {}),
    "google-auth-oauthlib": (("google_auth_oauthlib",), ("google-auth", "requests-oauthlib"), {}),
    "httplib2": (("httplib2",), ("pyparsing",), {}),
    "uritemplate": (("uritemplate",), (), {}),
    "pyparsing": (("pyparsing",), (), {}),
    "requests-oauthlib": (("requests_oauthlib",), ("oauthlib", "requests"), {}),
    "oauthlib": (("oauthlib",), (), {}),
    "cachetools": (("cachetools",), (), {}),
    "pyasn1": (("pyasn1",), (), {}),
    "pyasn1-modules": (("pyasn1_modules",), ("pyasn1",), {}),
    "rsa": (("rsa",), ("pyasn1",), {}),
    "cryptography": (("cryptography",), ("cffi", "typing-extensions"), {}),
    "cffi": (("cffi", "_cffi_backend"), ("pycparser",), {}),
    "pycparser": (("pycparser",), (), {}),
    "pyOpenSSL": (("OpenSSL",), ("cryptography", "typing-extensions"), {}),
    "opentelemetry-api": (("opentelemetry.trace", "opentelemetry.context", "opentelemetry.propagate",
                           "opentelemetry.propagators", "opentelemetry.baggage", "opentelemetry.metrics",
                           "opentelemetry.util", "opentelemetry.environment_variables", "opentelemetry._logs",
                           "opentelemetry._events", "opentelemetry.attributes", "opentelemetry.version"),
                          ("typing-extensions", "importlib-metadata", "deprecated"), {}),
    "opentelemetry-sdk": (("opentelemetry.sdk",),
                          ("opentelemetry-api", "opentelemetry-semantic-conventions", "typing-extensions"), {}),
    "opentelemetry-semantic-conventions": (("opentelemetry.semconv",), ("opentelemetry-api", "typing-extensions",
                                                                        "deprecated"), {}),
    "deprecated": (("deprecated",), ("wrapt",), {}),
    "wrapt": (("wrapt",), (), {}),
    "importlib-metadata": (("importlib_metadata",), ("zipp",), {}),
    "zipp": (("zipp",), (), {}),
    "typing-extensions": (("typing_extensions",), (), {}),
    # -- the Functions Framework and web servers -----------------------------------------------
    "functions-framework": (("functions_framework", "google.cloud.functions"),
                            ("flask", "click", "watchdog", "gunicorn", "cloudevents", "werkzeug", "starlette",
                             "uvicorn", "uvicorn-worker"), {}),
    "flask": (("flask",), ("blinker", "click", "importlib-metadata", "itsdangerous", "jinja2", "markupsafe",
                           "werkzeug"), {"async": ("asgiref",), "dotenv": ("python-dotenv",)}),
    "werkzeug": (("werkzeug",), ("markupsafe",), {}),
    "jinja2": (("jinja2",), ("markupsafe",), {}),
    "markupsafe": (("markupsafe",), (), {}),
    "itsdangerous": (("itsdangerous",), (), {}),
    "click": (("click",), (), {}),
    "blinker": (("blinker",), (), {}),
    "asgiref": (("asgiref",), ("typing-extensions",), {}),
    "gunicorn": (("gunicorn",), ("packaging", "setuptools"), {}),
    "cloudevents": (("cloudevents",), ("deprecation",), {}),
    "deprecation": (("deprecation",), ("packaging",), {}),
    "watchdog": (("watchdog",), (), {}),
    "starlette": (("starlette",), ("anyio", "typing-extensions"), {}),
    "uvicorn": (("uvicorn",), ("click", "h11", "typing-extensions"),
                {"standard": ("httptools", "python-dotenv", "pyyaml", "uvloop", "watchfiles", "websockets")}),
    "uvicorn-worker": (("uvicorn_worker",), ("gunicorn", "uvicorn"), {}),
    "httptools": (("httptools",), (), {}),
    "uvloop": (("uvloop",), (), {}),
    "watchfiles": (("watchfiles",), ("anyio",), {}),
    "websockets": (("websockets",), (), {}),
    "fastapi": (("fastapi",), ("starlette", "pydantic", "typing-extensions"), {}),
    "anyio": (("anyio",), ("exceptiongroup", "idna", "sniffio", "typing-extensions"), {}),
    "exceptiongroup": (("exceptiongroup",), ("typing-extensions",), {}),
    "sniffio": (("sniffio",), (), {}),
    "h11": (("h11",), (), {}),
    "httpx": (("httpx",), ("anyio", "certifi", "httpcore", "idna", "sniffio"), {}),
    "httpcore": (("httpcore",), ("certifi", "h11"), {}),
    "pydantic": (("pydantic",), ("annotated-types", "pydantic-core", "typing-extensions", "typing-inspection"), {}),
    "pydantic-core": (("pydantic_core",), ("typing-extensions",), {}),
    "annotated-types": (("annotated_types",), ("typing-extensions",), {}),
    "typing-inspection": (("typing_inspection",), ("typing-extensions",), {}),
    "setuptools": (("setuptools", "pkg_resources", "_distutils_hack"), (), {}),
    "pip": (("pip",), (), {}),
    "wheel": (("wheel",), (), {}),
    "packaging": (("packaging",), (), {}),
    # -- HTTP and everyday libraries -------------------------------------------------------------
    "requests": (("requests",), ("charset-normalizer", "idna", "urllib3", "certifi", "chardet"),
                 {"socks": ("pysocks",)}),
    "charset-normalizer": (("charset_normalizer",), (), {}),
    "chardet": (("chardet",), (), {}),
    "idna": (("idna",), (), {}),
    "urllib3": (("urllib3",), (), {}),
    "certifi": (("certifi",), (), {}),
    "pysocks": (("socks", "sockshandler"), (), {}),
    "six": (("six",), (), {}),
    "pytz": (("pytz",), (), {}),
    "tzdata": (("tzdata",), (), {}),
    "python-dateutil": (("dateutil",), ("six",), {}),
    "PyYAML": (("yaml", "_yaml"), (), {}),
    "python-dotenv": (("dotenv",), (), {}),
    "tenacity": (("tenacity",), (), {}),
    "tqdm": (("tqdm",), (), {}),
    "psutil": (("psutil",), (), {}),
    "PyJWT": (("jwt",), (), {}),
    "python-json-logger": (("pythonjsonlogger",), ("typing-extensions",), {}),
    "filemagic": (("magic",), (), {}),
    "python-magic": (("magic",), (), {}),
    "slack-sdk": (("slack_sdk", "slack"), (), {}),
    "jmespath": (("jmespath",), (), {}),
    "boto3": (("boto3",), ("botocore", "jmespath", "s3transfer"), {}),
    "botocore": (("botocore",), ("jmespath", "python-dateutil", "urllib3"), {}),
    "s3transfer": (("s3transfer",), ("botocore",), {}),
    "beautifulsoup4": (("bs4",), ("soupsieve", "typing-extensions"), {}),
    "soupsieve": (("soupsieve",), (), {}),
    "lxml": (("lxml",), (), {}),
    "jsonschema": (("jsonschema",), ("attrs", "jsonschema-specifications", "referencing", "rpds-py"), {}),
    "jsonschema-specifications": (("jsonschema_specifications",), ("referencing",), {}),
    "referencing": (("referencing",), ("attrs", "rpds-py", "typing-extensions"), {}),
    "rpds-py": (("rpds",), (), {}),
    "attrs": (("attr", "attrs"), (), {}),
    "sqlalchemy": (("sqlalchemy",), ("greenlet", "typing-extensions"), {}),
    "greenlet": (("greenlet",), (), {}),
    "psycopg2": (("psycopg2",), (), {}),
    "psycopg2-binary": (("psycopg2",), (), {}),
    "pymysql": (("pymysql",), (), {}),
    # -- data ----------------------------------------------------------------------------------
    "numpy": (("numpy",), (), {}),
    "pandas": (("pandas",), ("numpy", "python-dateutil", "pytz", "tzdata"), {}),
    "pyarrow": (("pyarrow",), ("numpy",), {}),
    "db-dtypes": (("db_dtypes",), ("numpy", "packaging", "pandas", "pyarrow"), {}),
    "pandas-gbq": (("pandas_gbq",),
                   ("setuptools", "db-dtypes", "numpy", "pandas", "pyarrow", "pydata-google-auth", "psutil",
                    "google-api-core", "google-auth", "google-auth-oauthlib", "google-cloud-bigquery", "packaging"),
                   {"bqstorage": ("google-cloud-bigquery-storage",), "tqdm": ("tqdm",)}),
    "pydata-google-auth": (("pydata_google_auth",), ("setuptools", "google-auth", "google-auth-oauthlib"), {}),
    "scipy": (("scipy",), ("numpy",), {}),
    "scikit-learn": (("sklearn",), ("numpy", "scipy", "joblib", "threadpoolctl"), {}),
    "joblib": (("joblib",), (), {}),
    "threadpoolctl": (("threadpoolctl",), (), {}),
})

# Import names of distributions whose dependencies are not listed above (the name differs from
# the distribution's, so the naming rule would not find them). Any one provider is enough.
_MODULES_ONLY: dict[str, tuple[str, ...]] = {
    "ruamel.yaml": ("ruamel.yaml",),
    "dotenv": ("python-dotenv",),
    "PIL": ("Pillow",),
    "cv2": ("opencv-python", "opencv-python-headless", "opencv-contrib-python", "opencv-contrib-python-headless"),
    "Crypto": ("pycryptodome",),
    "Cryptodome": ("pycryptodomex",),
    "docx": ("python-docx",),
    "pptx": ("python-pptx",),
    "MySQLdb": ("mysqlclient",),
    "psycopg": ("psycopg", "psycopg-binary"),
    "slugify": ("python-slugify",),
    "serial": ("pyserial",),
    "zmq": ("pyzmq",),
    "jose": ("python-jose",),
    "multipart": ("python-multipart",),
    "dns": ("dnspython",),
    "fitz": ("PyMuPDF",),
    "git": ("GitPython",),
    "websocket": ("websocket-client",),
    "kafka": ("kafka-python",),
    "bson": ("pymongo",),
    "gridfs": ("pymongo",),
    "Levenshtein": ("Levenshtein", "python-Levenshtein"),
    "google.cloud.sql.connector": ("cloud-sql-python-connector",),
    "google.cloud.aiplatform": ("google-cloud-aiplatform",),
    "vertexai": ("google-cloud-aiplatform",),
    "google.cloud.storage_control_v2": ("google-cloud-storage-control",),
    "google.cloud.pubsublite": ("google-cloud-pubsublite",),
    "google.cloud.spanner": ("google-cloud-spanner",),
    "google.cloud.spanner_v1": ("google-cloud-spanner",),
    "google.cloud.dataplex": ("google-cloud-dataplex",),
    "google.cloud.datacatalog": ("google-cloud-datacatalog",),
    "google.cloud.documentai": ("google-cloud-documentai",),
    "google.cloud.texttospeech": ("google-cloud-texttospeech",),
    "google.generativeai": ("google-generativeai",),
    "google.genai": ("google-genai",),
    "google.adk": ("google-adk",),
    "google_crc32c": ("google-crc32c",),
}


class Dist:
    __slots__ = ("name", "display", "modules", "requires", "extras")

    def __init__(self, name: str, modules, requires, extras, display: str = ""):
        self.name = name
        self.display = display or name
        self.modules = modules
        self.requires = requires
        self.extras = extras


def _parse(spec: str) -> tuple[str, tuple[str, ...]]:
    name, _, rest = spec.partition("[")
    extras = tuple(e.strip() for e in rest.rstrip("]").split(",") if e.strip()) if rest else ()
    return canonicalize_name(name), extras


DISTS: dict[str, Dist] = {}
for _name, (_modules, _requires, _extras) in _E.items():
    DISTS[canonicalize_name(_name)] = Dist(canonicalize_name(_name), tuple(_modules), tuple(_requires),
                                           {k: tuple(v) for k, v in _extras.items()}, _name)
for _module, _providers in _MODULES_ONLY.items():
    for _provider in _providers:
        _key = canonicalize_name(_provider)
        if _key not in DISTS:
            DISTS[_key] = Dist(_key, (), None, {}, _provider)
        if DISTS[_key].requires is None:
            DISTS[_key].modules = DISTS[_key].modules + (_module,)
# Every requirement named above is an entry (a closure never leaves the table).
for _dist in list(DISTS.values()):
    for _spec in (_dist.requires or ()) + tuple(s for v in _dist.extras.values() for s in v):
        _key, _ = _parse(_spec)
        assert _key in DISTS, f"{_dist.name} requires {_key}, which has no entry"


def covers(pattern: str, dotted: str) -> bool:
    """Whether a module pattern of a distribution provides the import `dotted`: the module itself,
    a submodule, or a namespace package above it (`google.cloud` is there with bigquery)."""
    if pattern.endswith("*"):
        stem = pattern[:-1]
        head = dotted.split(".")[: stem.count(".") + 1]
        joined = ".".join(head)
        if joined.startswith(stem) and (joined == stem or joined[len(stem)] == "_"):
            return True
        return stem.startswith(dotted + ".")
    return dotted == pattern or dotted.startswith(pattern + ".") or pattern.startswith(dotted + ".")


# import prefix -> distributions whose modules name it exactly (for messages and candidates)
_BY_MODULE: dict[str, list[str]] = {}
for _dist in DISTS.values():
    for _pattern in _dist.modules or ():
        _BY_MODULE.setdefault(_pattern.rstrip("*"), []).append(_dist.name)


@lru_cache(maxsize=8192)
def providers(dotted: str) -> tuple[str, ...]:
    """Canonical names of the table's distributions that hold the module `dotted` itself (not only
    a namespace above it); longest pattern first."""
    found: list[tuple[int, str]] = []
    for dist in DISTS.values():
        for pattern in dist.modules or ():
            stem = pattern.rstrip("*")
            if covers(pattern, dotted) and not stem.startswith(dotted + "."):
                found.append((-len(stem), dist.name))
    found.sort()
    return tuple(dict.fromkeys(name for _, name in found))


def expand(specs) -> tuple[set[str], set[str]]:
    """(closure, unknown): every distribution the specs (`name` or `name[extra]`) install, and the
    ones whose own requirements the table does not know."""
    names: set[str] = set()
    unknown: set[str] = set()
    for spec in specs:
        closure, missing = _expand_one(_parse(spec) if isinstance(spec, str) else (spec[0], tuple(spec[1])))
        names |= closure
        unknown |= missing
    return names, unknown


@lru_cache(maxsize=4096)
def _expand_one(spec: tuple[str, tuple[str, ...]]) -> tuple[frozenset[str], frozenset[str]]:
    specs = [spec]
    seen: set[tuple[str, tuple[str, ...]]] = set()
    names: set[str] = set()
    unknown: set[str] = set()
    todo = list(specs)
    while todo:
        name, extras = todo.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        names.add(name)
        dist = DISTS.get(name)
        if dist is None or dist.requires is None:
            unknown.add(name)
            continue
        for spec in dist.requires:
            todo.append(_parse(spec))
        for extra in extras:
            for spec in dist.extras.get(extra, ()):
                todo.append(_parse(spec))
    return frozenset(names), frozenset(unknown)
