from mediatrack.cli import main

raise SystemExit(main())
