from gcp_preflight.cli import main

raise SystemExit(main())
