"""Reports: the Home Office returns, timeliness and workload, read straight from the records [issue 18].
Reads every feature's tables and writes nothing but exports' audit events (ARCHITECTURE.md)."""
