"""Simulation: everything that stands in for the districts, never used by the product path.

- `generators/`: synthetic SIS nights, one module per SIS, written exactly as declared.
- `sftp_server`: the SFTP server the demo and the tests serve those files from.
- `benchmark_file`: the big grades file the benchmark times the ingest on.

The demo (`ingest.demo`), the benchmark (`ingest.benchmark`) and the tests import this
package; product modules (pipeline, readers, transfer, night, ...) must not
(tests/unit/test_layout.py checks).
"""
