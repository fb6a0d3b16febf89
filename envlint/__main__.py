from envlint.cli import main

raise SystemExit(main())
