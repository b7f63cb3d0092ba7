"""PF202/PF203: imports that never run at cold start (issue 12, cause 3; triage F4a-F4c)."""

from tests.helpers import assert_marks, run, write_repo

DEPLOY = ("gcloud functions deploy fn --runtime python312 --trigger-http --entry-point run "
          "--source fn --memory 512MB\n")


def test_imports_behind_a_module_getattr_do_not_run(tmp_path):  # F4a
    files = {
        "deploy.sh": DEPLOY,
        "fn/requirements.txt": "",
        "fn/shared/__init__.py": "def __getattr__(name):\n    if name == 'Metrics':\n        from .metrics import Metrics\n"
                                 "        return Metrics\n    raise AttributeError(name)\n",
        "fn/shared/metrics.py": "import psutil\nclass Metrics: pass\n",
        "fn/shared/alerts.py": "def send(): return 1\n",
        "fn/main.py": "from shared.alerts import send\ndef run(request): return send()\n",
    }
    write_repo(tmp_path, files)
    assert run(tmp_path, select=("PF2",)) == []
    # asking the package for a name only __getattr__ answers runs it: reached when it runs
    write_repo(tmp_path, {"fn/main.py": "from shared import Metrics\ndef run(request): return Metrics()\n",
                          "fn/shared/metrics.py": "import psutil  # expect: PF203\nclass Metrics: pass\n"})
    assert_marks(tmp_path, select=("PF2",))
    [finding] = run(tmp_path, select=("PF203",))
    assert finding.severity.value == "warning"
    assert finding.message.endswith("reached only when __getattr__() runs")


def test_an_import_in_a_function_nothing_calls(tmp_path):  # F4b
    write_repo(tmp_path, {
        "svc/requirements.txt": "flask\ngunicorn\n",
        "svc/models.py": "REGISTRY = {'a': 1}\ndef load_model(path):\n    import catboost\n"
                         "    return catboost.CatBoost().load_model(path)\n",
        "svc/main.py": "from flask import Flask\nfrom models import REGISTRY\napp = Flask(__name__)\n"
                       "@app.route('/')\ndef index(): return str(len(REGISTRY))\n",
        "svc/Dockerfile": "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\n"
                          "COPY . ./\nCMD exec gunicorn --bind :$PORT main:app\n",
    })
    assert run(tmp_path, select=("PF2",)) == []
    # once a route calls it, the import runs when the route does: a warning, not an error
    write_repo(tmp_path, {"svc/main.py": "from flask import Flask\nfrom models import REGISTRY, load_model\n"
                                         "app = Flask(__name__)\n@app.route('/')\ndef index(): return load_model('m')\n",
                          "svc/models.py": "REGISTRY = {'a': 1}\ndef load_model(path):\n    import catboost  # expect: PF203\n"
                                           "    return catboost.CatBoost().load_model(path)\n"})
    assert_marks(tmp_path, select=("PF2",))
    assert [f.severity.value for f in run(tmp_path, select=("PF203",))] == ["warning"]


def test_a_lazy_import_whose_only_call_falls_back_on_any_exception(tmp_path):  # F4c
    main = ("def get_resolver():\n    from lib.resolver import Resolver\n    return Resolver()\n"
            "def run(request):\n    try:\n        get_resolver()\n    except Exception:\n        return 'fallback'\n"
            "    return 'ok'\n")
    write_repo(tmp_path, {"deploy.sh": DEPLOY, "fn/requirements.txt": "", "fn/main.py": main,
                          "lib/resolver.py": "class Resolver: pass\n"})
    assert run(tmp_path, select=("PF2",)) == []
    write_repo(tmp_path, {"fn/main.py": main.replace("    try:\n        get_resolver()\n    except Exception:\n"
                                                     "        return 'fallback'\n", "    get_resolver()\n")})
    findings = run(tmp_path, select=("PF2",))
    assert [(f.code, str(f.location), f.severity.value) for f in findings] == [("PF202", "fn/main.py:2:5", "warning")]


def test_module_level_imports_stay_errors(tmp_path):
    write_repo(tmp_path, {"deploy.sh": DEPLOY, "fn/requirements.txt": "requests\n",
                          "fn/main.py": "import yaml  # expect: PF203\ndef run(request): return 'ok'\n"})
    assert_marks(tmp_path, select=("PF2",))
    assert [f.severity.value for f in run(tmp_path, select=("PF203",))] == ["error"]
