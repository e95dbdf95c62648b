"""The ETL: submission files to the warehouse, the warehouse to the published aggregates.

The folders read in the order data flows:

    ingest/     1. read   which file or sheet holds which table; its rows into DuckDB as text
    validate/   2. check  cell rules (each value parsed) then row rules (across rows, the warehouse)
    anonymise/  3. key    the keyed hash that replaces case references
    warehouse/  4. store  the load run, writes, quarantine, the loads log (python -m etl load)
    publish/    5. publish  staging -> intermediate -> marts: aggregates only (python -m etl publish)

and beside them the tools: sample/ (the synthetic sample), bench/ (the benchmark) and maps/
(the province boundaries). The reference model they share with the dashboard is the
top-level package `reference`.
"""
