from etl.maps.build import main

raise SystemExit(main())
