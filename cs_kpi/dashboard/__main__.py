from cs_kpi.dashboard.build import main

raise SystemExit(main())
